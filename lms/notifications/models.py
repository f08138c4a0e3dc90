"""A notification for one person, and what each person wants to receive of each kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.models import Base, JSONType, utcnow
from lms.notifications.extension_points import EMAIL_OFF


class Notification(Base):
    """One thing to tell one person. Its text is never stored: ``params`` are rendered by its
    kind in the reader's language whenever it is shown or mailed."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("recipient_id", "dedupe_key"),
        CheckConstraint("email IN ('now', 'digest', 'off')", name="known_email"),
        # The header's unread count and the centre's list: one index range per person.
        Index("ix_notification_recipient_unread", "recipient_id", "read_at"),
        Index("ix_notification_email_due", "email", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    link_endpoint: Mapped[str | None] = mapped_column(String(100))
    link_params: Mapped[dict | None] = mapped_column(JSONType)
    url: Mapped[str | None] = mapped_column(String(500))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    # Shown in the centre (and counted as unread) only if the recipient wants this kind in the app.
    in_app: Mapped[bool] = mapped_column(default=True)
    # How it is mailed, chosen when it was created: at once, in the daily digest, or not at all.
    email: Mapped[str] = mapped_column(String(8), default=EMAIL_OFF)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    # Set by the one task that mails it (a conditional UPDATE claims it), so never mailed twice.
    mailed_at: Mapped[datetime | None] = mapped_column()

    recipient: Mapped[User] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def can_be_read_by(self, user) -> bool:
        return user.is_authenticated and user.id == self.recipient_id


class NotificationPreference(Base):
    """A person's choice for one kind; without a row, the kind's defaults apply."""

    __tablename__ = "notification_preference"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        CheckConstraint("email IN ('now', 'digest', 'off')", name="known_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str] = mapped_column(String(8), default=EMAIL_OFF)
