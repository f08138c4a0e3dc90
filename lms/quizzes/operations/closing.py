"""Closing an attempt and grading it on submit: by its trainee, or by its deadline.

An attempt leaves ``in_progress`` through one conditional UPDATE of its row, which exactly
one transaction wins; the automatically graded answers are then graded, and the attempt
is final unless an essay waits for a tutor.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lms.core.models import utcnow
from lms.courses.completion import record_event
from lms.courses.models import Enrolment
from lms.quizzes.deadlines import grace, is_overdue
from lms.quizzes.models import AWAITING_GRADING, GRADED, IN_PROGRESS, Quiz, QuizAttempt
from lms.quizzes.operations.answer_rows import answer_rows, update_answers
from lms.quizzes.types import QUESTION_TYPES

QUIZ_GRADED = "quiz_attempt_graded"
QUIZ_SUBMITTED = "quiz_attempt_submitted"


def finish_attempt(session: Session, attempt: QuizAttempt, now: datetime, *, by_deadline: bool) -> bool:
    """Close an open attempt and grade it; False when another request closed it first."""
    claimed = session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.state == IN_PROGRESS)
        .values(state=AWAITING_GRADING, submitted_at=now, closed_by_deadline=by_deadline)
        .execution_options(synchronize_session=False))
    session.refresh(attempt)
    if claimed.rowcount != 1:
        return False
    quiz = session.get(Quiz, attempt.quiz_id)
    updates, marks, pending = [], 0.0, False
    rows = answer_rows(session, attempt.id)
    for answer, qtype, definition in rows:
        kind = QUESTION_TYPES[qtype]
        if not kind.gradable:
            continue
        grade = kind.grade(definition, answer.response, attempt.language)
        if grade.fraction is None:
            pending = True
            updates.append({"id": answer.id, "fraction": None, "needs_grading": True})
        else:
            marks += grade.fraction * answer.mark
            updates.append({"id": answer.id, "fraction": grade.fraction, "needs_grading": False})
    update_answers(session, rows, updates)
    enrolment = session.get(Enrolment, attempt.enrolment_id)
    if pending:
        attempt.marks = round(marks, 5)
        session.flush()
        record_event(session, enrolment, QUIZ_SUBMITTED, attempt.id, evaluate=False)
        return True
    set_final(attempt, quiz, marks, now)
    session.flush()
    record_event(session, enrolment, QUIZ_GRADED, attempt.id)
    return True


def set_final(attempt: QuizAttempt, quiz: Quiz, marks: float, now: datetime) -> None:
    """The attempt's score, and whether it passed, once nothing is left to grade."""
    attempt.marks = round(marks, 5)
    attempt.score = round(100 * marks / attempt.max_marks, 2) if attempt.max_marks else 0.0
    attempt.passed = attempt.score >= quiz.pass_mark
    attempt.state = GRADED
    attempt.graded_at = now


def close_overdue(session: Session, enrolment: Enrolment, quiz_id: int | None = None,
                  now: datetime | None = None) -> int:
    """Submit this trainee's attempts that are open past their deadline, with what they saved."""
    now = now or utcnow()
    query = select(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.state == IN_PROGRESS,
                                      QuizAttempt.deadline_at.is_not(None))
    if quiz_id is not None:
        query = query.where(QuizAttempt.quiz_id == quiz_id)
    closed = 0
    for attempt in session.scalars(query).all():
        if is_overdue(attempt.deadline_at, now):
            closed += finish_attempt(session, attempt, now, by_deadline=True)
    return closed


def close_all_overdue(session: Session, now: datetime | None = None) -> int:
    """Every attempt open past its deadline, submitted with what was saved (the periodic task,
    ``lms quizzes close-overdue``)."""
    now = now or utcnow()
    attempts = session.scalars(select(QuizAttempt).where(
        QuizAttempt.state == IN_PROGRESS, QuizAttempt.deadline_at < now - grace())).all()
    return sum(finish_attempt(session, attempt, now, by_deadline=True) for attempt in attempts)
