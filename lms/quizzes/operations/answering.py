"""Answering an attempt: answers saved as they go, then submitted, once.

After the deadline, the answers sent are refused and the attempt is submitted with what
was saved before (the outcome is ``late``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, update
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import Conflict, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.quizzes.deadlines import is_overdue
from lms.quizzes.models import IN_PROGRESS, QuizAttempt
from lms.quizzes.operations.answer_rows import answer_rows, update_answers
from lms.quizzes.operations.closing import finish_attempt
from lms.quizzes.operations.lookups import own_attempt
from lms.quizzes.types import QUESTION_TYPES


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


def _submitted_message() -> str:
    return _("This attempt has been submitted; its answers can no longer change.")


def form_responses(session: Session, attempt: QuizAttempt, form) -> dict:
    """An attempt page's form as ``{position: response}``: every question, answered or not."""
    return {answer.position: QUESTION_TYPES[qtype].from_form(form, f"q{answer.position}", definition)
            for answer, qtype, definition in answer_rows(session, attempt.id)}


def clean_responses(rows: list[Row], responses: dict) -> dict[int, dict | None]:
    """Check what the trainee sent, by question position; every problem at once."""
    by_position = {answer.position: (qtype, definition) for answer, qtype, definition in rows}
    cleaned, errors = {}, {}
    for position, raw in responses.items():
        try:
            number = int(position)
        except (TypeError, ValueError):
            number, position_shown = None, position
        else:
            position_shown = number
        if number not in by_position:
            errors[f"answers.{position_shown}"] = [_("There is no question {position} in this attempt.").format(
                position=position_shown)]
            continue
        qtype, definition = by_position[number]
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
        raise Conflict(_submitted_message())
    if is_overdue(attempt.deadline_at, now):
        finish_attempt(session, attempt, now, by_deadline=True)
        return Outcome(attempt, late=True)
    rows = answer_rows(session, attempt.id)
    if not _write_responses(session, attempt, rows, clean_responses(rows, responses), now):
        raise Conflict(_submitted_message())
    return Outcome(attempt)


def submit_attempt(session: Session, user: User, attempt_id: int, responses: dict | None = None) -> Outcome:
    """Submit and grade an attempt, once: repeating it returns the same result."""
    attempt, _enrolment = own_attempt(session, user, attempt_id)
    now = utcnow()
    if attempt.state != IN_PROGRESS:
        return Outcome(attempt, late=attempt.closed_by_deadline, already_submitted=True)
    if is_overdue(attempt.deadline_at, now):
        closed = finish_attempt(session, attempt, now, by_deadline=True)
        return Outcome(attempt, late=True, already_submitted=not closed)
    if responses:
        rows = answer_rows(session, attempt.id)
        if not _write_responses(session, attempt, rows, clean_responses(rows, responses), now):
            return Outcome(attempt, late=attempt.closed_by_deadline, already_submitted=True)
    closed = finish_attempt(session, attempt, now, by_deadline=False)
    return Outcome(attempt, late=attempt.closed_by_deadline, already_submitted=not closed)


def _write_responses(session: Session, attempt: QuizAttempt, rows: list[Row], cleaned: dict, now: datetime) -> bool:
    """Write the cleaned responses; False when the attempt was submitted meanwhile (nothing written)."""
    # Touching the attempt row first takes its lock: a submit running at the same moment
    # either finishes before (and this save is refused) or waits until this save is in.
    claimed = session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                                        QuizAttempt.state == IN_PROGRESS)
                              .values(last_saved_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.refresh(attempt)
        return False
    update_answers(session, rows, [{"id": answer.id, "response": cleaned[answer.position], "saved_at": now}
                                   for answer, _qtype, _definition in rows
                                   if answer.position in cleaned and cleaned[answer.position] != answer.response])
    session.expire(attempt, ["last_saved_at"])
    return True
