"""An announcement: a tutor's or a manager's message to one group or several groups of a course."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.models import Base, utcnow
from lms.courses.models import Course

TITLE_MAX = 200
BODY_MAX = 20000


class Announcement(Base):
    """Written once in the author's words (Markdown, kept sanitised as HTML), never translated."""

    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
    course: Mapped[Course] = relationship(lazy="joined", innerjoin=True)
    cohort_rows: Mapped[list[AnnouncementCohort]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="announcement")

    @property
    def cohort_ids(self) -> set[int]:
        return {row.cohort_id for row in self.cohort_rows}

    @property
    def author_name(self) -> str:
        return self.author.full_name if self.author is not None else ""


class AnnouncementCohort(Base):
    """A group an announcement is addressed to."""

    __tablename__ = "announcement_cohort"
    __table_args__ = (
        UniqueConstraint("announcement_id", "cohort_id"),
        Index("ix_announcement_cohort_cohort_id", "cohort_id", "announcement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))

    announcement: Mapped[Announcement] = relationship(back_populates="cohort_rows")
