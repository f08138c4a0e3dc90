"""Quiz rules: start → answer (saved as you go) → submit → graded; review; essays for tutors.

Deadlines are the server's alone: an answer that arrives after an attempt's deadline is
refused, and an attempt found open past its deadline is submitted with what was saved.
Submitting is idempotent: one conditional UPDATE of the attempt row moves it out of
``in_progress``; the database lets exactly one transaction win it, and every other
submit of the same attempt gets the result the winner wrote.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import format_datetime
from sqlalchemy import Select, String, bindparam, case, cast, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core import audit
from lms.core.concurrency import expect_version
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _, localized
from lms.core.models import utcnow
from lms.courses.completion import record_event
from lms.courses.models import Course, Enrolment
from lms.quizzes.deadlines import grace, is_overdue
from lms.quizzes.models import (
    AWAITING_GRADING,
    GRADED,
    IN_PROGRESS,
    AttemptAnswer,
    Question,
    QuestionCategory,
    Quiz,
    QuizAttempt,
    QuizSlot,
)
from lms.quizzes.results import QuizResult, quizzes_of, results_for
from lms.quizzes.types import ESSAY, QUESTION_TYPES

QUIZ_GRADED = "quiz_attempt_graded"
QUIZ_SUBMITTED = "quiz_attempt_submitted"
MAX_FEEDBACK = 20_000


# --- lookups ---------------------------------------------------------------------------

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
    return enrolment


def own_attempt(session: Session, user: User, attempt_id: int) -> tuple[QuizAttempt, Enrolment]:
    """The signed-in trainee's attempt; anyone else's is answered as not found."""
    row = session.execute(select(QuizAttempt, Enrolment).join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
                          .where(QuizAttempt.id == attempt_id)).first()
    if row is None or not user.is_authenticated or row[1].user_id != user.id:
        raise NotFound()
    return row[0], row[1]


def can_see_attempt(user: User, enrolment: Enrolment) -> bool:
    """The trainee, or whoever may follow or grade the enrolment (rules registered by tutors)."""
    return enrolment.can_be_read_by(user) or enrolment.can_be_graded_by(user)


def attempt_for_viewer(session: Session, user: User, attempt_id: int) -> tuple[QuizAttempt, Enrolment]:
    row = session.execute(select(QuizAttempt, Enrolment).join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
                          .where(QuizAttempt.id == attempt_id)).first()
    if row is None:
        raise NotFound()
    attempt, enrolment = row
    if not can_see_attempt(user, enrolment):
        raise NotFound()
    return attempt, enrolment


# --- starting --------------------------------------------------------------------------

def attempt_language(course: Course, wanted: str | None) -> str:
    """The trainee's language when the course offers it, else the course's default."""
    return wanted if wanted and course.offers(wanted) else course.default_language


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


def pool_of(session: Session, quiz: Quiz) -> list[Question]:
    return list(session.scalars(_pool_query(session, quiz)))


def pool_size(session: Session, quiz: Quiz) -> int:
    """How many questions an attempt shows: the number drawn, or the whole pool."""
    if quiz.draw_count:
        return quiz.draw_count
    return session.scalar(select(func.count()).select_from(_pool_query(session, quiz).order_by(None).subquery()))


def choose_questions(session: Session, quiz: Quiz, rng: random.Random) -> list[Question]:
    pool = pool_of(session, quiz)
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


def refusal_to_start(quiz: Quiz, result: QuizResult, now: datetime) -> str | None:
    """Why this trainee cannot start an attempt now (None: they can, or they go on with theirs).

    The quiz page shows it instead of the start button; ``start_attempt`` refuses with it."""
    if result.open_attempt is not None:
        return None
    if quiz.opens_at and now < quiz.opens_at:
        return _("This quiz opens on {date}.").format(date=format_datetime(quiz.opens_at, "medium"))
    if quiz.closes_at and now > quiz.closes_at:
        return _("This quiz closed on {date}.").format(date=format_datetime(quiz.closes_at, "medium"))
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
    refusal = refusal_to_start(quiz, result, now)
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
    record_event(session, enrolment, "quiz_attempt_started", attempt.id, evaluate=False)
    return attempt, True


# --- saving ----------------------------------------------------------------------------

@dataclass
class Outcome:
    """What a save or submit did; ``late`` means its answers arrived after the deadline (the
    attempt was then submitted with what was saved before: tell the trainee ``late_message``)."""

    attempt: QuizAttempt
    late: bool = False
    already_submitted: bool = False


def late_message() -> str:
    return _("The time for this attempt ended; answers sent after the deadline are not accepted. "
             "The answers saved before it were submitted.")


def _answer_rows(session: Session, attempt_id: int):
    return session.execute(select(AttemptAnswer, Question.qtype, Question.definition)
                           .join(Question, Question.id == AttemptAnswer.question_id)
                           .where(AttemptAnswer.attempt_id == attempt_id)
                           .order_by(AttemptAnswer.position)).all()


def form_responses(session: Session, attempt: QuizAttempt, form) -> dict:
    """An attempt page's form as ``{position: response}``: every question, answered or not."""
    return {answer.position: QUESTION_TYPES[qtype].from_form(form, f"q{answer.position}", definition)
            for answer, qtype, definition in _answer_rows(session, attempt.id)}


def clean_responses(rows, responses: dict) -> dict[int, dict | None]:
    """Check what the trainee sent, by question position; every problem at once."""
    by_position = {answer.position: (answer, qtype, definition) for answer, qtype, definition in rows}
    cleaned, errors = {}, {}
    for position, raw in responses.items():
        try:
            number = int(position)
        except (TypeError, ValueError):
            errors[f"answers.{position}"] = [_("There is no question {position} in this attempt.").format(
                position=position)]
            continue
        if number not in by_position:
            errors[f"answers.{number}"] = [_("There is no question {position} in this attempt.").format(
                position=number)]
            continue
        _answer, qtype, definition = by_position[number]
        try:
            cleaned[number] = QUESTION_TYPES[qtype].clean(definition, raw)
        except ValueError as exc:
            errors[f"answers.{number}"] = [str(exc) or _("This answer is not valid.")]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def save_answers(session: Session, user: User, attempt_id: int, responses: dict) -> Outcome:
    """Save some answers of an open attempt (``{position: response}``); refused after the deadline."""
    attempt, _enrolment = own_attempt(session, user, attempt_id)
    now = utcnow()
    if attempt.state != IN_PROGRESS:
        raise Conflict(_("This attempt has been submitted; its answers can no longer change."))
    if is_overdue(attempt.deadline_at, now):
        finish_attempt(session, attempt, now, by_deadline=True)
        return Outcome(attempt, late=True)
    rows = _answer_rows(session, attempt.id)
    cleaned = clean_responses(rows, responses)
    _write_responses(session, attempt, rows, cleaned, now)
    return Outcome(attempt)


def _write_responses(session: Session, attempt: QuizAttempt, rows, cleaned: dict, now: datetime) -> None:
    # Touching the attempt row first takes its lock: a submit running at the same moment
    # either finishes before (and this save is refused) or waits until this save is in.
    claimed = session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                                        QuizAttempt.state == IN_PROGRESS)
                              .values(last_saved_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.refresh(attempt)
        raise Conflict(_("This attempt has been submitted; its answers can no longer change."))
    changes = [{"id": answer.id, "response": cleaned[answer.position], "saved_at": now}
               for answer, _qtype, _definition in rows
               if answer.position in cleaned and cleaned[answer.position] != answer.response]
    _update_answers(session, [answer for answer, _qtype, _definition in rows], changes)
    session.expire(attempt, ["last_saved_at"])


def _update_answers(session: Session, answers: list[AttemptAnswer], changes: list[dict]) -> None:
    """Write many answers' responses or automatic grades in one statement (``changes`` give
    each row's ``id`` and the same columns).

    A plain table UPDATE, not the ORM's: an answer's ``version`` counts the tutors' grades
    (``version_id_col``), and neither saving a response nor grading on submit is one."""
    if not changes:
        return
    table = AttemptAnswer.__table__
    columns = [name for name in changes[0] if name != "id"]
    statement = (update(table).where(table.c.id == bindparam("answer_id"))
                 .values({name: bindparam(f"new_{name}") for name in columns}))
    session.execute(statement, [{"answer_id": change["id"], **{f"new_{name}": change[name] for name in columns}}
                                for change in changes])
    changed = {change["id"] for change in changes}
    for answer in answers:
        if answer.id in changed:
            session.expire(answer, columns)


# --- submitting and grading ------------------------------------------------------------

def submit_attempt(session: Session, user: User, attempt_id: int, responses: dict | None = None) -> Outcome:
    """Submit and grade an attempt, once: repeating it returns the same result.

    After the deadline the answers sent are refused and the attempt is submitted with
    what was saved before (``late``).
    """
    attempt, _enrolment = own_attempt(session, user, attempt_id)
    now = utcnow()
    if attempt.state != IN_PROGRESS:
        return Outcome(attempt, late=attempt.closed_by_deadline, already_submitted=True)
    if is_overdue(attempt.deadline_at, now):
        closed = finish_attempt(session, attempt, now, by_deadline=True)
        return Outcome(attempt, late=True, already_submitted=not closed)
    if responses:
        rows = _answer_rows(session, attempt.id)
        cleaned = clean_responses(rows, responses)
        try:
            _write_responses(session, attempt, rows, cleaned, now)
        except Conflict:
            return Outcome(attempt, late=attempt.closed_by_deadline, already_submitted=True)
    closed = finish_attempt(session, attempt, now, by_deadline=False)
    return Outcome(attempt, late=attempt.closed_by_deadline, already_submitted=not closed)


def finish_attempt(session: Session, attempt: QuizAttempt, now: datetime, *, by_deadline: bool) -> bool:
    """Close an open attempt and grade it; False when another request closed it first."""
    claimed = session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.state == IN_PROGRESS)
        .values(state=AWAITING_GRADING, submitted_at=now, closed_by_deadline=by_deadline)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.refresh(attempt)
        return False
    session.refresh(attempt)
    quiz = session.get(Quiz, attempt.quiz_id)
    updates, marks, pending = [], 0.0, False
    rows = _answer_rows(session, attempt.id)
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
    _update_answers(session, [answer for answer, _qtype, _definition in rows], updates)
    enrolment = session.get(Enrolment, attempt.enrolment_id)
    if pending:
        attempt.marks = round(marks, 5)
        session.flush()
        record_event(session, enrolment, QUIZ_SUBMITTED, attempt.id, evaluate=False)
        return True
    _set_final(attempt, quiz, marks, now)
    session.flush()
    record_event(session, enrolment, QUIZ_GRADED, attempt.id)
    return True


def _set_final(attempt: QuizAttempt, quiz: Quiz, marks: float, now: datetime) -> None:
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
    """Every attempt open past its deadline, submitted with what was saved (``lms quizzes close-overdue``)."""
    now = now or utcnow()
    attempts = session.scalars(select(QuizAttempt).where(
        QuizAttempt.state == IN_PROGRESS, QuizAttempt.deadline_at < now - grace())).all()
    return sum(finish_attempt(session, attempt, now, by_deadline=True) for attempt in attempts)


# --- reading attempts ------------------------------------------------------------------

def attempts_of(session: Session, enrolment_id: int, quiz_id: int) -> list[QuizAttempt]:
    return list(session.scalars(select(QuizAttempt).where(
        QuizAttempt.enrolment_id == enrolment_id, QuizAttempt.quiz_id == quiz_id).order_by(QuizAttempt.number)))


def course_quiz_results(session: Session, enrolment: Enrolment | None, course_id: int
                        ) -> tuple[list[Quiz], dict[int, QuizResult]]:
    quizzes = quizzes_of(session, course_id)
    if enrolment is None:
        return quizzes, {}
    return quizzes, results_for(session, enrolment.id, quizzes)


# --- essays for the tutors' grading queue ----------------------------------------------

def essay_answers_awaiting(enrolment_ids: Select) -> Select:
    """Essay answers waiting for a tutor, oldest submission first, for the enrolments a subquery names.

    Columns: answer_id, version, attempt_id, enrolment_id, user_id, user_name, course_id,
    quiz_id, quiz_title (a {language: text} map), question_name, submitted_at. The caller
    may add ``.limit()``/``.offset()``; the query is one statement whatever the data.
    """
    return (select(AttemptAnswer.id.label("answer_id"), AttemptAnswer.version,
                   QuizAttempt.id.label("attempt_id"), QuizAttempt.enrolment_id, Enrolment.user_id,
                   User.full_name.label("user_name"), Quiz.course_id, Quiz.id.label("quiz_id"),
                   Quiz.title.label("quiz_title"), Question.name.label("question_name"), QuizAttempt.submitted_at)
            .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
            .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
            .join(User, User.id == Enrolment.user_id)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .join(Question, Question.id == AttemptAnswer.question_id)
            .where(AttemptAnswer.needs_grading.is_(True), QuizAttempt.enrolment_id.in_(enrolment_ids))
            .order_by(QuizAttempt.submitted_at, AttemptAnswer.id))


def count_essay_answers_awaiting(session: Session, enrolment_ids: Select) -> int:
    return session.scalar(
        select(func.count(AttemptAnswer.id))
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .where(AttemptAnswer.needs_grading.is_(True), QuizAttempt.enrolment_id.in_(enrolment_ids))) or 0


def essay_answers_awaiting_grading(session: Session, enrolment_ids: Select, *, limit: int | None = None,
                                   offset: int = 0) -> tuple[list, int]:
    """(a page of essay answers awaiting grading, oldest first; their total count) — two queries."""
    query = essay_answers_awaiting(enrolment_ids).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.execute(query).all()), count_essay_answers_awaiting(session, enrolment_ids)


# The same essays as items of the tutors' grading queue (its ``QueueSource``): ``items`` gives
# item_id, enrolment_id, module_id, status, submitted_at, with status "awaiting" or "graded";
# ``describe`` a title and the grading page's address for each item.

def _typed(value: str):
    """A typed text constant: PostgreSQL must know its type inside the queue's UNION."""
    return cast(literal(value), String(16))


def essay_queue_items(enrolment_ids: Select) -> Select:
    """Essay answers of submitted attempts, awaiting a tutor or graded, for the enrolments given."""
    status = case((AttemptAnswer.needs_grading.is_(True), _typed("awaiting")), else_=_typed("graded"))
    return (select(AttemptAnswer.id.label("item_id"), QuizAttempt.enrolment_id.label("enrolment_id"),
                   Quiz.module_id.label("module_id"), status.label("status"),
                   QuizAttempt.submitted_at.label("submitted_at"))
            .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .where(QuizAttempt.enrolment_id.in_(enrolment_ids),
                   or_(AttemptAnswer.needs_grading.is_(True), AttemptAnswer.graded_by_id.is_not(None))))


@dataclass(frozen=True)
class EssayItem:
    title: str
    url: str


def essay_queue_describe(session: Session, item_ids: list[int]) -> dict[int, EssayItem]:
    """{answer id: title and grading page} in one query (links need a request or URL context)."""
    if not item_ids:
        return {}
    rows = session.execute(select(AttemptAnswer.id, Quiz.title, Question.name)
                           .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
                           .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
                           .join(Question, Question.id == AttemptAnswer.question_id)
                           .where(AttemptAnswer.id.in_(item_ids)))
    return {answer_id: EssayItem(_("Essay in {quiz}").format(quiz=localized(title)),
                                 url_for("quizzes.grade_essay", answer_id=answer_id))
            for answer_id, title, _name in rows}


@dataclass
class EssayForGrading:
    answer: AttemptAnswer
    attempt: QuizAttempt
    enrolment: Enrolment
    quiz: Quiz
    question: Question
    trainee: User
    graded_by: User | None


def essay_for_grading(session: Session, grader: User, answer_id: int) -> EssayForGrading:
    row = session.execute(
        select(AttemptAnswer, QuizAttempt, Enrolment, Quiz, Question)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Question, Question.id == AttemptAnswer.question_id)
        .where(AttemptAnswer.id == answer_id)).first()
    if row is None:
        raise NotFound()
    answer, attempt, enrolment, quiz, question = row
    if not enrolment.can_be_graded_by(grader):
        raise NotAllowed(_("You may grade only the work of trainees in the groups you tutor."))
    if question.qtype != ESSAY:
        raise NotFound()
    graded_by = session.get(User, answer.graded_by_id) if answer.graded_by_id else None
    return EssayForGrading(answer, attempt, enrolment, quiz, question, session.get(User, enrolment.user_id),
                           graded_by)


def grade_payload(answer: AttemptAnswer, graded_by: User | None) -> dict:
    return {"fraction": answer.fraction, "feedback": answer.feedback or "",
            "graded_by": graded_by.full_name if graded_by else None,
            "graded_at": answer.graded_at.isoformat() if answer.graded_at else None, "version": answer.version}


def grade_essay_answer(session: Session, grader: User, answer_id: int, *, fraction: float, feedback: str,
                       expected_version: int) -> AttemptAnswer:
    """Grade (or re-grade) one essay answer; the attempt's score becomes final with its last essay.

    Refused unless ``enrolment.can_be_graded_by(grader)``. ``expected_version`` is the
    version the grader saw (``expect_version``): if someone graded since, Conflict carries
    the current grade in its payload (``current``) and nothing is overwritten. Every grade
    is written to the audit log.
    """
    essay = essay_for_grading(session, grader, answer_id)
    answer, attempt = essay.answer, essay.attempt
    if attempt.state == IN_PROGRESS:
        raise Conflict(_("The trainee has not submitted this attempt yet."))
    errors = {}
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
        errors["fraction"] = [_("Give a grade between 0% and 100%.")]
    feedback = (feedback or "").strip()
    if len(feedback) > MAX_FEEDBACK:
        errors["feedback"] = [_("The feedback is too long: at most {limit} characters.").format(limit=MAX_FEEDBACK)]
    if errors:
        raise ValidationFailed(errors)
    # Lock the attempt first, as submitting does, so two tutors grading two essays of one
    # attempt at once cannot both miss that the other has finished it; a tutor grading the
    # same essay waits here and then finds its version moved on.
    session.execute(select(QuizAttempt.id).where(QuizAttempt.id == attempt.id).with_for_update())
    session.refresh(answer)
    _expect_grade_version(session, answer, expected_version)
    before = grade_payload(answer, essay.graded_by)
    now = utcnow()
    answer.fraction, answer.feedback, answer.needs_grading = float(fraction), feedback, False
    answer.graded_by_id, answer.graded_at = grader.id, now
    session.flush()     # UPDATE … WHERE version = the version read: a grade slipped in since is a 409
    audit.record(session, actor_id=grader.id, action="quiz.essay_graded", subject_type="quiz_attempt_answer",
                 subject_id=answer.id, before=before, after=grade_payload(answer, grader))
    _rescore(session, attempt, essay.quiz, essay.enrolment, now)
    return answer


def _expect_grade_version(session: Session, answer: AttemptAnswer, expected_version: int) -> None:
    """Refuse a grade given on a version someone has graded since; the refusal carries their grade."""
    try:
        expect_version(answer, expected_version,
                       _("Someone else graded this answer in the meantime; their grade is shown."))
    except Conflict as conflict:
        conflict.payload["current"] = grade_payload(answer, _grader_of(session, answer))
        raise


def _grader_of(session: Session, answer: AttemptAnswer) -> User | None:
    return session.get(User, answer.graded_by_id) if answer.graded_by_id else None


def _rescore(session: Session, attempt: QuizAttempt, quiz: Quiz, enrolment: Enrolment, now: datetime) -> None:
    session.refresh(attempt)
    rows = session.execute(select(AttemptAnswer.fraction, AttemptAnswer.mark, AttemptAnswer.needs_grading)
                           .where(AttemptAnswer.attempt_id == attempt.id)).all()
    if any(needs for _fraction, _mark, needs in rows):
        attempt.marks = round(sum((f or 0) * m for f, m, _n in rows), 5)
        session.flush()
        return
    _set_final(attempt, quiz, sum((f or 0) * m for f, m, _n in rows), attempt.graded_at or now)
    session.flush()
    record_event(session, enrolment, QUIZ_GRADED, attempt.id)
