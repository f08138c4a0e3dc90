"""The trainee's side of a case study: drafts, submitting rounds, attached files.

A submission has a version (``version_id_col``): every change to it counts it up, and a
save that read an older version is refused — a draft saved from a stale window
(``expect_version``), or the second of two saves at the same moment (``save_if_first``),
which is also what stops a second tutor from overwriting a grade (``grading``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lms.accounts.models import User
from lms.core.concurrency import expect_version
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.markdown import render_markdown
from lms.core.models import utcnow
from lms.courses.annexes import hidden_modules
from lms.courses.completion import record_event
from lms.courses.models import Enrolment
from lms.courses.operations import enrolment_of
from lms.tutors import uploads
from lms.tutors.models import (
    ACCEPTED,
    DRAFT,
    SUBMITTED,
    Assignment,
    Attachment,
    AttachmentContent,
    Submission,
    SubmissionRound,
)
from lms.tutors.operations import notifications
from lms.tutors.operations.case_studies import submission_of
from lms.tutors.operations.membership import membership_of

SUBMISSION_SUBMITTED = "submission_submitted"
MAX_BODY_LENGTH = 100_000
MAX_ATTACHMENTS = 5


# --- lookups ---------------------------------------------------------------------------

def submission_for_viewer(session: Session, viewer: User, submission_id: int) -> Submission:
    """A submission its trainee, their tutors or their managers may read; 404 for anyone else."""
    submission = session.get(Submission, submission_id)
    if submission is None or not submission.enrolment.can_be_read_by(viewer):
        raise NotFound()
    return submission


def submissions_of(session: Session, user: User) -> list[Submission]:
    """The trainee's submissions in every course, the latest changed first."""
    return list(session.scalars(
        select(Submission).join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(Enrolment.user_id == user.id).order_by(Submission.updated_at.desc())))


def active_attachments(session: Session, submission_id: int) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(
        Attachment.submission_id == submission_id, Attachment.removed_at.is_(None)).order_by(Attachment.id)))


def trainee_enrolment(session: Session, user: User, assignment: Assignment) -> Enrolment:
    """The enrolment through which ``user`` works on ``assignment``: active, in an active group."""
    enrolment = enrolment_of(session, user, assignment.course_id)
    membership = membership_of(session, enrolment.id) if enrolment is not None else None
    if enrolment is None or not enrolment.is_active or membership is None or not membership.is_active:
        raise NotAllowed(_("Case studies are submitted by the members of a tutored group of this course."))
    if assignment.module_id in hidden_modules(session, enrolment):
        raise NotFound()  # another beneficiary's national annex: not there for this trainee
    return enrolment


# --- two saves at once -----------------------------------------------------------------

def save_if_first(session: Session, submission: Submission, change: Callable[[], None]) -> bool:
    """Make ``change`` to the submission and save it, unless another transaction saved the
    submission since it was read: then nothing of ``change`` is kept, the submission is read
    again as the other transaction left it, and the answer is False.

    ``change`` runs in a SAVEPOINT, so the UPDATE that finds the version moved on
    (``StaleDataError``) undoes only it, and the caller can still say what it found.
    """
    try:
        with session.begin_nested():
            change()
            session.flush()
    except StaleDataError:
        session.refresh(submission)
        for round_ in submission.rounds:
            session.expire(round_)
        return False
    return True


# --- the trainee's side ----------------------------------------------------------------

def _clean_body(body: str | None) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationFailed(_("The response is too long ({max} characters at most).").format(
            max=MAX_BODY_LENGTH), field="body")
    return body


def _working_submission(session: Session, assignment: Assignment, enrolment: Enrolment) -> Submission:
    return _found_or_made(session, assignment, enrolment)[0]


def _found_or_made(session: Session, assignment: Assignment, enrolment: Enrolment) -> tuple[Submission, bool]:
    """The trainee's submission of ``assignment``, and whether this call made it (an empty draft)."""
    submission = submission_of(session, enrolment.id, assignment.id)
    if submission is not None:
        return submission, False
    now = utcnow()
    try:
        with session.begin_nested():
            submission = Submission(assignment_id=assignment.id, enrolment_id=enrolment.id, status=DRAFT,
                                    body="", rounds_submitted=0, created_at=now, updated_at=now)
            session.add(submission)
    except IntegrityError:
        # Made by a concurrent request: what it saved is not this call's to overwrite unseen.
        return submission_of(session, enrolment.id, assignment.id), False
    return submission, True


def _require_editable(submission: Submission) -> None:
    if submission.status == SUBMITTED:
        raise Conflict(_("Your work has been submitted and is awaiting review; it cannot be changed now."))
    if submission.status == ACCEPTED:
        raise Conflict(_("Your work has been accepted; it can no longer be changed."))


def save_draft(session: Session, user: User, assignment: Assignment, *, body: str | None,
               version: int | None = None) -> Submission:
    """Keep the trainee's text as a draft (nothing is sent to the tutors).

    ``version`` is the submission's version the trainee's page or app read (0: there was no
    submission yet; None: not said): work saved since, in another window, is not overwritten.
    """
    enrolment = trainee_enrolment(session, user, assignment)
    body = _clean_body(body)
    submission, made_now = _found_or_made(session, assignment, enrolment)
    _require_editable(submission)
    if not made_now:
        expect_version(submission, version,
                       _("Your work was changed in another window. Reload the page and try again."))
    if submission.body != body:
        submission.body = body
        submission.updated_at = utcnow()
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
    text = _clean_body(body) if body is not None else submission.body
    attachments = active_attachments(session, submission.id)
    if not text and not attachments:
        raise ValidationFailed(_("Write your response or attach a file before submitting."), field="body")
    now = utcnow()
    number = submission.rounds_submitted + 1

    def new_round() -> None:
        submission.body = text
        submission.rounds.append(SubmissionRound(
            number=number, body=text, html=render_markdown(text), attachment_ids=[a.id for a in attachments],
            submitted_at=now))
        submission.status = SUBMITTED
        submission.rounds_submitted = number
        submission.submitted_at = now
        submission.updated_at = now

    if not save_if_first(session, submission, new_round):
        if submission.status == SUBMITTED:
            return submission, False  # the same submit, arriving twice
        raise Conflict(_("Your work was changed in another window. Reload the page and try again."))
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
                            file_type=checked.file_type.key, content_type=checked.file_type.content_type,
                            size=len(checked.data), uploaded_at=utcnow(),
                            content=AttachmentContent(data=checked.data))
    session.add(attachment)
    submission.updated_at = utcnow()
    session.flush()
    session.expire(submission, ["attachments"])
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
        session.delete(attachment)  # its content goes with it (ON DELETE CASCADE)
    submission.updated_at = utcnow()
    session.flush()
    session.expire(submission, ["attachments"])
    return submission


def attachment_for_download(session: Session, viewer: User, attachment_id: int) -> Attachment:
    """The trainee, their tutors and their managers download; anyone else gets 404."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    submission_for_viewer(session, viewer, attachment.submission_id)
    return attachment


def work_on(session: Session, user: User, assignment: Assignment, *, body: str | None, version: int | None,
            remove_attachment_ids: list[int] = (), upload: tuple[str | None, object] | None = None,
            submit_now: bool = False) -> tuple[Submission, bool]:
    """The trainee's form in one step: keep the text, drop and add files, and maybe submit.

    ``version`` is the one the page showed (``save_draft``). Returns the submission and
    whether it was submitted by this call.
    """
    submission = save_draft(session, user, assignment, body=body, version=version)
    for attachment_id in remove_attachment_ids:
        remove_attachment(session, user, attachment_id)
    if upload is not None:
        filename, stream = upload
        add_attachment(session, user, assignment, filename=filename, stream=stream)
    if submit_now:
        return submit(session, user, assignment)
    return submission, False
