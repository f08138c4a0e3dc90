"""Submission rules: drafts, submitting, attachments, rubric grading and grade corrections.

Every change to a submission takes its next ``version`` with a conditional UPDATE; a save
based on an older version is refused with Conflict, so a second tutor never overwrites
the first one's grade. Every grading action goes to the audit log with before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.models import User
from lms.core import audit
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _, localized
from lms.core.markdown import render_markdown
from lms.core.models import utcnow
from lms.courses.access import can_grade
from lms.courses.completion import record_event
from lms.courses.models import Course, Enrolment
from lms.courses.operations import enrolment_of
from lms.tutors import notifications, uploads
from lms.tutors.models import (
    ACCEPTED,
    DRAFT,
    OUTCOMES,
    RETURNED,
    SUBMITTED,
    Assignment,
    Attachment,
    Submission,
    SubmissionRound,
)
from lms.tutors.operations import membership_of

SUBMISSION_SUBMITTED = "submission_submitted"
SUBMISSION_REVIEWED = "submission_reviewed"
MAX_BODY_LENGTH = 100_000
MAX_FEEDBACK_LENGTH = 20_000
MAX_REASON_LENGTH = 2_000
MAX_ATTACHMENTS = 5


# --- lookups ---------------------------------------------------------------------------

def assignment_by_slugs(session: Session, course_slug: str, assignment_slug: str) -> Assignment:
    assignment = session.scalar(
        select(Assignment).join(Course, Course.id == Assignment.course_id)
        .where(Course.slug == course_slug, Assignment.slug == assignment_slug,
               Assignment.is_retired.is_(False)))
    if assignment is None:
        raise NotFound()
    return assignment


def submission_of(session: Session, enrolment_id: int, assignment_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(
        Submission.enrolment_id == enrolment_id, Submission.assignment_id == assignment_id))


def submission_for_viewer(session: Session, viewer: User, submission_id: int) -> Submission:
    """A submission its trainee, their tutors or their managers may read; 404 for anyone else."""
    submission = session.get(Submission, submission_id)
    if submission is None or not submission.enrolment.can_be_read_by(viewer):
        raise NotFound()
    return submission


def latest_round(submission: Submission) -> SubmissionRound | None:
    return submission.rounds[-1] if submission.rounds else None


def active_attachments(session: Session, submission_id: int) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(
        Attachment.submission_id == submission_id, Attachment.removed_at.is_(None)).order_by(Attachment.id)))


def attachments_by_id(session: Session, submission_id: int) -> dict[int, Attachment]:
    return {a.id: a for a in session.scalars(select(Attachment).where(Attachment.submission_id == submission_id))}


def trainee_enrolment(session: Session, user: User, assignment: Assignment) -> Enrolment:
    """The enrolment through which ``user`` works on ``assignment``: active, in an active group."""
    enrolment = enrolment_of(session, user, assignment.course_id)
    membership = membership_of(session, enrolment.id) if enrolment is not None else None
    if enrolment is None or not enrolment.is_active or membership is None or not membership.is_active:
        raise NotAllowed(_("Case studies are submitted by the members of a tutored group of this course."))
    return enrolment


# --- versions --------------------------------------------------------------------------

def grade_snapshot(submission: Submission, round_: SubmissionRound | None = None) -> dict:
    """The grade as the audit log, a conflict message and the API show it."""
    round_ = round_ or latest_round(submission)
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


def _take_version(session: Session, submission: Submission, expected: int) -> bool:
    """Atomically move the submission from ``expected`` to the next version; False if it moved already."""
    session.flush()
    result = session.execute(
        update(Submission).where(Submission.id == submission.id, Submission.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.expire(submission)
        for round_ in list(submission.rounds):
            session.expire(round_)
        return False
    set_committed_value(submission, "version", expected + 1)
    return True


# --- the trainee's side ----------------------------------------------------------------

def _clean_body(body: str | None) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationFailed(_("The response is too long ({max} characters at most).").format(
            max=MAX_BODY_LENGTH), field="body")
    return body


def _working_submission(session: Session, assignment: Assignment, enrolment: Enrolment) -> Submission:
    submission = submission_of(session, enrolment.id, assignment.id)
    if submission is not None:
        return submission
    now = utcnow()
    try:
        with session.begin_nested():
            submission = Submission(assignment_id=assignment.id, enrolment_id=enrolment.id, status=DRAFT,
                                    body="", rounds_submitted=0, created_at=now, updated_at=now, version=1)
            session.add(submission)
    except IntegrityError:
        submission = submission_of(session, enrolment.id, assignment.id)  # made by a concurrent request
    return submission


def _require_editable(submission: Submission) -> None:
    if submission.status == SUBMITTED:
        raise Conflict(_("Your work has been submitted and is awaiting review; it cannot be changed now."))
    if submission.status == ACCEPTED:
        raise Conflict(_("Your work has been accepted; it can no longer be changed."))


def save_draft(session: Session, user: User, assignment: Assignment, *, body: str | None) -> Submission:
    """Keep the trainee's text as a draft (nothing is sent to the tutors)."""
    enrolment = trainee_enrolment(session, user, assignment)
    body = _clean_body(body)
    submission = _working_submission(session, assignment, enrolment)
    _require_editable(submission)
    if submission.body != body:
        submission.body = body
        submission.updated_at = utcnow()
        submission.version += 1
    enrolment.last_activity_at = utcnow()
    session.flush()
    return submission


def submit(session: Session, user: User, assignment: Assignment, *, body: str | None = None
           ) -> tuple[Submission, bool]:
    """Submit the draft (with ``body`` if given) as a new round; a repeated click changes nothing."""
    enrolment = trainee_enrolment(session, user, assignment)
    submission = _working_submission(session, assignment, enrolment)
    if submission.status == SUBMITTED:
        return submission, False
    _require_editable(submission)
    if body is not None:
        submission.body = _clean_body(body)
    attachments = active_attachments(session, submission.id)
    if not submission.body and not attachments:
        raise ValidationFailed(_("Write your response or attach a file before submitting."), field="body")
    if not _take_version(session, submission, submission.version):
        session.refresh(submission)
        if submission.status == SUBMITTED:
            return submission, False  # the same submit, arriving twice
        raise Conflict(_("Your work was changed in another window. Reload the page and try again."))
    now = utcnow()
    number = submission.rounds_submitted + 1
    submission.rounds.append(SubmissionRound(
        number=number, body=submission.body, html=render_markdown(submission.body),
        attachment_ids=[a.id for a in attachments], submitted_at=now))
    submission.status = SUBMITTED
    submission.rounds_submitted = number
    submission.submitted_at = now
    submission.updated_at = now
    session.flush()
    record_event(session, enrolment, SUBMISSION_SUBMITTED, submission.id, evaluate=False)
    notifications.notify_new_work(session, submission)
    return submission, True


def add_attachment(session: Session, user: User, assignment: Assignment, *, filename: str | None,
                   stream) -> Attachment:
    enrolment = trainee_enrolment(session, user, assignment)
    checked = uploads.check_file(filename, stream)
    submission = _working_submission(session, assignment, enrolment)
    _require_editable(submission)
    if len(active_attachments(session, submission.id)) >= MAX_ATTACHMENTS:
        raise ValidationFailed(_("You can attach at most {count} files. Remove one first.").format(
            count=MAX_ATTACHMENTS), field="file")
    attachment = Attachment(submission_id=submission.id, original_name=checked.name,
                            stored_name=uploads.store(session, checked.data), file_type=checked.file_type.key,
                            content_type=checked.file_type.content_type, size=len(checked.data),
                            uploaded_at=utcnow())
    session.add(attachment)
    submission.updated_at = utcnow()
    submission.version += 1
    session.flush()
    return attachment


def remove_attachment(session: Session, user: User, attachment_id: int) -> Submission:
    attachment = session.get(Attachment, attachment_id)
    submission = session.get(Submission, attachment.submission_id) if attachment else None
    if submission is None or submission.enrolment.user_id != user.id or attachment.removed_at is not None:
        raise NotFound()
    trainee_enrolment(session, user, submission.assignment)
    _require_editable(submission)
    submitted = any(attachment.id in (r.attachment_ids or []) for r in submission.rounds)
    if submitted:
        attachment.removed_at = utcnow()  # a past round still shows it
    else:
        uploads.discard(session, attachment.stored_name)
        session.delete(attachment)
    submission.updated_at = utcnow()
    submission.version += 1
    session.flush()
    return submission


def attachment_for_download(session: Session, viewer: User, attachment_id: int) -> Attachment:
    """The trainee, their tutors and their managers download; anyone else gets 404."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    submission_for_viewer(session, viewer, attachment.submission_id)
    return attachment


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
    if not can_grade(tutor, submission.enrolment):
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
    if not _take_version(session, submission, version):
        raise SubmissionChanged(changed, submission)
    round_ = latest_round(submission)
    before = grade_snapshot(submission, round_)
    _apply(submission, round_, grade, tutor)
    session.flush()
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
    round_ = latest_round(submission)
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
    if not _take_version(session, submission, version):
        raise SubmissionChanged(_("This work changed while you were correcting its grade. The current "
                                  "grade is shown here; your correction was not saved."), submission)
    before = grade_snapshot(submission, round_)
    _apply(submission, round_, grade, tutor)
    round_.corrected_at = utcnow()
    session.flush()
    after = grade_snapshot(submission, round_)
    audit.record(session, actor_id=tutor.id, action="submission.grade_corrected", subject_type="submission",
                 subject_id=submission.id, before=before, after=after, reason=reason)
    if before["outcome"] != after["outcome"]:
        _reviewed(session, submission)
    notifications.notify_graded(session, submission, round_, corrected=True)
    return round_


def audit_trail(session: Session, viewer: User, submission: Submission) -> list:
    """The grading log of a submission: for managers of the trainee's group."""
    from lms.tutors.operations import cohort_of_enrolment

    cohort = cohort_of_enrolment(session, submission.enrolment_id)
    if cohort is None or not cohort.can_be_managed_by(viewer):
        raise NotAllowed()
    return audit.entries_for(session, "submission", submission.id)


def work_on(session: Session, user: User, assignment: Assignment, *, body: str | None,
            remove_attachment_ids: list[int] = (), upload: tuple[str | None, object] | None = None,
            submit_now: bool = False) -> tuple[Submission, bool]:
    """The trainee's form in one step: keep the text, drop and add files, and maybe submit.

    Returns the submission and whether it was submitted by this call.
    """
    submission = save_draft(session, user, assignment, body=body)
    for attachment_id in remove_attachment_ids:
        remove_attachment(session, user, attachment_id)
    if upload is not None:
        filename, stream = upload
        add_attachment(session, user, assignment, filename=filename, stream=stream)
    if submit_now:
        return submit(session, user, assignment)
    return submission, False
