"""Reminders that act on "behind schedule": a tutor reminds chosen trainees of their group with a
template written in each trainee's language; a group's automatic reminders (before a due date,
after days of inactivity) are sent by the queue's scheduler, once per trigger, and recorded."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the application is built (see lms.certificates.init_app).
    from lms.core.data_version import not_statistical
    from lms.core.tasks import register
    from lms.core.web import register_slot
    from lms.extensions import api as rest_api
    from lms.notifications.extension_points import NOTIFICATION_KINDS
    from lms.reminders import api, tasks, views
    from lms.reminders.notification_kind import REMINDER_KIND

    # Reminder settings and the record of reminders sent feed no statistic.
    not_statistical(app, "reminder_settings", "reminder_sent")

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    register(app, tasks.send_automatic_reminders)
    NOTIFICATION_KINDS.add(app, REMINDER_KIND)
    register_slot(app, "cohort.actions", views.cohort_action)
