"""A tutored group's live sessions (launch event, webinars, face-to-face days), the attendance
its tutors record, and each person's private calendar feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.i18n import _l
from lms.core.models import Base, utcnow
from lms.courses.models import Enrolment
from lms.tutors.models import Cohort

# What kind of session: the national launch event, an online webinar, a day in a training centre.
LAUNCH, WEBINAR, FACE_TO_FACE = "launch", "webinar", "face_to_face"
KINDS = {LAUNCH: _l("Launch event"), WEBINAR: _l("Webinar"), FACE_TO_FACE: _l("Face-to-face day")}
# What the tutor records per member.
PRESENT, ABSENT, EXCUSED = "present", "absent", "excused"
ATTENDANCE = {PRESENT: _l("Present"), ABSENT: _l("Absent"), EXCUSED: _l("Excused")}


class Meeting(Base):
    """A scheduled session of a group. ``key`` (e.g. ``launch``) is what a course's
    ``completion: attendance: [launch]`` names: each group schedules its own session of that key."""

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("cohort_id", "key"),
        CheckConstraint("kind IN ('launch', 'webinar', 'face_to_face')", name="known_kind"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_meeting_cohort_starts", "cohort_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    place: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    key: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set when attendance is recorded: the UPDATE raises the version, so two tutors filling in
    # the register at once cannot overwrite each other unseen.
    attendance_recorded_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))

    def can_be_read_by(self, user, *, member: bool = False) -> bool:
        """Members of the group (``member``, known to the caller), its tutors and managers."""
        return member or self.cohort.can_be_followed_by(user)

    def can_be_managed_by(self, user) -> bool:
        """Scheduling and the register: the group's tutors and the managers of its beneficiary."""
        return self.cohort.can_be_followed_by(user)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.kind} {self.title!r}>"


class Attendance(Base):
    __tablename__ = "meeting_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "enrolment_id"),
        CheckConstraint("status IN ('present', 'absent', 'excused')", name="known_status"),
        Index("ix_meeting_attendance_enrolment", "enrolment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    enrolment: Mapped[Enrolment] = relationship()


class CalendarFeed(Base):
    """The secret of a person's iCalendar feed, kept only as its SHA-256: a new one replaces it,
    and deleting the row revokes the address."""

    __tablename__ = "calendar_feed"
    __table_args__ = (UniqueConstraint("user_id"), UniqueConstraint("token_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
