"""What each reader has read of a thread. Reading a thread (a GET) writes nothing: it asks the
queue to record it (``record_read``); "Mark as read" (a POST) records it at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.models import utcnow
from lms.forum.models import ForumPost, ForumRead, ForumThread


def record_read(session: Session, user_id: int, thread_id: int, post_id: int, at: datetime | None = None) -> None:
    """Note that the user has read the thread up to ``post_id``; never moves backwards."""
    row = session.scalar(select(ForumRead).where(ForumRead.user_id == user_id, ForumRead.thread_id == thread_id))
    if row is None:
        session.add(ForumRead(user_id=user_id, thread_id=thread_id, last_read_post_id=post_id, read_at=at or utcnow()))
    elif row.last_read_post_id < post_id:
        row.last_read_post_id = post_id
        row.read_at = at or utcnow()
    session.flush()


def mark_read(session: Session, user: User, thread: ForumThread) -> int:
    """Everything in the thread so far is read; returns the newest post id recorded."""
    newest = session.scalar(select(func.max(ForumPost.id)).where(ForumPost.thread_id == thread.id)) or 0
    record_read(session, user.id, thread.id, newest)
    return newest
