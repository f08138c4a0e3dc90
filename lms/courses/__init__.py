"""Courses, modules, lessons, enrolments, progress, completion and the content loader."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the application is built: importing the package (as any
    # ``lms.courses.models`` import does) must not pull in its views and their imports.
    from lms.core.i18n import _l
    from lms.core.web import register_nav
    from lms.courses import api, cli, views
    from lms.extensions import api as rest_api

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    app.cli.add_command(cli.content_cli)
    register_nav(app, "courses.dashboard", _l("My learning"), lambda user: True, order=10)
