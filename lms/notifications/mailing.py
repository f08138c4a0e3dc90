"""Notifications by e-mail: one at once, or the day's in one digest, in the reader's language.

Each notification is mailed by whoever first claims it with a conditional UPDATE of its
``mailed_at``; the mail is kept in the outbox in that same transaction, so a notification is
mailed once even if two workers run the same task or the digest twice.
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from lms.accounts.models import User
from lms.core.i18n import ngettext, use_language
from lms.core.mail import Mail, queue_mail
from lms.core.urls import absolute_url
from lms.notifications.extension_points import EMAIL_DIGEST, EMAIL_NOW, NOTIFICATION_KINDS
from lms.notifications.models import Notification
from lms.notifications.rendering import absolute_link_of, label_of, text_of

DIGEST_ITEMS = 50


def _address(endpoint: str) -> str | None:
    try:
        return absolute_url(endpoint)
    except BuildError:  # an application built without the notification pages
        return None


def _can_receive(user: User) -> bool:
    return bool(user.email) and user.is_active_account


def mail_one(session: Session, notification_id: int, now: datetime) -> bool:
    """Mail one notification wanted at once; False if it is mailed already (or not wanted)."""
    claimed = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.email == EMAIL_NOW,
               Notification.mailed_at.is_(None))
        .values(mailed_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    notification = session.get(Notification, notification_id)
    user = notification.recipient
    if not _can_receive(user):
        return False
    with use_language(user.language):
        kind = NOTIFICATION_KINDS.get(notification.kind)
        details = kind.details(session, notification) if kind is not None and kind.details else None
        text = text_of(notification)
        body = render_template("notifications/email/notification.txt", user=user, text=text,
                               details=details, link=absolute_link_of(notification),
                               centre_url=_address("notifications.centre"),
                               preferences_url=_address("notifications.preferences"))
        queue_mail(session, Mail(to=user.email, subject=text, text=body))
    return True


def send_digests(session: Session, now: datetime) -> int:
    """Mail each person their notifications waiting for the digest; return how many mails."""
    recipients = list(session.scalars(
        select(Notification.recipient_id).where(Notification.email == EMAIL_DIGEST,
                                                Notification.mailed_at.is_(None))
        .distinct().order_by(Notification.recipient_id)))
    sent = 0
    for recipient_id in recipients:
        # Claim this person's waiting rows; a second run (or worker) finds none left to claim.
        session.execute(
            update(Notification)
            .where(Notification.recipient_id == recipient_id, Notification.email == EMAIL_DIGEST,
                   Notification.mailed_at.is_(None))
            .values(mailed_at=now).execution_options(synchronize_session=False))
        rows = list(session.scalars(
            select(Notification).where(Notification.recipient_id == recipient_id,
                                       Notification.email == EMAIL_DIGEST, Notification.mailed_at == now)
            .order_by(Notification.created_at.desc(), Notification.id.desc())))
        if not rows:
            continue
        user = session.get(User, recipient_id)
        if user is None or not _can_receive(user):
            continue
        with use_language(user.language):
            items = [(label_of(row), text_of(row), absolute_link_of(row)) for row in rows[:DIGEST_ITEMS]]
            body = render_template("notifications/email/digest.txt", user=user, items=items,
                                   more=max(0, len(rows) - DIGEST_ITEMS),
                                   centre_url=_address("notifications.centre"),
                                   preferences_url=_address("notifications.preferences"))
            subject = ngettext("Your daily summary: %(num)s notification",
                               "Your daily summary: %(num)s notifications", len(rows))
            queue_mail(session, Mail(to=user.email, subject=subject, text=body))
        sent += 1
    session.flush()
    return sent


