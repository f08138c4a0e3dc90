"""Personal API tokens: created, revoked, and recognised on a request."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import ApiToken, User
from lms.accounts.operations.use_records import ask_to_record
from lms.accounts.tasks import record_token_use
from lms.core.errors import NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow

log = logging.getLogger(__name__)

TOKEN_PREFIX = "lms_"
# How stale a token's ``last_used_at`` may be: it is written at most this often.
USE_RECORDED_EVERY = timedelta(minutes=5)
# Tokens whose use this process has asked the queue to record, and when (by token hash).


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The longest life a token may be given, in days (or none: it never expires).
MAX_TOKEN_DAYS = 3650
CONFIGURED_DAYS = object()


def create_api_token(session: Session, user: User, name: str,
                     expires_in_days: int | None | object = CONFIGURED_DAYS) -> tuple[ApiToken, str]:
    """Create a personal token; the plain value is returned once and never stored.

    It expires after ``expires_in_days`` days (``LMS_API_TOKEN_DAYS`` unless given), or never
    when that is ``None``.
    """
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise ValidationFailed(_("Give the token a name (100 characters at most)."), field="name")
    if expires_in_days is CONFIGURED_DAYS:
        expires_in_days = current_app.config["LMS_API_TOKEN_DAYS"]
    if expires_in_days is not None and not (isinstance(expires_in_days, int)
                                            and 1 <= expires_in_days <= MAX_TOKEN_DAYS):
        raise ValidationFailed(_("Choose how many days the token works: from 1 to {days}.").format(
            days=MAX_TOKEN_DAYS), field="expires_in_days")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user=user, name=name, prefix=plain[:12], token_hash=_token_hash(plain), created_at=now,
                     expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days))
    session.add(token)
    session.flush()
    return token, plain


def revoke_api_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or not token.can_be_revoked_by(user):
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.flush()
    return token


def valid_api_token(session: Session, plain: str) -> ApiToken | None:
    """The token of this value if it may be used: not revoked, not expired, its owner active.
    Reads only."""
    if not plain or not plain.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(plain)))
    if token is None or not token.is_usable(utcnow()) or not token.user.is_active:
        return None
    return token


def note_token_use(token: ApiToken, now: datetime | None = None) -> None:
    """Have the queue write that ``token`` was used now, at most once per token per
    ``USE_RECORDED_EVERY``: the request itself never writes it (a GET writes nothing, and
    the task needs no commit of the request to happen)."""
    ask_to_record(record_token_use, token.id, token.token_hash, token.last_used_at, now or utcnow(),
                  USE_RECORDED_EVERY)
