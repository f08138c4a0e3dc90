"""Signed-in sessions the server can end.

A session is a row (``UserSession``); the session cookie and the remember-me cookie carry
``<id>.<secret>``, and a request is signed in only while the row exists, has not expired,
was started under the user's current ``auth_version`` and belongs to an active user. The
check is one look-up by primary key (the user and their roles joined in), and writes
nothing: when a session was last seen is written by a task, at most once per
``LMS_SESSION_SEEN_MINUTES``.

Signing out deletes the row; a password change, a reset, a deactivation and an
administrator's "sign out everywhere" delete every row of the user, and the first three
revoke the user's API tokens as well (``withdraw_credentials``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import bindparam, delete, exists, select, update
from sqlalchemy.orm import Session

from lms.accounts.models import ApiToken, Beneficiary, User, UserRole, UserSession
from lms.accounts.operations.use_records import ask_to_record
from lms.accounts.reference import ROLES
from lms.accounts.tasks import record_session_seen
from lms.core import audit
from lms.core.app_cache import remembered
from lms.core.errors import NotAllowed, NotFound
from lms.core.extension_points import ExtensionPoint
from lms.core.loading import as_loaded, loaded_columns
from lms.core.models import utcnow

log = logging.getLogger(__name__)

# Sessions whose last-seen time this process has asked the queue to write, and when.


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(session: Session, user: User, *, remember: bool = False, user_agent: str = "",
                  ip_address: str = "") -> str:
    """Open a session for ``user`` (who has just proved who they are) and return its key,
    which is also set on ``user.session_key`` for Flask-Login to put in the cookies."""
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    row = UserSession(user=user, secret_hash=_hash(secret), auth_version=user.auth_version,
                      remember=remember, created_at=now, last_seen_at=now,
                      expires_at=now + timedelta(days=current_app.config["LMS_SESSION_DAYS"]),
                      user_agent=(user_agent or "")[:200], ip_address=(ip_address or "")[:45])
    session.add(row)
    session.flush()
    user.session_key = f"{row.id}.{secret}"
    return user.session_key


@dataclass(frozen=True)
class LiveSession:
    """A session found live by ``session_for_key``: what a request needs of it."""

    id: int
    secret_hash: str
    last_seen_at: datetime
    user: User


@dataclass(frozen=True)
class SessionFact:
    """Something a signed-in page asks about its reader, asked with the session check
    instead of in a statement of its own: ``column(user_id)`` is a scalar subquery of the
    user's id column (``user_session.user_id``). A subquery nested inside it must correlate to
    that column itself (``correlate_except(<its own tables>)``): SQLAlchemy correlates only
    to the select just around it, and would otherwise read every session's user. ``pages``:
    the endpoints that ask it (none: every signed-in page). Its value is
    ``session_fact(user, name)`` for the request, read before anything the request writes (a
    GET writes nothing); ``nothing_to_show(user, name)`` for a count or a yes/no."""

    name: str
    column: Callable
    pages: tuple[str, ...] = ()


SESSION_FACTS: ExtensionPoint[SessionFact] = ExtensionPoint("accounts.session_facts", key=lambda fact: fact.name)

# The check of every signed-in request, built once per application and set of facts (those
# of every page and of the page asked for): the session, whether its user has each role, the
# user's columns and the facts, in one row read by primary key.
_USER_COLUMNS = loaded_columns(User)
_FIRST_USER_COLUMN = 5 + len(ROLES)
_FIRST_FACT = _FIRST_USER_COLUMN + len(_USER_COLUMNS)


def _session_check(facts: tuple[SessionFact, ...]):
    return (
        select(UserSession.secret_hash, UserSession.expires_at, UserSession.auth_version, UserSession.last_seen_at,
               *[exists().where(UserRole.user_id == UserSession.user_id, UserRole.role == role).label(f"is_{role}")
                 for role in ROLES],
               select(Beneficiary.code).where(Beneficiary.id == User.beneficiary_id).scalar_subquery()
               .label("beneficiary_code"),
               *[column for _key, column in _USER_COLUMNS],
               *[fact.column(UserSession.user_id).label(f"fact_{fact.name}") for fact in facts])
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.id == bindparam("session_id")))


def _pages_of(fact: SessionFact) -> tuple[str, ...]:
    return fact.pages


def _check_with_facts() -> tuple[object, tuple[SessionFact, ...]]:
    if not has_app_context():
        return _session_check(()), ()
    endpoint = request.endpoint if has_request_context() else None
    facts = tuple(fact for pages, facts in SESSION_FACTS.grouped(_pages_of).items()
                  if not pages or endpoint in pages for fact in facts)
    return remembered("accounts.session_check", tuple(fact.name for fact in facts),
                      lambda: _session_check(facts), limit=64), facts


def session_fact(user, name: str):
    """The value of the session fact ``name`` for this request's reader; None where it was not
    asked (another page, a request signed in by token) or where the request may have changed
    it since (anything but a GET): the caller then asks the database itself."""
    facts = getattr(user, "session_facts", None)
    if not facts or (has_request_context() and request.method not in ("GET", "HEAD")):
        return None
    return facts.get(name)


def nothing_to_show(user, name: str) -> bool:
    """Whether the session check found none (a count of 0, a no) for the fact ``name``: the
    box that shows it can skip its statement. False where the fact was not asked."""
    value = session_fact(user, name)
    return value is not None and not value


def session_for_key(session: Session, key: str, now: datetime | None = None) -> LiveSession | None:
    """The live session of a cookie's key, with its user (roles known); reads only.

    One row by primary key, read as a tuple: the ``User`` is made from its columns and added
    to the session as if loaded (no ORM query on every request); its roles are read with it
    (``User.has_role`` uses them until ``role_rows`` is loaded).
    """
    row_id, _, secret = (key or "").partition(".")
    if not row_id.isdigit() or not secret or len(row_id) > 18:
        return None
    statement, facts = _check_with_facts()
    found = session.connection().execute(statement, {"session_id": int(row_id)}).first()
    if found is None or not hmac.compare_digest(found.secret_hash, _hash(secret)):
        return None
    values = dict(zip((name for name, _column in _USER_COLUMNS), found[_FIRST_USER_COLUMN:_FIRST_FACT], strict=True))
    if (found.expires_at <= (now or utcnow()) or not values["is_active_account"]
            or found.auth_version != values["auth_version"]):
        return None
    user = _user_as_loaded(session, values, frozenset(
        role for role, has in zip(ROLES, found[4:4 + len(ROLES)], strict=True) if has))
    user.beneficiary_code = found.beneficiary_code
    user.session_facts = {fact.name: value for fact, value in zip(facts, found[_FIRST_FACT:], strict=True)}
    user.session_key = key
    return LiveSession(int(row_id), found.secret_hash, found.last_seen_at, user)


def _user_as_loaded(session: Session, values: dict, roles: frozenset[str]) -> User:
    """The ``User`` of these column values, persistent in ``session`` as a query would leave it."""
    user = as_loaded(session, User, values)
    user.role_names = roles
    return user


def session_id_of(key: str | None) -> int | None:
    row_id = (key or "").partition(".")[0]
    return int(row_id) if row_id.isdigit() and len(row_id) <= 18 else None


def active_sessions(session: Session, user: User) -> list[UserSession]:
    """The user's sessions that have not expired, the most recently seen first."""
    return list(session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at > utcnow(),
                                  UserSession.auth_version == user.auth_version)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def end_session(session: Session, user: User, session_id: int) -> None:
    """End one of ``user``'s own sessions (another person's is as if it did not exist)."""
    row = session.get(UserSession, session_id)
    if row is None or not row.can_be_ended_by(user):
        raise NotFound()
    session.delete(row)
    session.flush()


def end_all_sessions(session: Session, user: User, *, keep: int | None = None) -> int:
    """End every session of ``user`` (but the one whose id is ``keep``); how many ended."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    ended = session.execute(statement.execution_options(synchronize_session="fetch")).rowcount
    session.flush()
    return ended or 0


def withdraw_credentials(session: Session, user: User) -> None:
    """The password changed or the account was deactivated: every session, every remember-me
    cookie and every API token of the user stop working at once."""
    user.auth_version += 1
    session.flush()
    end_all_sessions(session, user)
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()).execution_options(synchronize_session="fetch"))
    session.flush()


def sign_out_everywhere(session: Session, actor: User, user: User) -> int:
    """An administrator ends every session of ``user`` (a lost phone, a shared computer)."""
    if not user.can_be_administered_by(actor):
        raise NotAllowed()
    ended = end_all_sessions(session, user)
    audit.record(session, actor_id=actor.id, action="user.signed_out_everywhere", subject_type="user",
                 subject_id=user.id, before={"sessions": ended}, after={"sessions": 0})
    return ended


def note_session_seen(row: UserSession, now: datetime | None = None) -> None:
    """Have the queue write that ``row`` was seen now, at most once per session per
    ``LMS_SESSION_SEEN_MINUTES``: the request never writes it (a GET writes nothing)."""
    every = timedelta(minutes=current_app.config["LMS_SESSION_SEEN_MINUTES"])
    ask_to_record(record_session_seen, row.id, row.secret_hash, row.last_seen_at, now or utcnow(), every)


def purge_expired_sessions(session: Session, now: datetime | None = None) -> int:
    statement = delete(UserSession).where(UserSession.expires_at <= (now or utcnow()))
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0
