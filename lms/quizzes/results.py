"""A trainee's standing in quizzes: grades by grading method, passing, when review is allowed.

Everything here reads; a whole course's quizzes for one enrolment take two queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_percent
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lms.core.app_cache import kept_per_content
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.unit_of_work import flush_pending, read_once_per_request
from lms.courses.models import Course
from lms.quizzes.deadlines import is_overdue
from lms.quizzes.models import (
    AFTER_CLOSE,
    AFTER_LAST_ATTEMPT,
    AFTER_SUBMIT,
    AVERAGE,
    AWAITING_GRADING,
    FIRST,
    GRADED,
    HIGHEST,
    IN_PROGRESS,
    LAST,
    Quiz,
    QuizAttempt,
)


@dataclass
class AttemptSummary:
    id: int
    number: int
    state: str
    score: float | None
    passed: bool | None
    deadline_at: datetime | None
    submitted_at: datetime | None

    @property
    def overdue(self) -> bool:
        """Open past its deadline: shown as over; the task queue submits it with what was saved."""
        return self.state == IN_PROGRESS and is_overdue(self.deadline_at)


@dataclass
class QuizResult:
    """One enrolment's attempts at one quiz and what they add up to."""

    quiz: Quiz
    attempts: list[AttemptSummary] = field(default_factory=list)

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def open_attempt(self) -> AttemptSummary | None:
        """The attempt the trainee may go on with (one past its deadline is over, not open)."""
        return next((a for a in self.attempts if a.state == IN_PROGRESS and not a.overdue), None)

    @property
    def graded(self) -> list[AttemptSummary]:
        return [a for a in self.attempts if a.state == GRADED]

    @property
    def awaiting(self) -> list[AttemptSummary]:
        """Attempts over but without a score yet: waiting for a tutor, or for the deadline's closing."""
        return [a for a in self.attempts if a.state == AWAITING_GRADING or a.overdue]

    @property
    def grade(self) -> float | None:
        return quiz_grade([a.score for a in sorted(self.graded, key=lambda a: a.number)], self.quiz.grading_method)

    @property
    def best(self) -> float | None:
        scores = [a.score for a in self.graded]
        return max(scores) if scores else None

    @property
    def passed(self) -> bool:
        grade = self.grade
        return grade is not None and grade >= self.quiz.pass_mark

    @property
    def attempts_left(self) -> int | None:
        if not self.quiz.attempts_allowed:
            return None
        return max(0, self.quiz.attempts_allowed - self.used)

    @property
    def finished_all(self) -> bool:
        """Every allowed attempt used and none still open."""
        return self.attempts_left == 0 and self.open_attempt is None


def quiz_grade(scores: list[float], method: str) -> float | None:
    """The quiz grade from the graded attempts' scores, in attempt order."""
    if not scores:
        return None
    if method == HIGHEST:
        return max(scores)
    if method == LAST:
        return scores[-1]
    if method == FIRST:
        return scores[0]
    if method == AVERAGE:
        return round(sum(scores) / len(scores), 2)
    raise ValueError(method)


# Run for every page with a learning path: built once, run on the connection. An enrolment's
# attempts are of its course's quizzes only, so "which quizzes" needs no list of ids (an
# expanding IN is written out anew on every run): all of the enrolment's.
_ATTEMPT_COLUMNS = (QuizAttempt.quiz_id, QuizAttempt.id, QuizAttempt.number, QuizAttempt.state, QuizAttempt.score,
                    QuizAttempt.passed, QuizAttempt.deadline_at, QuizAttempt.submitted_at)
_ATTEMPTS_OF = (select(*_ATTEMPT_COLUMNS).where(QuizAttempt.enrolment_id == bindparam("enrolment_id"))
                .order_by(QuizAttempt.quiz_id, QuizAttempt.number))


def results_for(session: Session, enrolment_id: int, quizzes) -> dict[int, QuizResult]:
    """{quiz id: result} for one enrolment, in one query. ``quizzes``: ``Quiz`` rows, or the
    ``QuizFacts`` of ``quiz_facts_of``."""
    results = {quiz.id: QuizResult(quiz) for quiz in quizzes}
    if not quizzes:
        return results
    flush_pending(session)
    # All the enrolment's attempts (a few per quiz), read once per GET: a page asks for several
    # features (its progress, its path, each quiz's box).
    rows = read_once_per_request("quizzes.attempts", enrolment_id, lambda: list(
        session.connection().execute(_ATTEMPTS_OF, {"enrolment_id": enrolment_id})))
    for quiz_id, *values in rows:
        result = results.get(quiz_id)
        if result is not None:   # a quiz not asked about (retired since)
            result.attempts.append(AttemptSummary(*values))
    return results


def review_allowed(quiz: Quiz, attempt_state: str, result: QuizResult | None, now: datetime | None = None) -> bool:
    """May the trainee see marks per question, feedback and the right answers of a closed attempt?"""
    if attempt_state == IN_PROGRESS:
        return False
    now = now or utcnow()
    closed = quiz.closes_at is not None and now > quiz.closes_at
    if quiz.review == AFTER_SUBMIT:
        return True
    if quiz.review == AFTER_LAST_ATTEMPT:
        return closed or (result is not None and result.finished_all)
    if quiz.review == AFTER_CLOSE:
        return closed
    return False


@dataclass(frozen=True)
class QuizFacts:
    """What a learning path, a course page's quiz boxes and the quiz requirement need of a quiz
    (its place, title and grading), without the ORM."""

    id: int
    module_id: int | None
    key: str
    title: dict
    grading_method: str
    pass_mark: float
    attempts_allowed: int | None

    is_final = Quiz.is_final
    is_pretest = Quiz.is_pretest
    title_in = Quiz.title_in


_QUIZ_FACTS = (
    select(Quiz.id, Quiz.module_id, Quiz.key, Quiz.title, Quiz.grading_method, Quiz.pass_mark,
           Quiz.attempts_allowed)
    .where(Quiz.course_id == bindparam("course_id"), Quiz.is_retired.is_(False))
    .order_by(Quiz.module_id.is_(None), Quiz.id))


def quiz_facts_of(session: Session, course_id: int) -> list[QuizFacts]:
    """``quizzes_of`` as plain values, in the same order: one query, no ORM objects."""
    return [QuizFacts(*row) for row in session.connection().execute(_QUIZ_FACTS, {"course_id": course_id})]


def quiz_facts_of_content(session: Session, course) -> tuple[QuizFacts, ...]:
    """``quiz_facts_of`` a course, kept per process and content: a course's quizzes are written
    only by importing its content (``lms.quizzes.content``), which changes its content hash."""
    def read() -> tuple[QuizFacts, ...]:
        flush_pending(session)
        return tuple(quiz_facts_of(session, course.id))

    return kept_per_content("quizzes.facts", course, read, limit=512)


def quiz_facts_of_course(session: Session, course_id: int) -> tuple[QuizFacts, ...]:
    """``quiz_facts_of_content`` of the course with this id (which a page has read already: the
    session gives it without a statement)."""
    return quiz_facts_of_content(session, session.get(Course, course_id))


def quizzes_of(session: Session, course_id: int) -> list[Quiz]:
    return list(session.scalars(select(Quiz).where(Quiz.course_id == course_id, Quiz.is_retired.is_(False))
                                .order_by(Quiz.module_id.is_(None), Quiz.id)))


def module_results(session: Session, enrolment_ids, course_id: int) -> dict[tuple[int, int], str]:
    """{(enrolment id, module id): the module quiz's grade as a tutor reads it}, in one query.

    ``enrolment_ids`` is a SELECT of enrolment ids, so a table of any size costs one query.
    """
    rows = session.execute(
        select(QuizAttempt.enrolment_id, Quiz.module_id, Quiz.id, Quiz.grading_method, Quiz.pass_mark,
               QuizAttempt.state, QuizAttempt.score)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.course_id == course_id, Quiz.module_id.is_not(None), Quiz.is_retired.is_(False),
               QuizAttempt.enrolment_id.in_(enrolment_ids))
        .order_by(QuizAttempt.enrolment_id, Quiz.id, QuizAttempt.number))
    grouped: dict[tuple[int, int], dict] = {}
    for enrolment_id, module_id, _quiz_id, grading, pass_mark, state, score in rows:
        cell = grouped.setdefault((enrolment_id, module_id), {"grading": grading, "pass_mark": pass_mark,
                                                              "scores": [], "awaiting": False})
        if state == GRADED and score is not None:
            cell["scores"].append(score)
        elif state == AWAITING_GRADING:
            cell["awaiting"] = True
    results = {}
    for key, cell in grouped.items():
        grade = quiz_grade(cell["scores"], cell["grading"])
        if grade is None:
            results[key] = _("awaiting grading") if cell["awaiting"] else _("started")
            continue
        text = format_percent(grade / 100)
        results[key] = (_("{score} passed") if grade >= cell["pass_mark"] else _("{score} not passed")).format(
            score=text)
    return results


def quiz_grades(session: Session, enrolment_ids, course_id: int, language: str
                ) -> list[tuple[str, float, dict[int, float]]]:
    """Each current quiz of the course (module quizzes, then the final assessment) with its
    grade, by the quiz's grading method, for every enrolment of the SELECT that has one; one
    query for the grades. Grades are percentages (0–100)."""
    quizzes = quizzes_of(session, course_id)
    scores: dict[tuple[int, int], list[float]] = {}
    for enrolment_id, quiz_id, score in session.execute(
            select(QuizAttempt.enrolment_id, QuizAttempt.quiz_id, QuizAttempt.score)
            .where(QuizAttempt.quiz_id.in_([quiz.id for quiz in quizzes]), QuizAttempt.state == GRADED,
                   QuizAttempt.score.is_not(None), QuizAttempt.enrolment_id.in_(enrolment_ids))
            .order_by(QuizAttempt.enrolment_id, QuizAttempt.quiz_id, QuizAttempt.number)):
        scores.setdefault((enrolment_id, quiz_id), []).append(score)
    columns = []
    for quiz in quizzes:
        grades = {enrolment_id: quiz_grade(values, quiz.grading_method)
                  for (enrolment_id, quiz_id), values in scores.items() if quiz_id == quiz.id}
        columns.append((quiz.title_in(language), 100.0, grades))
    return columns
