"""Offline reading: the site as an installable web app; a trainee saves a module on a phone
(lesson pages, their images, CSS and scripts kept by a service worker), marks lessons done
without a connection, and the phone sends them once it is back online (docs/offline.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the application is built (as every feature does).
    from flask_login import user_logged_out

    from lms.core.i18n import _l
    from lms.core.web import register_nav, register_slot
    from lms.extensions import api as rest_api
    from lms.offline import api, views

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    register_slot(app, "course.module", views.module_slot)
    register_slot(app, "lesson.aside", views.lesson_slot)
    app.jinja_env.globals["offline_head"] = views.head_links
    # i18n: menu entry (under "My account"): the modules kept on this phone for reading without a connection
    register_nav(app, "offline.saved", _l("Saved for offline"), lambda user: True, order=96, group="account")
    user_logged_out.connect(views.note_sign_out, app)
    app.after_request(views.clear_site_data)
