"""Background work of accounts: when a token or a session was last used, expired sessions,
and telling the owner of an account that was locked out."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import delete, select

from lms.accounts.models import ApiToken, User, UserSession
from lms.core.i18n import _, use_language
from lms.core.mail import Mail, OutboxMail, queue_mail
from lms.core.models import utcnow
from lms.core.tasks import crontab, periodic, task
from lms.extensions import db

# A locked-out account is told once per this period, however many attempts follow.
LOCKOUT_NOTICE_EVERY = timedelta(hours=1)


@task()
def record_token_use(token_id: int, used_at: datetime) -> None:
    """Write ``last_used_at`` of a token (asked by a request, which never writes it itself)."""
    token = db.session.get(ApiToken, token_id)
    if token is not None and (token.last_used_at is None or token.last_used_at < used_at):
        token.last_used_at = used_at


@task()
def record_session_seen(session_id: int, seen_at: datetime) -> None:
    """Write ``last_seen_at`` of a session (asked by a request, which never writes it itself)."""
    row = db.session.get(UserSession, session_id)
    if row is not None and row.last_seen_at < seen_at:
        row.last_seen_at = seen_at


@periodic(crontab(minute="17", hour="*"))
def purge_expired_sessions() -> None:
    """Delete the rows of sessions that have expired (they are refused already)."""
    db.session.execute(delete(UserSession).where(UserSession.expires_at <= utcnow())
                       .execution_options(synchronize_session=False))


@task()
def tell_locked_out(email: str, what: str) -> None:
    """E-mail the owner of ``email`` (if there is one) that attempts to sign in or to reset the
    password were stopped; once per ``LOCKOUT_NOTICE_EVERY``."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.is_active:
        return
    with use_language(user.language):
        subject = _("Attempts on your account were stopped")
        text = render_template("accounts/email/locked_out.txt", user=user, what=what)
    recent = db.session.scalar(select(OutboxMail.id).where(
        OutboxMail.recipient == user.email, OutboxMail.subject == subject,
        OutboxMail.created_at > utcnow() - LOCKOUT_NOTICE_EVERY).limit(1))
    if recent is None:
        queue_mail(db.session, Mail(to=user.email, subject=subject, text=text))
