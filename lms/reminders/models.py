"""Reminders to trainees of a group: a group's automatic settings, and the record of what was sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.models import Base, utcnow

NOTE_MAX = 2000
DAYS_MAX = 90


class ReminderSettings(Base):
    """A group's automatic reminders, set by its tutor; None switches one off."""

    __tablename__ = "reminder_settings"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    days_before_due: Mapped[int | None] = mapped_column()
    inactive_days: Mapped[int | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class ReminderSent(Base):
    """One reminder to one trainee. ``trigger`` names what caused it (a tutor's sending, a due
    date, a spell of inactivity): unique per trainee, so one trigger never reminds twice."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        UniqueConstraint("recipient_id", "trigger"),
        Index("ix_reminder_sent_cohort_sent", "cohort_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # Who sent it; None: the group's automatic reminders.
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    template: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id], lazy="joined", innerjoin=True)
    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id], lazy="joined")
