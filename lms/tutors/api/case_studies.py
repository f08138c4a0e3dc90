"""JSON API of case studies: reading them, the trainee's drafts, submissions and attached files."""

from __future__ import annotations

from types import SimpleNamespace

from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from lms.core.api import api_blueprint, authenticated
from lms.core.errors import NotAllowed, NotFound
from lms.courses.extension_points import details_of
from lms.courses.models import Course, Enrolment
from lms.courses.operations import enrolment_of
from lms.extensions import db
from lms.tutors.models import Assignment, Submission
from lms.tutors.operations import submissions
from lms.tutors.operations.membership import cohort_of_enrolment
from lms.tutors.schemas import (
    AssignmentSchema,
    DraftInSchema,
    FileInSchema,
    SubmissionDetailSchema,
    SubmissionSchema,
    SubmitInSchema,
)
from lms.tutors.views.case_studies import scenario_language, send_attachment

blp = api_blueprint("case_studies_api", __name__, "Case studies: reading them, your drafts, submissions and "
                                                  "attached files.")

NOT_YOURS = "No such item, or not yours to see."


def _assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.is_retired:
        raise NotFound()
    return assignment


def _attachment_body(attachment) -> dict:
    return {"id": attachment.id, "original_name": attachment.original_name, "file_type": attachment.file_type,
            "size": attachment.size, "uploaded_at": attachment.uploaded_at,
            "removed": attachment.removed_at is not None,
            "url": url_for("case_studies_api.download_attachment", attachment_id=attachment.id)}


@blp.get("/me/submissions")
@authenticated
@blp.response(200, SubmissionSchema(many=True))
def my_submissions():
    """Your case-study submissions, in every course."""
    return list(db.session.scalars(
        select(Submission).join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(Enrolment.user_id == current_user.id).order_by(Submission.updated_at.desc())))


@blp.get("/courses/<slug>/assignments")
@authenticated
@blp.response(200, AssignmentSchema(many=True))
@blp.alt_response(403, description="Not a member of a group of this course.")
@blp.alt_response(404, description="No such course.")
def course_assignments(slug: str):
    """A course's case studies with their rubrics and your submission of each."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound()
    assignments = list(db.session.scalars(select(Assignment).where(
        Assignment.course_id == course.id, Assignment.is_retired.is_(False)).order_by(Assignment.position)))
    return [_assignment_body(a) for a in assignments]


def _assignment_body(assignment: Assignment) -> dict:
    enrolment = enrolment_of(db.session, current_user, assignment.course_id)
    if enrolment is None and not assignment.course.can_be_previewed_by(current_user):
        raise NotAllowed()
    language = scenario_language(assignment, details_of(db.session, enrolment).get("language") if enrolment else None)
    return {"id": assignment.id, "slug": assignment.slug, "course": assignment.course.slug,
            "module": assignment.module.slug,
            "title": assignment.title, "max_points": assignment.max_points, "language": language,
            "scenario_html": (assignment.scenario_html or {}).get(language, ""), "criteria": assignment.criteria,
            "submission": submissions.submission_of(db.session, enrolment.id, assignment.id) if enrolment else None}


@blp.get("/assignments/<int:assignment_id>")
@authenticated
@blp.response(200, AssignmentSchema)
@blp.alt_response(403, description="Not a member of a group of this course.")
@blp.alt_response(404, description="No such assignment.")
def get_assignment(assignment_id: int):
    """A case study in your group's language (else yours), its rubric and your submission."""
    return _assignment_body(_assignment(assignment_id))


@blp.put("/assignments/<int:assignment_id>/draft")
@authenticated
@blp.arguments(DraftInSchema)
@blp.response(200, SubmissionSchema)
@blp.alt_response(403, description="Not an active member of a group of this course.")
@blp.alt_response(404, description="No such assignment.")
@blp.alt_response(409, description="Submitted and awaiting review, or accepted: not editable.")
@blp.alt_response(422, description="Too long.")
def save_draft(data, assignment_id: int):
    """Save your response as a draft (Markdown)."""
    submission = submissions.save_draft(db.session, current_user, _assignment(assignment_id), body=data["body"])
    db.session.commit()
    return submission


@blp.post("/assignments/<int:assignment_id>/submission")
@authenticated
@blp.arguments(SubmitInSchema)
@blp.response(201, SubmissionSchema)
@blp.alt_response(200, schema=SubmissionSchema, description="Already submitted: nothing changed.")
@blp.alt_response(403, description="Not an active member of a group of this course.")
@blp.alt_response(404, description="No such assignment.")
@blp.alt_response(409, description="Accepted already.")
@blp.alt_response(422, description="Nothing to submit.")
def submit(data, assignment_id: int):
    """Submit your work for review (a new round after a resubmission request)."""
    submission, changed = submissions.submit(db.session, current_user, _assignment(assignment_id),
                                         body=data.get("body"))
    db.session.commit()
    return submission, 201 if changed else 200


@blp.post("/assignments/<int:assignment_id>/attachments")
@authenticated
@blp.arguments(FileInSchema, location="files")
@blp.response(201, SubmissionDetailSchema)
@blp.alt_response(403, description="Not an active member of a group of this course.")
@blp.alt_response(404, description="No such assignment.")
@blp.alt_response(409, description="Not editable now.")
@blp.alt_response(413, description="Too large.")
@blp.alt_response(422, description="Type not accepted, content not matching its name, or a bad file name.")
def add_attachment(files, assignment_id: int):
    """Attach a file to your draft (multipart form field `file`)."""
    upload = files["file"]
    attachment = submissions.add_attachment(db.session, current_user, _assignment(assignment_id),
                                        filename=upload.filename, stream=upload.stream)
    db.session.commit()
    return _detail(db.session.get(Submission, attachment.submission_id))


@blp.get("/attachments/<int:attachment_id>")
@authenticated
@blp.response(200, description="The file, as an attachment.", content_type="application/octet-stream")
@blp.alt_response(404, description=NOT_YOURS)
def download_attachment(attachment_id: int):
    """Download an attached file: its trainee, their tutors and their managers."""
    return send_attachment(submissions.attachment_for_download(db.session, current_user, attachment_id))


@blp.delete("/attachments/<int:attachment_id>")
@authenticated
@blp.response(200, SubmissionDetailSchema)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, description="The work is awaiting review or accepted: not editable.")
def remove_attachment(attachment_id: int):
    """Remove a file from your draft (a file of a submitted round stays in that round's history)."""
    submission = submissions.remove_attachment(db.session, current_user, attachment_id)
    db.session.commit()
    return _detail(submission)



def _detail(submission) -> SimpleNamespace:
    """The submission's own fields, plus its trainee, group, rounds and files."""
    cohort = cohort_of_enrolment(db.session, submission.enrolment_id)
    attachments = submissions.attachments_by_id(db.session, submission.id)
    fields = {name: getattr(submission, name) for name in SubmissionSchema().fields
              if name not in ("assignment_title", "course")}
    return SimpleNamespace(**fields, enrolment=submission.enrolment, trainee=submission.enrolment.user.full_name,
                           cohort=cohort.name if cohort else None, rounds=submission.rounds,
                           attachments=[_attachment_body(a) for a in attachments.values()])
