"""Courses as imported from files, and each trainee's enrolment and progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from lms.accounts.models import User
from lms.core.i18n import has_language, localized
from lms.core.models import Base, JSONType, utcnow
from lms.courses.extension_points import COURSE_PREVIEWERS, ENROLMENT_GRADERS, ENROLMENT_VIEWERS

TUTORED, SELF_PACED = "tutored", "self-paced"
ACTIVE, WITHDRAWN = "active", "withdrawn"


class Course(Base):
    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("format IN ('tutored', 'self-paced')", name="known_format"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    version: Mapped[int] = mapped_column()
    format: Mapped[str] = mapped_column(String(16))
    default_language: Mapped[str] = mapped_column(String(10), default="en")
    languages: Mapped[list] = mapped_column(JSONType, default=list)
    hours: Mapped[float] = mapped_column(Numeric(5, 1))
    pass_mark: Mapped[int] = mapped_column()
    title: Mapped[dict] = mapped_column(JSONType)
    summary: Mapped[dict] = mapped_column(JSONType, default=dict)
    completion_rules: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Learning outcomes of the whole course: a list of {locale: text}.
    outcomes: Mapped[list] = mapped_column(JSONType, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    module_count: Mapped[int] = mapped_column(default=0)
    lesson_count: Mapped[int] = mapped_column(default=0)
    # {language: percent of the course's text files translated and in step with the English}
    language_completeness: Mapped[dict | None] = mapped_column(JSONType)  # None until imported

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position",
        primaryjoin="and_(Course.id == Module.course_id, Module.is_retired == False)",  # noqa: E712
        viewonly=True)

    @property
    def is_tutored(self) -> bool:
        return self.format == TUTORED

    @property
    def is_self_paced(self) -> bool:
        return self.format == SELF_PACED

    def title_in(self, language: str | None = None) -> str:
        return localized(self.title, language)

    def summary_in(self, language: str | None = None) -> str:
        return localized(self.summary, language)

    @property
    def complete_languages(self) -> list[str]:
        """The languages every text of the course exists in, in step with the English."""
        shares = self.language_completeness or {}
        return [code for code in self.languages or [] if shares.get(code, 100) == 100]

    def offers(self, language: str) -> bool:
        return language in (self.languages or [])

    def can_be_previewed_by(self, user) -> bool:
        """Every lesson readable without enrolling: admins, managers, and whom features name
        (a tutor of one of the course's groups)."""
        if not user.is_authenticated:
            return False
        if user.is_admin or user.is_manager:
            return True
        return any(rule(object_session(self), user, self) for rule in COURSE_PREVIEWERS)


class Module(Base):
    __tablename__ = "module"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column()
    title: Mapped[dict] = mapped_column(JSONType)
    summary: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Learning outcomes: a list of {locale: text}, in the order they are shown.
    outcomes: Mapped[list] = mapped_column(JSONType, default=list)
    # A national annex: the beneficiary codes whose trainees are shown it; empty for everyone.
    beneficiaries: Mapped[list] = mapped_column(JSONType, default=list)
    # The tutor guide (tutors and managers only): {locale: Markdown} and the same as HTML.
    # Long texts in every language: loaded only when read (the guide page), never with the module.
    tutor_guide: Mapped[dict] = mapped_column(JSONType, default=dict, deferred=True)
    tutor_guide_html: Mapped[dict] = mapped_column(JSONType, default=dict, deferred=True)
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    course: Mapped[Course] = relationship(back_populates="modules")

    def title_in(self, language: str | None = None) -> str:
        return localized(self.title, language)

    def summary_in(self, language: str | None = None) -> str:
        return localized(self.summary, language)


class DiscussionPrompt(Base):
    """A prompt that opens a module's discussion thread in every group forum, from the content."""

    __tablename__ = "discussion_prompt"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(JSONType)
    prompt: Mapped[dict] = mapped_column(JSONType)
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    module: Mapped[Module] = relationship()

    def title_in(self, language: str | None = None) -> str:
        return localized(self.title, language)

    def prompt_in(self, language: str | None = None) -> str:
        return localized(self.prompt, language)


class Lesson(Base):
    __tablename__ = "lesson"
    __table_args__ = (
        UniqueConstraint("module_id", "slug"),
        Index("ix_lesson_course_active", "course_id", "is_retired"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column()
    title: Mapped[dict] = mapped_column(JSONType)
    minutes: Mapped[int | None] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    module: Mapped[Module] = relationship()

    def title_in(self, language: str | None = None) -> str:
        return localized(self.title, language)

    def has_title_in(self, language: str | None = None) -> bool:
        return has_language(self.title, language)


class LessonBody(Base):
    """A lesson's text in one language, stored as Markdown and as sanitised HTML."""

    __tablename__ = "lesson_body"
    __table_args__ = (UniqueConstraint("lesson_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(10))
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(default=0)


class CompletionRequirement(Base):
    """One thing a trainee must do to complete a course, of a registered kind."""

    __tablename__ = "completion_requirement"
    __table_args__ = (UniqueConstraint("course_id", "kind", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)


class Enrolment(Base):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("status IN ('active', 'withdrawn')", name="known_status"),
        CheckConstraint("progress_percent BETWEEN 0 AND 100", name="progress_percent"),
        Index("ix_enrolment_course_status", "course_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_version: Mapped[int | None] = mapped_column()
    completion_source: Mapped[str | None] = mapped_column(String(16))
    progress_percent: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None] = mapped_column()
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id"))
    # The language the course content is shown in by default, when the course has it: a
    # tutored group's language (set by the feature that admits members). None: the reader's.
    content_language: Mapped[str | None] = mapped_column(String(10))

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    def can_be_read_by(self, user) -> bool:
        """The trainee; staff rules are added by features that know cohorts."""
        if not user.is_authenticated:
            return False
        return user.id == self.user_id or any(
            rule(object_session(self), user, self) for rule in ENROLMENT_VIEWERS)

    def can_be_graded_by(self, user) -> bool:
        """Whoever a feature names as grader (a tutor of the trainee's group); never by default."""
        return user.is_authenticated and any(
            rule(object_session(self), user, self) for rule in ENROLMENT_GRADERS)

    def can_be_completed_manually_by(self, user) -> bool:
        """Marked completed by hand (achieved offline): admins, and managers whose scope
        covers the trainee's beneficiary."""
        if not getattr(user, "is_authenticated", False):
            return False
        return user.is_admin or (user.is_manager and user.can_manage_beneficiary(self.user.beneficiary_id))


class LessonCompletion(Base):
    __tablename__ = "lesson_completion"
    __table_args__ = (UniqueConstraint("enrolment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProgressEvent(Base):
    """Append-only trail of what a trainee did: lesson viewed, quiz graded, submission reviewed."""

    __tablename__ = "progress_event"
    __table_args__ = (Index("ix_progress_event_enrolment_time", "enrolment_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
