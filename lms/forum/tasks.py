"""Background work of the forum: the daily digest, and recording what a reader has read."""

from __future__ import annotations

from datetime import datetime

from lms.core.tasks import crontab, periodic, task
from lms.extensions import db
from lms.forum.operations.digest import send_digests
from lms.forum.operations.reading import record_read


@periodic(crontab(minute="30", hour="5"), retries=3, retry_delay=300)
def send_forum_digests() -> int:
    """Each morning (05:30 UTC, 06:30–07:30 in the region): yesterday's posts in followed threads."""
    return send_digests(db.session)


@task(retries=2, retry_delay=5)
def record_thread_read(user_id: int, thread_id: int, post_id: int, at: datetime) -> None:
    """Asked by the thread page (a GET, which writes nothing itself)."""
    record_read(db.session, user_id, thread_id, post_id, at)
