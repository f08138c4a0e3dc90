"""Completion → certificate: issued in the completing transaction, verifiable by anyone, revocable."""

from __future__ import annotations

import logging

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the application is built: importing the package (as any
    # ``lms.certificates.models`` import does) must not pull in its views and their imports.
    from lms.accounts.operations import SESSION_FACTS, SessionFact
    from lms.certificates import api, badges, operations, tasks, views
    from lms.certificates.content import CertificateContent
    from lms.certificates.notification_kinds import ISSUED_KIND
    from lms.core.i18n import _l
    from lms.core.tasks import register
    from lms.core.web import register_nav, register_slot
    from lms.courses.extension_points import CONTENT_SECTIONS, COURSE_COMPLETED
    from lms.extensions import api as rest_api
    from lms.notifications.extension_points import NOTIFICATION_KINDS

    app.register_blueprint(views.bp)
    app.register_blueprint(badges.bp)
    rest_api.register_blueprint(api.blp)
    register(app, tasks.render_certificate_pdf, tasks.remind_expiring_certificates)
    CONTENT_SECTIONS.add(app, CertificateContent())
    NOTIFICATION_KINDS.add(app, ISSUED_KIND)
    # Issue inside the transaction that completes the enrolment.
    COURSE_COMPLETED.add(app, operations.on_course_completed)
    register_slot(app, "dashboard.enrolment", views.certificate_slot)
    register_slot(app, "course.after_progress", views.certificate_slot)
    # How many the reader holds, asked with the session check of the pages showing the boxes.
    SESSION_FACTS.add(app, SessionFact(views.HELD, operations.held_by,
                                       pages=("courses.dashboard", "courses.course")))
    # fontTools reports every glyph it keeps at INFO: one screenful per PDF.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    register_nav(app, "certificates.manage_certificates", _l("Certificates"),
                 lambda user: user.is_manager or user.is_admin, order=60,
                 group="management")
