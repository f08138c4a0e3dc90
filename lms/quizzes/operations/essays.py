"""Essays, graded by tutors: their items in the tutors' grading queue, the grading page's
view of one, and grading it with a version so two tutors never overwrite each other.

The tutors' feature offers these as a ``QueueSource``: ``essay_queue_items`` gives
item_id, enrolment_id, module_id, status, submitted_at, with status "awaiting" or
"graded"; ``essay_queue_describe`` a title and the grading page's address for each item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, String, case, cast, literal, or_, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core import audit
from lms.core.concurrency import expect_version
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _, localized
from lms.core.models import utcnow
from lms.core.urls import path_for
from lms.courses.completion import record_event
from lms.courses.models import Enrolment
from lms.quizzes.models import IN_PROGRESS, AttemptAnswer, Question, Quiz, QuizAttempt
from lms.quizzes.operations.closing import QUIZ_GRADED, set_final
from lms.quizzes.types import QUESTION_TYPES

MAX_FEEDBACK = 20_000


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
                                 path_for("quizzes.grade_essay", answer_id=answer_id))
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
    """An answer a tutor grades, for a grader of its trainee."""
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
    if not QUESTION_TYPES[question.qtype].graded_by_tutor:
        raise NotFound()
    return EssayForGrading(answer, attempt, enrolment, quiz, question, session.get(User, enrolment.user_id),
                           _grader_of(session, answer))


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
    set_final(attempt, quiz, sum((f or 0) * m for f, m, _n in rows), attempt.graded_at or now)
    session.flush()
    record_event(session, enrolment, QUIZ_GRADED, attempt.id)
