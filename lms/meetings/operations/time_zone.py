"""Changing the zone one's times are shown in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.accounts.time_zones import check_zone


def set_time_zone(session: Session, user: User, value: str | None) -> User:
    """A zone from the IANA list, or nothing (follow the beneficiary); ValidationFailed otherwise."""
    user.time_zone = check_zone(value)
    session.flush()
    return user
