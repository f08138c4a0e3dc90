"""Background work of tutored groups: the daily digest of new work for tutors who chose it."""

from __future__ import annotations

from datetime import timedelta

from lms.core.models import utcnow
from lms.core.tasks import crontab, periodic
from lms.extensions import db
from lms.tutors.operations.notifications import send_digests

# A tutor who had a digest less than this long ago gets none now: a second worker's
# scheduler starting the same run, or a retry, never sends a tutor two digests in a day.
DIGEST_INTERVAL = timedelta(hours=20)


@periodic(crontab(minute="0", hour="6"))
def send_tutor_digests() -> int:
    """Each morning (06:00 UTC, 07:00–08:00 in the region), the work that arrived since the last digest."""
    return send_digests(db.session, not_since=utcnow() - DIGEST_INTERVAL)
