"""JSON API of case studies: reading them, the trainee's drafts, submissions and attached files."""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import api_blueprint, authenticated
from lms.extensions import db
from lms.tutors.models import Submission
from lms.tutors.operations import submissions
from lms.tutors.operations.case_studies import (
    assignment_by_id,
    course_by_slug,
    course_case_studies,
    read_case_study,
)
from lms.tutors.schemas import (
    AssignmentSchema,
    DraftInSchema,
    FileInSchema,
    SubmissionDetailSchema,
    SubmissionSchema,
    SubmitInSchema,
)
from lms.tutors.views.case_studies import send_attachment

blp = api_blueprint("case_studies_api", __name__, "Case studies: reading them, your drafts, submissions and "
                                                  "attached files.")

NOT_YOURS = "No such item, or not yours to see."


@blp.get("/me/submissions")
@authenticated
@blp.response(200, SubmissionSchema(many=True))
def my_submissions():
    """Your case-study submissions, in every course."""
    return submissions.submissions_of(db.session, current_user)


@blp.get("/courses/<slug>/assignments")
@authenticated
@blp.response(200, AssignmentSchema(many=True))
@blp.alt_response(403, description="Not a member of a group of this course.")
@blp.alt_response(404, description="No such course.")
def course_assignments(slug: str):
    """A course's case studies with their rubrics and your submission of each."""
    return course_case_studies(db.session, current_user, course_by_slug(db.session, slug))


@blp.get("/assignments/<int:assignment_id>")
@authenticated
@blp.response(200, AssignmentSchema)
@blp.alt_response(403, description="Not a member of a group of this course.")
@blp.alt_response(404, description="No such assignment.")
def get_assignment(assignment_id: int):
    """A case study in your group's language (else yours), its rubric and your submission."""
    return read_case_study(db.session, current_user, assignment_by_id(db.session, assignment_id))


@blp.put("/assignments/<int:assignment_id>/draft")
@authenticated
@blp.arguments(DraftInSchema)
@blp.response(200, SubmissionSchema)
@blp.alt_response(403, description="Not an active member of a group of this course.")
@blp.alt_response(404, description="No such assignment.")
@blp.alt_response(409, description="Submitted and awaiting review, or accepted: not editable; or saved since "
                                   "`version` was read.")
@blp.alt_response(422, description="Too long.")
def save_draft(data, assignment_id: int):
    """Save your response as a draft (Markdown)."""
    return submissions.save_draft(db.session, current_user, assignment_by_id(db.session, assignment_id),
                                  body=data["body"], version=data["version"])


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
    submission, changed = submissions.submit(db.session, current_user, assignment_by_id(db.session, assignment_id),
                                             body=data.get("body"))
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
    attachment = submissions.add_attachment(db.session, current_user, assignment_by_id(db.session, assignment_id),
                                            filename=upload.filename, stream=upload.stream)
    return db.session.get(Submission, attachment.submission_id)


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
    return submissions.remove_attachment(db.session, current_user, attachment_id)
