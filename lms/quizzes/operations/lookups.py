"""Finding a quiz, an attempt or an enrolment for the user asking; what is not theirs to see
is answered as not found."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from lms.accounts.models import User
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import _
from lms.courses.annexes import hidden_modules
from lms.courses.models import Course, Enrolment
from lms.quizzes.models import Quiz, QuizAttempt
from lms.quizzes.results import (
    QuizFacts,
    QuizResult,
    quiz_facts_of_content,
    quizzes_of,
    results_for,
)


def quiz_by_id(session: Session, quiz_id: int) -> Quiz:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None or quiz.is_retired:
        raise NotFound()
    return quiz


def quiz_of(session: Session, attempt: QuizAttempt) -> Quiz:
    """An attempt's quiz, even one a later version of the course retired."""
    return session.get(Quiz, attempt.quiz_id)


def active_enrolment(session: Session, user: User, course_id: int) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return session.scalar(select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course_id,
                                                  Enrolment.status == "active"))


def trainee_enrolment(session: Session, user: User, quiz: Quiz) -> Enrolment:
    enrolment = active_enrolment(session, user, quiz.course_id)
    if enrolment is None:
        raise NotAllowed(_("Enrol in the course to take its quizzes."))
    if quiz.module_id is not None and quiz.module_id in hidden_modules(session, enrolment):
        raise NotFound()  # the quiz of another beneficiary's national annex: not there for this trainee
    return enrolment


def _attempt_with_enrolment(session: Session, attempt_id: int) -> QuizAttempt | None:
    return session.scalar(select(QuizAttempt).options(joinedload(QuizAttempt.enrolment))
                          .where(QuizAttempt.id == attempt_id))


def own_attempt(session: Session, user: User, attempt_id: int) -> tuple[QuizAttempt, Enrolment]:
    """The signed-in trainee's attempt; anyone else's is answered as not found."""
    attempt = _attempt_with_enrolment(session, attempt_id)
    if attempt is None or not user.is_authenticated or attempt.enrolment.user_id != user.id:
        raise NotFound()
    return attempt, attempt.enrolment


def attempt_for_viewer(session: Session, user: User, attempt_id: int) -> tuple[QuizAttempt, Enrolment]:
    """An attempt its trainee, their tutor or staff may see (``QuizAttempt.can_be_reviewed_by``)."""
    attempt = _attempt_with_enrolment(session, attempt_id)
    if attempt is None or not attempt.can_be_reviewed_by(user):
        raise NotFound()
    return attempt, attempt.enrolment


def attempts_of(session: Session, enrolment_id: int, quiz_id: int) -> list[QuizAttempt]:
    return list(session.scalars(select(QuizAttempt).where(
        QuizAttempt.enrolment_id == enrolment_id, QuizAttempt.quiz_id == quiz_id).order_by(QuizAttempt.number)))


def course_quiz_results(session: Session, enrolment: Enrolment | None, course: Course, *, whole: bool = False
                        ) -> tuple[Sequence[QuizFacts | Quiz], dict[int, QuizResult]]:
    """A course's quizzes and, for an enrolment, its standing in each: as plain values kept per
    content (the course page's quiz boxes), or ``whole`` with every setting (the API's list)."""
    quizzes = quizzes_of(session, course.id) if whole else quiz_facts_of_content(session, course)
    if enrolment is None:
        return quizzes, {}
    return quizzes, results_for(session, enrolment.id, quizzes)
