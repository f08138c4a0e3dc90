"""Courses, modules, lessons, enrolments, progress, completion and the content loader."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lms.core.i18n import _l
    from lms.core.web import register_nav
    from lms.courses import api, cli, views
    from lms.courses.completion import LESSONS_KIND
    from lms.courses.extension_points import COMPLETION_KINDS
    from lms.extensions import api as rest_api

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    app.cli.add_command(cli.content_cli)
    COMPLETION_KINDS.add(app, LESSONS_KIND)
    register_nav(app, "courses.dashboard", _l("My learning"), lambda user: True, order=10)
