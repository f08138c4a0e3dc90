"""Outgoing e-mail: written to an outbox in the transaction that causes it, sent by a task.

A mail is a row of ``mail_outbox`` first, so it is saved or dropped with the change it
describes and survives a mail server that is down, a worker that restarts or a queue that
is lost. Once the transaction commits, a task sends it; a failure is retried with a
growing delay (``RETRY_DELAYS``) and a periodic sweep re-queues whatever is due, so a mail
is sent when the server is back, with no restart. Each attempt first claims the row with a
conditional UPDATE, so two workers never send the same mail. After ``MAX_ATTEMPTS`` the
mail is marked failed; administrators see failing mail and can send it again.

With no ``LMS_MAIL_SERVER`` configured (embedded mode) a mail is written to the log
instead of being sent, so a password-reset link can still be followed.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import Index, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms.core.models import Base, utcnow
from lms.core.tasks import crontab, enqueue_after_commit, periodic, task

log = logging.getLogger("lms.mail")

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)
# Seconds to wait after each failed attempt: about two days in all before a mail is failed.
RETRY_DELAYS = (30, 60, 120, 300, 600, 1200, 1800, 3600, 3600, 7200, 7200, 14400, 14400, 21600,
                21600, 43200, 43200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claim older than this belongs to a worker that died while sending.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None


class OutboxMail(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)

    @property
    def message_id(self) -> str:
        """The same for every attempt, so a receiving server can tell a repeat."""
        return f"<outbox-{self.id}@{current_app.config['LMS_MAIL_DOMAIN']}>"


def queue_mail(session: Session, mail: Mail) -> OutboxMail:
    """Keep ``mail`` in the outbox of this transaction; it is sent once the transaction commits."""
    row = OutboxMail(recipient=mail.to, subject=mail.subject[:500], text=mail.text, html=mail.html)
    session.add(row)
    session.flush()
    enqueue_after_commit(session, deliver_mail, row.id)
    return row


def _build(row: OutboxMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    message.set_content(row.text)
    if row.html:
        message.add_alternative(row.html, subtype="html")
    return message


def _send(row: OutboxMail) -> None:
    config = current_app.config
    server = config["LMS_MAIL_SERVER"]
    if not server:
        log.warning("E-mail (no SMTP server configured)\nTo: %s\nSubject: %s\n\n%s",
                    row.recipient, row.subject, row.text)
        return
    smtp_class = smtplib.SMTP_SSL if config["LMS_MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(server, config["LMS_MAIL_PORT"], timeout=config["LMS_MAIL_TIMEOUT"]) as smtp:
        if config["LMS_MAIL_USE_TLS"]:
            smtp.starttls()
        if config["LMS_MAIL_USERNAME"]:
            smtp.login(config["LMS_MAIL_USERNAME"], config["LMS_MAIL_PASSWORD"])
        smtp.send_message(_build(row, config["LMS_MAIL_SENDER"]))


def _claim(session: Session, mail_id: int, now: datetime) -> bool:
    """Take the mail for this attempt; False if it is sent, not due, or another worker has it."""
    claimed = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id,
               or_(OutboxMail.status == PENDING,
                   (OutboxMail.status == SENDING) & (OutboxMail.claimed_at < now - STALE_CLAIM)))
        .values(status=SENDING, claimed_at=now, attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False))
    session.commit()  # the claim is visible to other workers before the slow part starts
    return claimed.rowcount == 1


@task()
def deliver_mail(mail_id: int) -> None:
    """Send one mail of the outbox, once; on failure schedule the next attempt."""
    from lms.extensions import db

    session = db.session
    now = utcnow()
    if not _claim(session, mail_id, now):
        return
    row = session.get(OutboxMail, mail_id)
    try:
        _send(row)
    except (OSError, smtplib.SMTPException) as exc:
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.claimed_at = None
        if row.attempts >= MAX_ATTEMPTS:
            row.status = FAILED
            log.error("Gave up sending mail %s to %s after %s attempts: %s",
                      row.id, row.recipient, row.attempts, row.last_error)
        else:
            row.status = PENDING
            row.next_attempt_at = now + timedelta(seconds=RETRY_DELAYS[row.attempts - 1])
            log.warning("Could not send mail %s (attempt %s), next at %s: %s",
                        row.id, row.attempts, row.next_attempt_at, row.last_error)
        return
    row.status = SENT
    row.sent_at = utcnow()
    row.last_error = None


@periodic(crontab(minute="*"))
def send_due_mail() -> None:
    """Queue every mail whose next attempt is due (and any whose worker died while sending)."""
    from lms.core.tasks import enqueue
    from lms.extensions import db

    now = utcnow()
    due = db.session.scalars(
        select(OutboxMail.id).where(
            or_((OutboxMail.status == PENDING) & (OutboxMail.next_attempt_at <= now),
                (OutboxMail.status == SENDING) & (OutboxMail.claimed_at < now - STALE_CLAIM)))
        .order_by(OutboxMail.id).limit(500)).all()
    for mail_id in due:
        enqueue(deliver_mail, mail_id)


def retry_mail(session: Session, row: OutboxMail) -> OutboxMail:
    """Send a pending or failed mail again now (an administrator's action)."""
    from lms.core.errors import Conflict
    from lms.core.i18n import _

    if row.status in (SENT, SENDING):
        raise Conflict(_("This e-mail is already sent or being sent."))
    row.status = PENDING
    row.next_attempt_at = utcnow()
    if row.attempts >= MAX_ATTEMPTS:
        row.attempts = MAX_ATTEMPTS - 1  # one more attempt before it is failed again
    session.flush()
    enqueue_after_commit(session, deliver_mail, row.id)
    return row


def troubled_mail(session: Session, *, limit: int = 200) -> list[OutboxMail]:
    """Mail that failed, or has waited through at least one failed attempt: newest first."""
    return list(session.scalars(
        select(OutboxMail)
        .where(OutboxMail.status != SENT, or_(OutboxMail.status == FAILED, OutboxMail.attempts > 0,
                                              OutboxMail.created_at < utcnow() - timedelta(minutes=15)))
        .order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc()).limit(limit)))
