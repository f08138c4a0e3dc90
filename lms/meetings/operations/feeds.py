"""The secret address of a person's iCalendar feed: shown once when made, kept as its SHA-256,
replaced by a new one (the old address stops working) or withdrawn."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotFound
from lms.core.models import utcnow
from lms.meetings.models import CalendarFeed

TOKEN_PREFIX = "cal_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(session: Session, user: User) -> bool:
    return session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id)) is not None


def feed_of(session: Session, user: User) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def new_feed_token(session: Session, user: User) -> str:
    """A new secret for ``user``'s feed, replacing any earlier one; the clear token, to show once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = feed_of(session, user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        session.add(feed)
    feed.token_hash, feed.created_at = _hash(token), utcnow()
    session.flush()
    return token


def revoke_feed(session: Session, user: User) -> bool:
    """Withdraw the feed's address; True if there was one."""
    result = session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    session.flush()
    return bool(result.rowcount)


def owner_of_token(session: Session, token: str) -> User:
    """The active account whose feed ``token`` opens; NotFound for a wrong or withdrawn one."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise NotFound()
    user = session.scalar(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
                          .where(CalendarFeed.token_hash == _hash(token)))
    if user is None or not user.is_active:
        raise NotFound()
    return user
