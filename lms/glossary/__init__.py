"""The programme glossary: key terms in every language, from ``content/glossary.yaml``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported when the application is built: any module of this package imports the
    # package first, and these import courses' modules and this package's models.
    from lms.core.i18n import _l
    from lms.core.web import register_nav, register_slot
    from lms.courses.extension_points import CONTENT_FILES
    from lms.glossary import cli, views
    from lms.glossary.content import GlossaryFile

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.glossary_cli)
    CONTENT_FILES.add(app, GlossaryFile())
    register_nav(app, "glossary.index", _l("Glossary"), lambda user: True, order=60)
    register_slot(app, "lesson.aside", views.lesson_slot)
