"""Outgoing e-mail, sent only once the transaction that caused it has committed.

With no ``LMS_MAIL_SERVER`` configured (embedded mode) each message is written to
the log instead, so a password-reset link can still be followed.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("lms.mail")
OUTBOX_KEY = "lms_outbox"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None


def queue_mail(session, mail: Mail) -> None:
    """Send ``mail`` when ``session`` commits; drop it if the transaction rolls back."""
    session.info.setdefault(OUTBOX_KEY, []).append(mail)


def _build(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="lms.local")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


def deliver(mails: list[Mail]) -> None:
    config = current_app.config
    server = config["LMS_MAIL_SERVER"]
    if not server:
        for mail in mails:
            log.warning("E-mail (no SMTP server configured)\nTo: %s\nSubject: %s\n\n%s",
                        mail.to, mail.subject, mail.text)
        return
    smtp_class = smtplib.SMTP_SSL if config["LMS_MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(server, config["LMS_MAIL_PORT"], timeout=10) as smtp:
            if config["LMS_MAIL_USE_TLS"]:
                smtp.starttls()
            if config["LMS_MAIL_USERNAME"]:
                smtp.login(config["LMS_MAIL_USERNAME"], config["LMS_MAIL_PASSWORD"])
            for mail in mails:
                smtp.send_message(_build(mail, config["LMS_MAIL_SENDER"]))
    except (OSError, smtplib.SMTPException):
        # The change that caused the mail has committed; a mail failure must not undo it.
        log.exception("Could not send %d e-mail(s) through %s", len(mails), server)


@event.listens_for(Session, "after_commit")
def _send_outbox(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the real commit is still to come
    mails = session.info.pop(OUTBOX_KEY, None)
    if mails:
        deliver(mails)


@event.listens_for(Session, "after_soft_rollback")
def _drop_outbox(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(OUTBOX_KEY, None)
