"""Background work of quizzes: timed attempts left open past their deadline are submitted."""

from __future__ import annotations

from lms.core.tasks import crontab, periodic
from lms.extensions import db
from lms.quizzes.operations import close_all_overdue


@periodic(crontab(minute="*"))
def close_overdue_attempts() -> int:
    """Submit, with what they saved, attempts open past their deadline and its grace period.

    Safe to run on several workers at once: an attempt is finished by a conditional update,
    so a second run finds it closed."""
    return close_all_overdue(db.session)
