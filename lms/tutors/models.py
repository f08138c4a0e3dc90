"""Tutored groups (cohorts), case-study assignments, submissions and their grading rounds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from lms.accounts.models import Beneficiary, User
from lms.core.i18n import localized
from lms.core.models import Base, JSONType, utcnow
from lms.courses.models import Course, Enrolment, Module

# Membership of an enrolment in a cohort.
MEMBER_ACTIVE, MEMBER_WITHDRAWN = "active", "withdrawn"
# How a trainee came into a cohort.
VIA_KEY, VIA_IMPORT, VIA_MANAGER, VIA_DEMO = "key", "import", "manager", "demo"

# A submission's life: a draft, submitted (awaiting review), returned for resubmission, accepted.
DRAFT, SUBMITTED, RETURNED, ACCEPTED = "draft", "submitted", "returned", "accepted"
OUTCOMES = (ACCEPTED, RETURNED)

# When a tutor hears about new work: at once, or in one daily digest.
NOTIFY_IMMEDIATE, NOTIFY_DAILY = "immediate", "daily"


class Cohort(Base):
    """A run of a tutored course for one beneficiary, in one language, with its tutors.

    ``active_members`` (defined after ``CohortMembership``) is its number of active members,
    loaded when first read, or with the cohort by ``undefer(Cohort.active_members)``.
    """

    __tablename__ = "cohort"
    __table_args__ = (
        UniqueConstraint("enrolment_key"),
        CheckConstraint("capacity > 0", name="positive_capacity"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_cohort_course_beneficiary", "course_id", "beneficiary_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    capacity: Mapped[int] = mapped_column()
    # Stored normalised (upper case, no separators) so that it compares case-insensitively.
    enrolment_key: Mapped[str] = mapped_column(String(16))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_other_beneficiaries: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Two managers editing one group: the second save is refused (lms.core.concurrency).
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    course: Mapped[Course] = relationship(lazy="joined", innerjoin=True)
    beneficiary: Mapped[Beneficiary] = relationship(lazy="joined", innerjoin=True)
    tutor_rows: Mapped[list[CohortTutor]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CohortTutor.id")

    @property
    def tutor_ids(self) -> set[int]:
        return {row.user_id for row in self.tutor_rows}

    @property
    def tutors(self) -> list[User]:
        return [row.user for row in self.tutor_rows]

    @property
    def display_key(self) -> str:
        """The key as people type it: two groups of four, easier to read aloud."""
        key = self.enrolment_key
        return f"{key[:4]}-{key[4:]}" if len(key) == 8 else key

    def has_tutor(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.is_tutor and user.id in self.tutor_ids

    def can_be_managed_by(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and (
            user.is_admin or (user.is_manager and user.can_manage_beneficiary(self.beneficiary_id)))

    def can_be_followed_by(self, user) -> bool:
        """Tutors of the group and managers of its beneficiary see its members and their work."""
        return self.has_tutor(user) or self.can_be_managed_by(user)

    def has_ended(self, today: date) -> bool:
        return today > self.ends_on

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class CohortTutor(Base):
    __tablename__ = "cohort_tutor"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class CohortMembership(Base):
    """Links an enrolment (courses) to the cohort it is taken in; at most one per enrolment."""

    __tablename__ = "cohort_membership"
    __table_args__ = (
        UniqueConstraint("enrolment_id"),
        CheckConstraint("status IN ('active', 'withdrawn')", name="known_status"),
        Index("ix_cohort_membership_cohort_status", "cohort_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"))
    status: Mapped[str] = mapped_column(String(16), default=MEMBER_ACTIVE)
    via: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    enrolment: Mapped[Enrolment] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status == MEMBER_ACTIVE


# How many members a group has: the one definition lists, pages, the API and capacity checks use.
Cohort.active_members = column_property(
    select(func.count(CohortMembership.id))
    .where(CohortMembership.cohort_id == Cohort.id, CohortMembership.status == MEMBER_ACTIVE)
    .correlate_except(CohortMembership).scalar_subquery(),
    deferred=True)


class MembershipEvent(Base):
    """Status history of a membership: joined, withdrawn, re-admitted, moved to another group."""

    __tablename__ = "membership_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("cohort_membership.id", ondelete="CASCADE"),
                                               index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    action: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()


class Assignment(Base):
    """A case study of a module, imported from course content, with its rubric."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(JSONType)
    # {language: Markdown} and the same as sanitised HTML.
    scenario: Mapped[dict] = mapped_column(JSONType)
    scenario_html: Mapped[dict] = mapped_column(JSONType)
    # {"criteria": [{"slug", "title": {..}, "levels": [{"points", "title": {..}, "descriptor": {..}}]}]}
    rubric: Mapped[dict] = mapped_column(JSONType)
    max_points: Mapped[int] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    course: Mapped[Course] = relationship()
    module: Mapped[Module] = relationship()

    def title_in(self, language: str | None = None) -> str:
        return localized(self.title, language)

    @property
    def criteria(self) -> list[dict]:
        return list((self.rubric or {}).get("criteria", []))


class Submission(Base):
    """One trainee's work on one assignment; every submitted round is kept in its history."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("assignment_id", "enrolment_id"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned', 'accepted')", name="known_status"),
        Index("ix_submission_enrolment_status", "enrolment_id", "status"),
        Index("ix_submission_status_submitted", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    # The working text (Markdown): the draft of the next round, or the last one submitted.
    body: Mapped[str] = mapped_column(Text, default="")
    rounds_submitted: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()
    reviewed_at: Mapped[datetime | None] = mapped_column()
    due_on: Mapped[date | None] = mapped_column()
    score: Mapped[int | None] = mapped_column()
    max_score: Mapped[int | None] = mapped_column()
    # Counted up by every change; a save that read an older version is refused: two windows of
    # the trainee, two tutors grading at once (lms.core.concurrency).
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    assignment: Mapped[Assignment] = relationship()
    enrolment: Mapped[Enrolment] = relationship()
    rounds: Mapped[list[SubmissionRound]] = relationship(
        order_by="SubmissionRound.number", back_populates="submission", cascade="all, delete-orphan")
    # Every file ever attached, also those removed from the draft that a past round still shows.
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id", viewonly=True)
    # The trainee's membership of a group (none if they were never in one).
    membership: Mapped[CohortMembership | None] = relationship(
        primaryjoin="Submission.enrolment_id == foreign(CohortMembership.enrolment_id)", viewonly=True,
        uselist=False)

    @property
    def is_editable(self) -> bool:
        return self.status in (DRAFT, RETURNED)

    @property
    def awaits_review(self) -> bool:
        return self.status == SUBMITTED

    @property
    def trainee_name(self) -> str:
        return self.enrolment.user.full_name

    @property
    def cohort_name(self) -> str | None:
        return self.membership.cohort.name if self.membership is not None else None

    @property
    def latest_round(self) -> SubmissionRound | None:
        return self.rounds[-1] if self.rounds else None


class SubmissionRound(Base):
    """What the trainee submitted in one round, and the tutor's review of it."""

    __tablename__ = "submission_round"
    __table_args__ = (
        UniqueConstraint("submission_id", "number"),
        CheckConstraint("outcome IS NULL OR outcome IN ('accepted', 'returned')", name="known_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    attachment_ids: Mapped[list] = mapped_column(JSONType, default=list)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    # The rubric as it was when graded: [{"slug", "title", "points", "max", "level"}], so a
    # later change to the course's rubric never rewrites a past grade.
    scores: Mapped[list | None] = mapped_column(JSONType)
    score: Mapped[int | None] = mapped_column()
    max_score: Mapped[int | None] = mapped_column()
    feedback: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    due_on: Mapped[date | None] = mapped_column()
    corrected_at: Mapped[datetime | None] = mapped_column()

    submission: Mapped[Submission] = relationship(back_populates="rounds")
    reviewer: Mapped[User | None] = relationship()

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None

    @property
    def levels(self) -> dict[str, int]:
        return {item["slug"]: item["points"] for item in (self.scores or [])}


class Attachment(Base):
    """A file attached to a submission. Its bytes are in ``attachment_content``, in the
    database every app server shares (never on one server's disk, never under the web root)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    file_type: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Removed from the working draft; kept while a submitted round still refers to it.
    removed_at: Mapped[datetime | None] = mapped_column()
    content: Mapped[AttachmentContent] = relationship(
        back_populates="attachment", cascade="all, delete-orphan", passive_deletes=True, lazy="raise",
        uselist=False)


class AttachmentContent(Base):
    """The bytes of an attachment, apart from its description so that lists never load them."""

    __tablename__ = "attachment_content"

    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id", ondelete="CASCADE"),
                                               primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    attachment: Mapped[Attachment] = relationship(back_populates="content")


class TutorPreference(Base):
    __tablename__ = "tutor_preference"
    __table_args__ = (
        UniqueConstraint("user_id"),
        CheckConstraint("notify IN ('immediate', 'daily')", name="known_notify"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    notify: Mapped[str] = mapped_column(String(16), default=NOTIFY_IMMEDIATE)
    last_digest_at: Mapped[datetime | None] = mapped_column()
