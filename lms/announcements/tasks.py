"""Background work of announcements: telling each reader, in their language, as they choose."""

from __future__ import annotations

from lms.announcements import operations
from lms.core.tasks import task
from lms.extensions import db


@task(retries=3, retry_delay=30, retry_backoff=2)
def tell_readers(announcement_id: int) -> int:
    """Notify every reader of one announcement (again safely: each is told once)."""
    return operations.tell_readers(db.session, announcement_id)
