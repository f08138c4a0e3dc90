"""Background work of reminders: each group's automatic reminders, every hour."""

from __future__ import annotations

from lms.core.models import utcnow
from lms.core.tasks import crontab, periodic
from lms.extensions import db
from lms.reminders import operations


@periodic(crontab(minute="20"))
def send_automatic_reminders() -> int:
    """Remind the trainees whose due date is near or who have been inactive, as each group asks (once each)."""
    return operations.send_automatic(db.session, utcnow())
