"""The rules of notifications: sending one (``notify``), reading them, choosing what to receive."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.pagination import Page
from lms.core.tasks import enqueue_after_commit
from lms.core.unit_of_work import flush_pending
from lms.notifications.extension_points import (
    EMAIL_CHOICES,
    EMAIL_NOW,
    EMAIL_OFF,
    NOTIFICATION_KINDS,
    NotificationKind,
)
from lms.notifications.models import Notification, NotificationPreference

PER_PAGE = 20


# --- sending ---------------------------------------------------------------------------

def notify(session: Session, recipient: User | int, kind: str, *, params: dict | None = None,
           link_endpoint: str | None = None, link_params: dict | None = None, url: str | None = None,
           dedupe_key: str | None = None) -> Notification | None:
    """Tell ``recipient`` something of ``kind`` (see the package's docstring)."""
    kind_info = NOTIFICATION_KINDS.get(kind)
    if kind_info is None:
        raise ValueError(f"unknown notification kind {kind!r}: add it to NOTIFICATION_KINDS")
    recipient_id = recipient if isinstance(recipient, int) else recipient.id
    params = dict(params or {})
    json.dumps([params, link_params])  # a param that cannot be stored fails here, in the caller
    if dedupe_key is not None:
        dedupe_key = dedupe_key[:200]
        if session.scalar(select(Notification.id).where(Notification.recipient_id == recipient_id,
                                                        Notification.dedupe_key == dedupe_key)):
            return None
    in_app, email = choice_of(session, recipient_id, kind_info)
    if not in_app and email == EMAIL_OFF:
        return None
    notification = Notification(recipient_id=recipient_id, kind=kind, params=params,
                                link_endpoint=link_endpoint, link_params=link_params, url=url,
                                dedupe_key=dedupe_key, in_app=in_app, email=email, created_at=utcnow())
    try:
        with session.begin_nested():  # a concurrent twin of this trigger loses here, quietly
            session.add(notification)
            session.flush()
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    if email == EMAIL_NOW:
        # Imported here: the task module renders mail, which imports these operations.
        from lms.notifications.tasks import mail_notification

        enqueue_after_commit(session, mail_notification, notification.id)
    return notification


# --- choosing --------------------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    kind: str
    label: str
    in_app: bool
    email: str


def choice_of(session: Session, user_id: int, kind: NotificationKind) -> tuple[bool, str]:
    row = session.execute(select(NotificationPreference.in_app, NotificationPreference.email).where(
        NotificationPreference.user_id == user_id, NotificationPreference.kind == kind.kind)).first()
    if row is None:
        return kind.default_in_app, kind.default_email
    return row.in_app, row.email


def preferences_of(session: Session, user: User) -> list[Choice]:
    """Every registered kind with this person's choice (or its default), in menu order."""
    rows = {row.kind: row for row in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    choices = []
    for kind in NOTIFICATION_KINDS:
        row = rows.get(kind.kind)
        choices.append(Choice(kind.kind, str(kind.label),
                              row.in_app if row else kind.default_in_app,
                              row.email if row else kind.default_email))
    return choices


def set_preferences(session: Session, user: User, wanted: dict[str, dict]) -> list[Choice]:
    """Save ``{kind: {"in_app": bool, "email": "now"|"digest"|"off"}}`` (kinds left out keep theirs)."""
    known = {kind.kind for kind in NOTIFICATION_KINDS}
    problems = {}
    for kind, choice in wanted.items():
        if kind not in known:
            problems[kind] = [_("There is no notification of this kind.")]
        elif choice.get("email") not in EMAIL_CHOICES:
            problems[kind] = [_("Choose when to be told by e-mail: at once, in a daily digest, or never.")]
        elif not isinstance(choice.get("in_app"), bool):
            problems[kind] = [_("Say whether to show it in the app.")]
    if problems:
        raise ValidationFailed(problems)
    rows = {row.kind: row for row in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind, choice in wanted.items():
        row = rows.get(kind)
        if row is None:
            row = NotificationPreference(user_id=user.id, kind=kind)
            session.add(row)
        row.in_app = choice["in_app"]
        row.email = choice["email"]
    session.flush()
    return preferences_of(session, user)


# --- reading ---------------------------------------------------------------------------

def unread_of(user_id):
    """How many of the person with this id (a column or a value) have unread, as a scalar
    subquery: asked with the session check on every signed-in page (``SESSION_FACTS``)."""
    return select(func.count()).select_from(Notification).where(
        Notification.recipient_id == user_id, Notification.read_at.is_(None),
        Notification.in_app.is_(True)).scalar_subquery()


# Counted where a request may have changed it (the session check reads it on the others):
# built once, run on the connection (no ORM).
_UNREAD_COUNT = select(unread_of(bindparam("user_id")))


def unread_count(session: Session, user_id: int) -> int:
    """How many of this person's notifications are unread: one query on an index range."""
    flush_pending(session)
    return session.connection().execute(_UNREAD_COUNT, {"user_id": user_id}).scalar() or 0


def page_of(session: Session, user: User, page: int = 1, *, unread_only: bool = False,
            per_page: int = PER_PAGE) -> Page:
    """This person's notifications, unread first, newest first within each, one page."""
    where = [Notification.recipient_id == user.id, Notification.in_app.is_(True)]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
    items = list(session.scalars(
        select(Notification).where(*where)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    return Page(items, max(page, 1), per_page, total)


def notification_of(session: Session, user: User, notification_id: int) -> Notification:
    """One of this person's notifications; another person's does not exist for them (404)."""
    notification = session.get(Notification, notification_id)
    if notification is None or not notification.can_be_read_by(user):
        raise NotFound()
    return notification


def mark_read(session: Session, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.flush()
    return notification


def mark_unread(session: Session, notification: Notification) -> Notification:
    if notification.read_at is not None:
        notification.read_at = None
        session.flush()
    return notification


def mark_all_read(session: Session, user: User) -> int:
    """Mark every unread notification of this person read; return how many were."""
    result = session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    session.expire_all()
    return result.rowcount
