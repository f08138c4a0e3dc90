"""Rubric grading: a level per criterion, feedback, an outcome; corrections with a reason.

A grade takes the submission's next version: a tutor whose page showed an older version,
or who saves a moment after another (``submissions.save_if_first``), is refused with
``SubmissionChanged`` and shown the grade that was saved, so nothing is overwritten. Every
grading action goes to the audit log, before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core import audit
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _, localized
from lms.core.models import utcnow
from lms.courses.completion import record_event
from lms.tutors.models import (
    ACCEPTED,
    OUTCOMES,
    RETURNED,
    SUBMITTED,
    Assignment,
    Submission,
    SubmissionRound,
)
from lms.tutors.operations import notifications
from lms.tutors.operations.submissions import save_if_first

SUBMISSION_REVIEWED = "submission_reviewed"
MAX_FEEDBACK_LENGTH = 20_000
MAX_REASON_LENGTH = 2_000


# --- what a grade looks like ----------------------------------------------------------

def grade_snapshot(submission: Submission, round_: SubmissionRound | None = None) -> dict:
    """The grade as the audit log, a conflict message and the API show it."""
    round_ = round_ or submission.latest_round
    reviewed = round_ is not None and round_.is_reviewed
    return {
        "status": submission.status, "version": submission.version,
        "round": round_.number if round_ else None,
        "levels": round_.levels if reviewed else None,
        "score": round_.score if reviewed else None,
        "max_score": round_.max_score if reviewed else None,
        "outcome": round_.outcome if reviewed else None,
        "feedback": round_.feedback if reviewed else None,
        "due_on": round_.due_on.isoformat() if reviewed and round_.due_on else None,
        "reviewer_id": round_.reviewer_id if reviewed else None,
        "reviewer": round_.reviewer.full_name if reviewed and round_.reviewer else None,
        "reviewed_at": round_.reviewed_at.isoformat() if reviewed else None,
    }


class SubmissionChanged(Conflict):
    """Someone saved the submission after it was read; ``current`` is what they saved."""

    def __init__(self, message, submission: Submission):
        self.current = grade_snapshot(submission)
        super().__init__(message, payload={"current": self.current})


# --- grading ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Grade:
    scores: list[dict]
    score: int
    max_score: int
    feedback: str
    outcome: str
    due_on: date | None


def check_grade(assignment: Assignment, *, levels: dict, feedback: str | None, outcome: str | None,
                due_on: date | None, today: date) -> Grade:
    """A level for every criterion, feedback, an outcome, a due date for a resubmission."""
    errors: dict[str, list] = {}
    scores = []
    levels = levels or {}
    for criterion in assignment.criteria:
        slug = criterion["slug"]
        chosen = levels.get(slug)
        level = next((lv for lv in criterion["levels"] if chosen is not None and str(lv["points"]) == str(chosen)),
                     None)
        if level is None:
            errors[f"criterion_{slug}"] = [_("Choose a level for “{criterion}”.").format(
                criterion=localized(criterion["title"]))]
            continue
        scores.append({"slug": slug, "title": criterion["title"], "points": level["points"],
                       "max": criterion["levels"][-1]["points"], "level": level["title"]})
    unknown = set(levels) - {c["slug"] for c in assignment.criteria}
    if unknown:
        errors["levels"] = [_("Unknown criteria: {names}.").format(names=", ".join(sorted(map(str, unknown))))]
    feedback = (feedback or "").replace("\r\n", "\n").strip()
    if not feedback:
        errors["feedback"] = [_("Write feedback for the trainee.")]
    elif len(feedback) > MAX_FEEDBACK_LENGTH:
        errors["feedback"] = [_("The feedback is too long ({max} characters at most).").format(
            max=MAX_FEEDBACK_LENGTH)]
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("Choose an outcome: accepted, or resubmission requested.")]
    elif outcome == RETURNED:
        if due_on is None:
            errors["due_on"] = [_("Give a date by which the trainee should resubmit.")]
        elif due_on < today:
            errors["due_on"] = [_("The resubmission date cannot be in the past.")]
    if errors:
        raise ValidationFailed(errors)
    return Grade(scores, sum(s["points"] for s in scores), sum(s["max"] for s in scores), feedback, outcome,
                 due_on if outcome == RETURNED else None)


def _require_grader(tutor: User, submission: Submission) -> None:
    if not submission.enrolment.can_be_graded_by(tutor):
        # Not theirs to grade: say nothing about whether it exists, unless they may read it.
        if submission.enrolment.can_be_read_by(tutor):
            raise NotAllowed(_("Only a tutor of the trainee's group grades this work."))
        raise NotFound()


def _apply(submission: Submission, round_: SubmissionRound, grade: Grade, tutor: User) -> None:
    now = utcnow()
    round_.scores = grade.scores
    round_.score, round_.max_score = grade.score, grade.max_score
    round_.feedback = grade.feedback
    round_.outcome = grade.outcome
    round_.due_on = grade.due_on
    round_.reviewer_id = tutor.id
    round_.reviewed_at = round_.reviewed_at or now
    submission.status = grade.outcome
    submission.score, submission.max_score = grade.score, grade.max_score
    submission.due_on = grade.due_on
    submission.reviewed_at = now
    submission.updated_at = now


def _reviewed(session: Session, submission: Submission) -> None:
    """Report the review to ``courses`` so completion is decided in this transaction."""
    enrolment = submission.enrolment
    last_activity = enrolment.last_activity_at
    record_event(session, enrolment, SUBMISSION_REVIEWED, submission.id)
    # The review is the tutor's doing: "last activity" stays the trainee's own.
    enrolment.last_activity_at = last_activity


def grade_submission(session: Session, tutor: User, submission: Submission, *, version: int,
                     levels: dict, feedback: str | None, outcome: str | None,
                     due_on: date | None) -> SubmissionRound:
    """Grade the round awaiting review; refused if anyone saved since ``version`` was read."""
    _require_grader(tutor, submission)
    changed = _("Another tutor saved a grade for this work while you were grading it. Their grade is "
                "shown here; yours was not saved. To change it, correct the grade and give a reason.")
    if submission.version != version:
        raise SubmissionChanged(changed, submission)
    if submission.status != SUBMITTED:
        raise Conflict(_("This work is not awaiting review."))
    grade = check_grade(submission.assignment, levels=levels, feedback=feedback, outcome=outcome,
                        due_on=due_on, today=utcnow().date())
    round_ = submission.latest_round
    before = grade_snapshot(submission, round_)
    if not save_if_first(session, submission, lambda: _apply(submission, round_, grade, tutor)):
        raise SubmissionChanged(changed, submission)
    audit.record(session, actor_id=tutor.id, action="submission.graded", subject_type="submission",
                 subject_id=submission.id, before=before, after=grade_snapshot(submission, round_))
    _reviewed(session, submission)
    notifications.notify_graded(session, submission, round_)
    return round_


def correct_grade(session: Session, tutor: User, submission: Submission, *, version: int, levels: dict,
                  feedback: str | None, outcome: str | None, due_on: date | None,
                  reason: str | None) -> SubmissionRound:
    """Change the latest grade; a reason is required and logged with before and after."""
    _require_grader(tutor, submission)
    if submission.version != version:
        raise SubmissionChanged(_("This work changed while you were correcting its grade. The current "
                                  "grade is shown here; your correction was not saved."), submission)
    round_ = submission.latest_round
    if submission.status not in (ACCEPTED, RETURNED) or round_ is None or not round_.is_reviewed:
        raise Conflict(_("Only a graded piece of work can have its grade corrected."))
    reason = " ".join((reason or "").split())
    errors: dict = {}
    if not reason:
        errors["reason"] = [_("Say why the grade is corrected.")]
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = [_("The reason is too long ({max} characters at most).").format(max=MAX_REASON_LENGTH)]
    try:
        grade = check_grade(submission.assignment, levels=levels, feedback=feedback, outcome=outcome,
                            due_on=due_on, today=utcnow().date())
    except ValidationFailed as exc:
        raise ValidationFailed({**exc.errors, **errors}) from None
    if errors:
        raise ValidationFailed(errors)
    if (round_.outcome == ACCEPTED and grade.outcome != ACCEPTED
            and submission.enrolment.completed_at is not None):
        raise ValidationFailed(_("The trainee has completed the course with this work accepted; the "
                                 "outcome can no longer be changed."), field="outcome")
    before = grade_snapshot(submission, round_)

    def correct() -> None:
        _apply(submission, round_, grade, tutor)
        round_.corrected_at = utcnow()

    if not save_if_first(session, submission, correct):
        raise SubmissionChanged(_("This work changed while you were correcting its grade. The current "
                                  "grade is shown here; your correction was not saved."), submission)
    after = grade_snapshot(submission, round_)
    audit.record(session, actor_id=tutor.id, action="submission.grade_corrected", subject_type="submission",
                 subject_id=submission.id, before=before, after=after, reason=reason)
    if before["outcome"] != after["outcome"]:
        _reviewed(session, submission)
    notifications.notify_graded(session, submission, round_, corrected=True)
    return round_


def audit_trail(session: Session, viewer: User, submission: Submission) -> list:
    """The grading log of a submission: for managers of the trainee's group."""
    if not may_read_audit_trail(submission, viewer):
        raise NotAllowed()
    return audit.entries_for(session, "submission", submission.id)


def may_read_audit_trail(submission: Submission, viewer: User) -> bool:
    """The managers of the trainee's group read its grading log."""
    membership = submission.membership
    return membership is not None and membership.cohort.can_be_managed_by(viewer)


def audit_trail_with_names(session: Session, viewer: User, submission: Submission) -> list[tuple[object, str]]:
    """The grading log with the name of who did each thing; empty for those who may not read it."""
    if not may_read_audit_trail(submission, viewer):
        return []
    log = audit.entries_for(session, "submission", submission.id)
    actor_ids = {entry.actor_id for entry in log if entry.actor_id}
    names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(actor_ids))).all()) \
        if actor_ids else {}
    return [(entry, names.get(entry.actor_id, "")) for entry in log]
