"""JSON API of tutored groups: cohorts, joining with a key, submissions, the grading queue, grading."""

from __future__ import annotations

from types import SimpleNamespace

from flask import jsonify, url_for
from flask_login import current_user
from sqlalchemy import func, select

from lms.accounts.models import Beneficiary
from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import NotAllowed, NotFound, json_error
from lms.courses.extension_points import details_of
from lms.courses.models import Course, Enrolment
from lms.courses.operations import enrolment_of
from lms.extensions import db
from lms.tutors import grading, submissions
from lms.tutors import operations as ops
from lms.tutors.assignment_views import scenario_language
from lms.tutors.models import MEMBER_ACTIVE, Assignment, Cohort, CohortMembership, Submission
from lms.tutors.progress import cohort_table
from lms.tutors.queue import ALL, GradingQueue
from lms.tutors.schemas import (
    AssignmentSchema,
    AuditEntrySchema,
    CohortInSchema,
    CohortPatchSchema,
    CohortSchema,
    CohortStaffSchema,
    ConflictSchema,
    CorrectionInSchema,
    CurrentGradeSchema,
    DraftInSchema,
    FileInSchema,
    GradeInSchema,
    JoinInSchema,
    MembershipSchema,
    QueueArgsSchema,
    QueueSchema,
    SubmissionDetailSchema,
    SubmissionSchema,
    SubmitInSchema,
    TraineeProgressSchema,
)
from lms.tutors.views import JOIN_LIMIT

blp = api_blueprint("tutors_api", __name__, "Tutored groups, case-study submissions and grading.")

NOT_YOURS = "No such item, or not yours to see."


# --- cohorts ---------------------------------------------------------------------------

class _StaffView:
    """A cohort with its number of active members, as CohortStaffSchema reads it."""

    def __init__(self, cohort: Cohort, members: int):
        self._cohort = cohort
        self.members = members

    def __getattr__(self, name):
        return getattr(self._cohort, name)


def _staff_body(cohort: Cohort) -> _StaffView:
    return _StaffView(cohort, ops.active_member_count(db.session, cohort.id))


def _fields_from(data: dict, cohort: Cohort | None = None) -> ops.CohortFields:
    def pick(key, current):
        return data.get(key, current)

    course_id = cohort.course_id if cohort else None
    if "course" in data:
        course_id = db.session.scalar(select(Course.id).where(Course.slug == data["course"])) or -1
    beneficiary_id = cohort.beneficiary_id if cohort else None
    if "beneficiary" in data:
        beneficiary_id = db.session.scalar(select(Beneficiary.id).where(
            Beneficiary.code == data["beneficiary"].upper())) or -1
    return ops.CohortFields(
        course_id=course_id, beneficiary_id=beneficiary_id,
        name=pick("name", cohort.name if cohort else ""), language=pick("language", cohort.language if cohort else ""),
        starts_on=pick("starts_on", cohort.starts_on if cohort else None),
        ends_on=pick("ends_on", cohort.ends_on if cohort else None),
        capacity=pick("capacity", cohort.capacity if cohort else None),
        tutor_ids=pick("tutor_ids", sorted(cohort.tutor_ids) if cohort else []),
        is_open=pick("is_open", cohort.is_open if cohort else True),
        allow_other_beneficiaries=pick("allow_other_beneficiaries",
                                       cohort.allow_other_beneficiaries if cohort else False))


@blp.get("/cohorts")
@authenticated
@blp.response(200, CohortStaffSchema(many=True))
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def list_cohorts():
    """Groups you tutor or manage, with keys and member counts; a trainee gets their own groups without them."""
    if current_user.is_tutor or current_user.is_manager or current_user.is_admin:
        cohorts = list(db.session.scalars(
            ops.visible_cohorts(current_user).order_by(Cohort.starts_on.desc(), Cohort.id)).unique())
        members = dict(db.session.execute(
            select(CohortMembership.cohort_id, func.count(CohortMembership.id))
            .where(CohortMembership.cohort_id.in_([c.id for c in cohorts]),
                   CohortMembership.status == MEMBER_ACTIVE)
            .group_by(CohortMembership.cohort_id)).all()) if cohorts else {}
        return [_StaffView(c, members.get(c.id, 0)) for c in cohorts]
    cohorts = db.session.scalars(
        select(Cohort).join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
        .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
        .where(Enrolment.user_id == current_user.id).order_by(Cohort.starts_on.desc()))
    # A trainee's view has no enrolment keys and no member counts.
    return jsonify(CohortSchema(many=True).dump(list(cohorts.unique())))


@blp.post("/cohorts")
@authenticated
@blp.arguments(CohortInSchema)
@blp.response(201, CohortStaffSchema)
@blp.alt_response(403, description="Not a manager, or a beneficiary outside your scope.")
@blp.alt_response(422, description="Invalid fields; `errors` says which.")
def create_cohort(data):
    """Create a tutored group (managers; a national manager only for their beneficiary)."""
    cohort = ops.create_cohort(db.session, current_user, _fields_from(data))
    db.session.commit()
    return _staff_body(cohort)


def _followed(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not cohort.can_be_followed_by(current_user):
        raise NotFound()
    return cohort


@blp.get("/cohorts/<int:cohort_id>")
@authenticated
@blp.response(200, CohortStaffSchema)
@blp.alt_response(404, description=NOT_YOURS)
def get_cohort(cohort_id: int):
    """A group you tutor or manage."""
    return _staff_body(_followed(cohort_id))


@blp.patch("/cohorts/<int:cohort_id>")
@authenticated
@blp.arguments(CohortPatchSchema)
@blp.response(200, CohortStaffSchema)
@blp.alt_response(403, description="Not a manager of this group's beneficiary.")
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, description="Someone else changed the group since `version` was read.")
@blp.alt_response(422, description="Invalid fields; `errors` says which.")
def update_cohort(data, cohort_id: int):
    """Change a group; fields left out keep their values."""
    cohort = _followed(cohort_id)
    ops.update_cohort(db.session, current_user, cohort, _fields_from(data, cohort), version=data["version"])
    db.session.commit()
    return _staff_body(cohort)


@blp.post("/cohorts/<int:cohort_id>/key")
@authenticated
@blp.response(200, CohortStaffSchema)
@blp.alt_response(403, description="Not a manager of this group's beneficiary.")
@blp.alt_response(404, description=NOT_YOURS)
def rotate_key(cohort_id: int):
    """Give the group a new enrolment key; the old one stops working."""
    cohort = _followed(cohort_id)
    ops.rotate_key(db.session, current_user, cohort)
    db.session.commit()
    return _staff_body(cohort)


@blp.get("/cohorts/<int:cohort_id>/progress")
@authenticated
@blp.response(200, TraineeProgressSchema(many=True))
@blp.alt_response(404, description=NOT_YOURS)
def cohort_progress(cohort_id: int):
    """Each member's progress per module, last activity and flags (tutors and managers)."""
    table = cohort_table(db.session, _followed(cohort_id))
    return [{
        "enrolment_id": row.enrolment_id, "user_id": row.user_id, "name": row.name, "email": row.email,
        "institution": row.institution, "status": row.status, "percent": row.percent,
        "completed_at": row.completed_at, "last_activity_at": row.last_activity_at,
        "behind_schedule": row.behind, "awaiting_review": row.awaiting,
        "modules": [{"module": module.slug, "lessons_done": row.cells[module.id].lessons_done,
                     "lessons_total": row.cells[module.id].lessons_total,
                     "results": row.cells[module.id].results,
                     "assignment_status": row.cells[module.id].assignment_status,
                     "score": row.cells[module.id].score, "max_score": row.cells[module.id].max_score,
                     "submission_id": row.cells[module.id].submission_id} for module in table.modules],
    } for row in table.rows]


@blp.post("/cohorts/join")
@authenticated
@JOIN_LIMIT
@blp.arguments(JoinInSchema)
@blp.response(201, MembershipSchema)
@blp.alt_response(200, schema=MembershipSchema, description="Already a member: the membership.")
@blp.alt_response(403, description="The group is closed, or for another beneficiary, or you were withdrawn.")
@blp.alt_response(409, description="The group is full, or you are in another group of the course.")
@blp.alt_response(422, description="Wrong key.")
@blp.alt_response(429, description="Too many attempts from this address: wait before trying again.")
def join(data):
    """Join a tutored group with its enrolment key."""
    membership, changed = ops.join_with_key(db.session, current_user, data["key"])
    db.session.commit()
    body = {"cohort": db.session.get(Cohort, membership.cohort_id), "enrolment_id": membership.enrolment_id,
            "status": membership.status, "joined_at": membership.joined_at}
    return body, 201 if changed else 200


# --- the trainee's work ----------------------------------------------------------------

def _assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.is_retired:
        raise NotFound()
    return assignment


def _attachment_body(attachment) -> dict:
    return {"id": attachment.id, "original_name": attachment.original_name, "file_type": attachment.file_type,
            "size": attachment.size, "uploaded_at": attachment.uploaded_at,
            "removed": attachment.removed_at is not None,
            "url": url_for("tutors_api.download_attachment", attachment_id=attachment.id)}


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
    from lms.tutors.assignment_views import send_attachment

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


# --- grading ---------------------------------------------------------------------------

def _detail(submission) -> SimpleNamespace:
    """The submission's own fields, plus its trainee, group, rounds and files."""
    cohort = ops.cohort_of_enrolment(db.session, submission.enrolment_id)
    attachments = submissions.attachments_by_id(db.session, submission.id)
    fields = {name: getattr(submission, name) for name in SubmissionSchema().fields
              if name not in ("assignment_title", "course")}
    return SimpleNamespace(**fields, enrolment=submission.enrolment, trainee=submission.enrolment.user.full_name,
                           cohort=cohort.name if cohort else None, rounds=submission.rounds,
                           attachments=[_attachment_body(a) for a in attachments.values()])


@blp.get("/tutor/queue")
@authenticated
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, QueueSchema)
@blp.alt_response(403, description="Not a tutor.")
def queue(args):
    """Work awaiting review in your groups, oldest first, with counts for each filter."""
    if not current_user.is_tutor:
        raise NotAllowed()
    grading_queue = GradingQueue(ops.tutored_cohort_ids(current_user), cohort_id=args["cohort"],
                                 module_id=args["module"], status=None if args["status"] == ALL else args["status"])
    counts = grading_queue.counts(db.session)
    page = grading_queue.page(db.session, page=args["page"], per_page=args["per_page"], total=counts.total)
    return {"items": [item.__dict__ for item in page.items], "total": page.total, "page": page.page,
            "pages": page.pages, "by_status": dict(counts.by_status),
            "by_cohort": {str(k): v for k, v in counts.by_cohort.items()},
            "by_module": {str(k): v for k, v in counts.by_module.items()}, "by_kind": dict(counts.by_kind)}


@blp.get("/submissions/<int:submission_id>")
@authenticated
@blp.response(200, SubmissionDetailSchema)
@blp.alt_response(404, description=NOT_YOURS)
def get_submission(submission_id: int):
    """A submission with every round and review: its trainee, their tutors and managers."""
    return _detail(submissions.submission_for_viewer(db.session, current_user, submission_id))


def _conflict(exc: grading.SubmissionChanged):
    return json_error(409, exc.errors, current=CurrentGradeSchema().dump(exc.current))


@blp.post("/submissions/<int:submission_id>/grade")
@authenticated
@blp.arguments(GradeInSchema)
@blp.response(200, SubmissionDetailSchema)
@blp.alt_response(403, description="Not a tutor of the trainee's group.")
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, schema=ConflictSchema, description="Someone saved since `version`: `current` is their grade.")
@blp.alt_response(422, description="A level missing, no feedback, no outcome, or no due date for a resubmission.")
def grade(data, submission_id: int):
    """Grade work awaiting review with the rubric: accepted, or a resubmission requested."""
    submission = submissions.submission_for_viewer(db.session, current_user, submission_id)
    try:
        grading.grade_submission(db.session, current_user, submission, version=data["version"],
                                 levels=data["levels"], feedback=data["feedback"], outcome=data["outcome"],
                                 due_on=data["due_on"])
    except grading.SubmissionChanged as exc:
        db.session.rollback()
        return _conflict(exc)
    db.session.commit()
    return _detail(submission)


@blp.post("/submissions/<int:submission_id>/correction")
@authenticated
@blp.arguments(CorrectionInSchema)
@blp.response(200, SubmissionDetailSchema)
@blp.alt_response(403, description="Not a tutor of the trainee's group.")
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, schema=ConflictSchema, description="Someone saved since `version`, or nothing graded yet.")
@blp.alt_response(422, description="No reason, or an invalid grade.")
def correct(data, submission_id: int):
    """Correct the latest grade; the reason is kept in the audit log."""
    submission = submissions.submission_for_viewer(db.session, current_user, submission_id)
    try:
        grading.correct_grade(db.session, current_user, submission, version=data["version"],
                              levels=data["levels"], feedback=data["feedback"], outcome=data["outcome"],
                              due_on=data["due_on"], reason=data["reason"])
    except grading.SubmissionChanged as exc:
        db.session.rollback()
        return _conflict(exc)
    db.session.commit()
    return _detail(submission)


@blp.get("/submissions/<int:submission_id>/audit")
@authenticated
@blp.response(200, AuditEntrySchema(many=True))
@blp.alt_response(403, description="Only managers of the trainee's group read the log.")
@blp.alt_response(404, description=NOT_YOURS)
def audit_log(submission_id: int):
    """Every grading action on a submission: who, when, before, after, why."""
    submission = submissions.submission_for_viewer(db.session, current_user, submission_id)
    return grading.audit_trail(db.session, current_user, submission)

