"""Question bank, quizzes, attempts and answers.

Questions are never changed once written: a new version of a question is a new row and
the old one is retired, so every attempt keeps the exact question it was given.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.i18n import localized
from lms.core.models import Base, JSONType, utcnow
from lms.courses.models import Enrolment
from lms.quizzes import deadlines
from lms.quizzes.types import QUESTION_TYPES

HIGHEST, LAST, FIRST, AVERAGE = "highest", "last", "first", "average"
GRADING_METHODS = (HIGHEST, LAST, FIRST, AVERAGE)
AFTER_SUBMIT, AFTER_LAST_ATTEMPT, AFTER_CLOSE, NEVER = "after_submit", "after_last_attempt", "after_close", "never"
REVIEW_OPTIONS = (AFTER_SUBMIT, AFTER_LAST_ATTEMPT, AFTER_CLOSE, NEVER)
IN_PROGRESS, AWAITING_GRADING, GRADED = "in_progress", "awaiting_grading", "graded"
ATTEMPT_STATES = (IN_PROGRESS, AWAITING_GRADING, GRADED)
FINAL_KEY = "final"
PRETEST_KEY = "pretest"  # the course's pre-test, paired with its final assessment (knowledge gain)


class QuestionCategory(Base):
    """A folder of a course's question bank; ``path`` is Moodle-style: "Iota/Kappa"."""

    __tablename__ = "question_category"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question_category.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    name: Mapped[str] = mapped_column(String(255))
    info: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("course_id", "source_key"),
        Index("ix_question_category_active", "category_id", "is_retired", "position"),
        # The registered question types; a new one needs a migration that widens this list.
        CheckConstraint(f"qtype IN ({', '.join(repr(name) for name in QUESTION_TYPES)})", name="known_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("question_category.id"))
    name: Mapped[str] = mapped_column(String(255))
    qtype: Mapped[str] = mapped_column(String(32))
    text: Mapped[dict] = mapped_column(JSONType)                 # {language: HTML}
    general_feedback: Mapped[dict] = mapped_column(JSONType, default=dict)
    definition: Mapped[dict] = mapped_column(JSONType)           # answers etc., per type (types/)
    # Moodle's data this platform does not use (idnumber, tags): kept on import, written back on export.
    moodle: Mapped[dict] = mapped_column(JSONType, default=dict, server_default=sql_text("'{}'"))
    default_mark: Mapped[float] = mapped_column(Float, default=1.0)
    position: Mapped[int] = mapped_column(default=0)
    # Questions from course content are found again by "<file>#<name>" on re-import.
    source_key: Mapped[str | None] = mapped_column(String(400))
    source_line: Mapped[int | None] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[QuestionCategory] = relationship()

    def text_in(self, language: str | None = None) -> str:
        return localized(self.text, language)


class QuestionFile(Base):
    """An image embedded in an imported question, kept in the database with the question."""

    __tablename__ = "question_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Quiz(Base):
    """A module's quiz (``key`` = the module slug), the course's final assessment (``key`` = "final")
    or its pre-test (``key`` = "pretest")."""

    __tablename__ = "quiz"
    __table_args__ = (
        UniqueConstraint("course_id", "key"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_percent"),
        CheckConstraint("attempts_allowed >= 0", name="attempts_allowed"),
        CheckConstraint("grading_method IN ('highest', 'last', 'first', 'average')", name="known_grading"),
        CheckConstraint("review IN ('after_submit', 'after_last_attempt', 'after_close', 'never')",
                        name="known_review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    title: Mapped[dict] = mapped_column(JSONType)
    pass_mark: Mapped[int] = mapped_column()
    attempts_allowed: Mapped[int] = mapped_column(default=0)
    time_limit_minutes: Mapped[int | None] = mapped_column()
    grading_method: Mapped[str] = mapped_column(String(16), default=HIGHEST)
    review: Mapped[str] = mapped_column(String(24), default=AFTER_SUBMIT)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_answers: Mapped[bool] = mapped_column(Boolean, default=False)
    draw_count: Mapped[int | None] = mapped_column()  # None: every question of the pool
    # Draw from this bank category (and its subcategories) instead of the fixed slots.
    pool_category_id: Mapped[int | None] = mapped_column(ForeignKey("question_category.id"))
    opens_at: Mapped[datetime | None] = mapped_column()
    closes_at: Mapped[datetime | None] = mapped_column()
    settings_hash: Mapped[str] = mapped_column(String(64), default="")
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_final(self) -> bool:
        return self.module_id is None and self.key == FINAL_KEY

    @property
    def is_pretest(self) -> bool:
        """Taken once, before the first module; counts toward neither the grade nor completion."""
        return self.module_id is None and self.key == PRETEST_KEY

    def title_in(self, language: str | None = None) -> str:
        return localized(self.title, language)


class QuizSlot(Base):
    """A fixed question of a quiz, in order."""

    __tablename__ = "quiz_slot"
    __table_args__ = (UniqueConstraint("quiz_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    position: Mapped[int] = mapped_column()


class QuizAttempt(Base):
    """One try at a quiz. Submitting flips ``state`` once, guarded by the row itself (see operations)."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        # One attempt per number: two tabs starting at once cannot both create attempt n.
        UniqueConstraint("enrolment_id", "quiz_id", "number"),
        CheckConstraint("state IN ('in_progress', 'awaiting_grading', 'graded')", name="known_state"),
        # A submitted attempt has its submission time; a graded one its score — and only then.
        CheckConstraint("(state = 'in_progress') = (submitted_at IS NULL)", name="submitted_when_closed"),
        CheckConstraint("(state = 'graded') = (score IS NOT NULL)", name="score_when_graded"),
        Index("ix_quiz_attempt_quiz_state", "quiz_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"))
    number: Mapped[int] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    language: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column()
    last_saved_at: Mapped[datetime | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    closed_by_deadline: Mapped[bool] = mapped_column(Boolean, default=False)
    graded_at: Mapped[datetime | None] = mapped_column()
    marks: Mapped[float | None] = mapped_column(Float)       # marks earned (auto-graded part until final)
    max_marks: Mapped[float] = mapped_column(Float, default=0.0)
    score: Mapped[float | None] = mapped_column(Float)       # percent 0..100, set when graded
    passed: Mapped[bool | None] = mapped_column(Boolean)

    quiz: Mapped[Quiz] = relationship()
    enrolment: Mapped[Enrolment] = relationship()

    def can_be_reviewed_by(self, user) -> bool:
        """The trainee, or whoever may follow or grade their enrolment (rules the tutors feature adds)."""
        return self.enrolment.can_be_read_by(user) or self.enrolment.can_be_graded_by(user)

    @property
    def is_open(self) -> bool:
        return self.state == IN_PROGRESS

    @property
    def is_overdue(self) -> bool:
        """Open past its deadline: it accepts no answer and is being submitted with what was saved."""
        return self.state == IN_PROGRESS and deadlines.is_overdue(self.deadline_at)

    @property
    def is_graded(self) -> bool:
        return self.state == GRADED

    @property
    def seconds_left(self) -> int | None:
        """Until the deadline, while the attempt is open; None when it is untimed or closed."""
        return deadlines.seconds_left(self.deadline_at) if self.is_open else None


class AttemptAnswer(Base):
    """The question at one position of an attempt, the trainee's response and its grade."""

    __tablename__ = "quiz_attempt_answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        Index("ix_quiz_attempt_answer_needs_grading", "needs_grading", "attempt_id"),
        CheckConstraint("fraction IS NULL OR (fraction >= 0 AND fraction <= 1)", name="fraction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    mark: Mapped[float] = mapped_column(Float, default=1.0)
    answer_order: Mapped[list | None] = mapped_column(JSONType)
    response: Mapped[dict | None] = mapped_column(JSONType)
    saved_at: Mapped[datetime | None] = mapped_column()
    fraction: Mapped[float | None] = mapped_column(Float)
    needs_grading: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set by a tutor on an essay; ``version`` counts the grades, so two tutors grading at
    # once cannot overwrite each other (lms.core.concurrency).
    feedback: Mapped[str | None] = mapped_column(Text)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    graded_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    attempt: Mapped[QuizAttempt] = relationship()
    question: Mapped[Question] = relationship()

    __mapper_args__ = {"version_id_col": version}
