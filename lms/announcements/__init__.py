"""Announcements: a tutor to their group, a manager to a group or all their groups of a course.

Shown on the course page and the dashboard (page slots), listed per group and per course, and
told to each reader as a notification of kind ``announcement`` (``lms.notifications``): in the
app and by e-mail, the frame in the reader's language, the body as its author wrote it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the application is built (see lms.certificates.init_app).
    from lms.accounts.operations import SESSION_FACTS, SessionFact
    from lms.announcements import api, operations, tasks, views
    from lms.announcements.notification_kind import ANNOUNCEMENT_KIND
    from lms.core.tasks import register
    from lms.core.web import register_slot
    from lms.extensions import api as rest_api
    from lms.notifications.extension_points import NOTIFICATION_KINDS

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    register(app, tasks.tell_readers)
    NOTIFICATION_KINDS.add(app, ANNOUNCEMENT_KIND)
    register_slot(app, "course.after_progress", views.course_slot)
    register_slot(app, "dashboard.top", views.dashboard_slot)
    # Whether the reader has any, asked with the session check of the pages listing the newest.
    SESSION_FACTS.add(app, SessionFact(views.ANNOUNCED, operations.any_for,
                                       pages=("courses.dashboard", "courses.course")))
    register_slot(app, "cohort.actions", views.cohort_action)
