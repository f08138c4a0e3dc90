"""Background work of notifications: a mail at once, and each morning's digest."""

from __future__ import annotations

from lms.core.models import utcnow
from lms.core.tasks import crontab, periodic, task
from lms.extensions import db
from lms.notifications import mailing


@task(retries=3, retry_delay=30, retry_backoff=2)
def mail_notification(notification_id: int) -> bool:
    """Mail one notification its recipient wants by e-mail at once (at most once)."""
    return mailing.mail_one(db.session, notification_id, utcnow())


@periodic(crontab(minute="0", hour="6"))
def send_notification_digests() -> int:
    """Each morning, one e-mail per person with the notifications they chose to get as a digest."""
    return mailing.send_digests(db.session, utcnow())
