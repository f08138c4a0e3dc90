"""Starting an attempt: who may, when, with which questions, in which language, until when."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from flask_babel import format_datetime
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import Conflict, NotAllowed
from lms.core.i18n import _, first_available, one_full_stop
from lms.core.models import utcnow
from lms.courses.completion import record_event
from lms.courses.models import Course
from lms.quizzes.models import (
    FINAL_KEY,
    IN_PROGRESS,
    AttemptAnswer,
    Question,
    QuestionCategory,
    Quiz,
    QuizAttempt,
    QuizSlot,
)
from lms.quizzes.operations.closing import close_overdue
from lms.quizzes.operations.lookups import trainee_enrolment
from lms.quizzes.results import QuizResult, results_for
from lms.quizzes.types import QUESTION_TYPES

QUIZ_STARTED = "quiz_attempt_started"


def attempt_language(course: Course, wanted: str | None) -> str:
    """The trainee's language when the course offers it, else the closest it offers
    (``language_chain``), else the course's default."""
    return first_available(course.languages or [], wanted) or course.default_language


def _pool_query(session: Session, quiz: Quiz) -> Select:
    """The questions an attempt is drawn from: the quiz's own, or its bank category's."""
    if quiz.pool_category_id is not None:
        root = session.scalar(select(QuestionCategory.path).where(QuestionCategory.id == quiz.pool_category_id))
        return (select(Question).join(QuestionCategory, QuestionCategory.id == Question.category_id)
                .where(QuestionCategory.course_id == quiz.course_id, Question.is_retired.is_(False),
                       or_(QuestionCategory.path == root,
                           QuestionCategory.path.startswith(root + "/", autoescape=True)))
                .order_by(QuestionCategory.path, Question.position, Question.id))
    return (select(Question).join(QuizSlot, QuizSlot.question_id == Question.id)
            .where(QuizSlot.quiz_id == quiz.id).order_by(QuizSlot.position))


def pool_size(session: Session, quiz: Quiz) -> int:
    """How many questions an attempt shows: the number drawn, or the whole pool."""
    if quiz.draw_count:
        return quiz.draw_count
    return session.scalar(select(func.count()).select_from(_pool_query(session, quiz).order_by(None).subquery()))


def choose_questions(session: Session, quiz: Quiz, rng: random.Random) -> list[Question]:
    pool = list(session.scalars(_pool_query(session, quiz)))
    if quiz.draw_count:
        gradable = [q for q in pool if QUESTION_TYPES[q.qtype].gradable]
        if len(gradable) < quiz.draw_count:
            raise NotAllowed(_("This quiz is not ready yet: it draws {wanted} questions but its question bank "
                               "has {available}. Please tell your tutor or programme manager.").format(
                                   wanted=quiz.draw_count, available=len(gradable)))
        chosen = {q.id for q in rng.sample(gradable, quiz.draw_count)}
        pool = [q for q in gradable if q.id in chosen]
    if not pool:
        raise NotAllowed(_("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        rng.shuffle(pool)
    return pool


def pretest_refusal(session: Session, quiz: Quiz, enrolment_id: int) -> str | None:
    """A pre-test measures what a trainee knew before the course: not once the final assessment is begun."""
    if not quiz.is_pretest:
        return None
    begun = session.scalar(select(func.count(QuizAttempt.id)).join(Quiz, Quiz.id == QuizAttempt.quiz_id).where(
        QuizAttempt.enrolment_id == enrolment_id, Quiz.course_id == quiz.course_id, Quiz.key == FINAL_KEY,
        Quiz.module_id.is_(None)))
    if begun:
        return _("The pre-test can no longer be taken: it measures what you knew before the course, and you "
                 "have begun the final assessment.")
    return None


def refusal_to_start(quiz: Quiz, result: QuizResult, now: datetime) -> str | None:
    """Why this trainee cannot start an attempt now (None: they can, or they go on with theirs).

    The quiz page shows it instead of the start button; ``start_attempt`` refuses with it."""
    if result.open_attempt is not None:
        return None
    if quiz.opens_at and now < quiz.opens_at:
        return one_full_stop(_("This quiz opens on {date}.").format(date=format_datetime(quiz.opens_at, "medium")))
    if quiz.closes_at and now > quiz.closes_at:
        return one_full_stop(_("This quiz closed on {date}.").format(date=format_datetime(quiz.closes_at, "medium")))
    if quiz.attempts_allowed and result.used >= quiz.attempts_allowed:
        return _("You have used all {count} attempts at this quiz.").format(count=quiz.attempts_allowed)
    return None


def start_attempt(session: Session, user: User, quiz: Quiz, *, language: str | None = None
                  ) -> tuple[QuizAttempt, bool]:
    """Start an attempt, or return the one already open; (attempt, whether it is new).

    An attempt of this quiz left open past its deadline is submitted first, with what it saved."""
    enrolment = trainee_enrolment(session, user, quiz)
    now = utcnow()
    close_overdue(session, enrolment, quiz.id, now)
    result = results_for(session, enrolment.id, [quiz])[quiz.id]
    if result.open_attempt is not None:
        return session.get(QuizAttempt, result.open_attempt.id), False
    refusal = refusal_to_start(quiz, result, now) or pretest_refusal(session, quiz, enrolment.id)
    if refusal:
        raise NotAllowed(refusal)
    course = session.get(Course, quiz.course_id)
    rng = random.SystemRandom()
    questions = choose_questions(session, quiz, rng)
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    try:
        with session.begin_nested():
            attempt = QuizAttempt(quiz_id=quiz.id, enrolment_id=enrolment.id, number=result.used + 1,
                                  state=IN_PROGRESS, language=attempt_language(course, language), started_at=now,
                                  deadline_at=deadline, max_marks=0.0, closed_by_deadline=False)
            session.add(attempt)
            session.flush()
            max_marks = 0.0
            for position, question in enumerate(questions, start=1):
                kind = QUESTION_TYPES[question.qtype]
                mark = question.default_mark if kind.gradable else 0.0
                max_marks += mark
                session.add(AttemptAnswer(
                    attempt_id=attempt.id, position=position, question_id=question.id, mark=mark,
                    answer_order=kind.answer_order(question.definition, quiz.shuffle_answers, rng)))
            attempt.max_marks = max_marks
            session.flush()
    except IntegrityError:
        # Another request (a double click, a second tab) started it a moment ago.
        existing = session.scalar(select(QuizAttempt).where(
            QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.state == IN_PROGRESS))
        if existing is None:
            raise Conflict(_("Another attempt was started at the same moment. Please reload the page.")) from None
        return existing, False
    record_event(session, enrolment, QUIZ_STARTED, attempt.id, evaluate=False)
    return attempt, True
