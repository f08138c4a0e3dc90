"""JSON API of grading: the grading queue, submissions as tutors read them, grades, the grading log,
the tutor's notification setting."""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import api_blueprint, authenticated
from lms.core.errors import json_error
from lms.core.permissions import require
from lms.core.unit_of_work import abandon
from lms.extensions import db
from lms.tutors.operations import grading, notifications, submissions
from lms.tutors.operations.grading_queue import tutor_queue
from lms.tutors.schemas import (
    AuditEntrySchema,
    ConflictSchema,
    CorrectionInSchema,
    CurrentGradeSchema,
    GradeInSchema,
    NotificationSettingSchema,
    QueueArgsSchema,
    QueueSchema,
    SubmissionDetailSchema,
)

blp = api_blueprint("grading_api", __name__, "Grading: the queue of work awaiting tutors, grades and "
                                             "corrections, the grading log.")

NOT_YOURS = "No such item, or not yours to see."


@blp.errorhandler(grading.SubmissionChanged)
def other_grade_saved(error: grading.SubmissionChanged):
    """409 with the grade someone else saved, as its schema types it (the general handler of
    ``lms.core.errors`` would give every value as text)."""
    abandon()
    return json_error(409, error.errors, current=CurrentGradeSchema().dump(error.current))


@blp.get("/tutor/queue")
@authenticated
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, QueueSchema)
@blp.alt_response(403, description="Not a tutor.")
def queue(args):
    """Work awaiting review in your groups, oldest first, with counts for each filter."""
    require(current_user.is_tutor)
    return tutor_queue(db.session, current_user, cohort_id=args["cohort"], module_id=args["module"],
                       status=args["status"], page=args["page"], per_page=args["per_page"])


@blp.get("/submissions/<int:submission_id>")
@authenticated
@blp.response(200, SubmissionDetailSchema)
@blp.alt_response(404, description=NOT_YOURS)
def get_submission(submission_id: int):
    """A submission with every round and review: its trainee, their tutors and managers."""
    return submissions.submission_for_viewer(db.session, current_user, submission_id)


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
    grading.grade_submission(db.session, current_user, submission, version=data["version"], levels=data["levels"],
                             feedback=data["feedback"], outcome=data["outcome"], due_on=data["due_on"])
    return submission


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
    grading.correct_grade(db.session, current_user, submission, version=data["version"], levels=data["levels"],
                          feedback=data["feedback"], outcome=data["outcome"], due_on=data["due_on"],
                          reason=data["reason"])
    return submission


@blp.get("/submissions/<int:submission_id>/audit")
@authenticated
@blp.response(200, AuditEntrySchema(many=True))
@blp.alt_response(403, description="Only managers of the trainee's group read the log.")
@blp.alt_response(404, description=NOT_YOURS)
def audit_log(submission_id: int):
    """Every grading action on a submission: who, when, before, after, why."""
    submission = submissions.submission_for_viewer(db.session, current_user, submission_id)
    return grading.audit_trail(db.session, current_user, submission)


@blp.get("/tutor/notifications")
@authenticated
@blp.response(200, NotificationSettingSchema)
@blp.alt_response(403, description="Not a tutor.")
def notification_setting():
    """How you are told about new work to review."""
    require(current_user.is_tutor)
    return {"notify": notifications.preference_of(db.session, current_user)}


@blp.put("/tutor/notifications")
@authenticated
@blp.arguments(NotificationSettingSchema)
@blp.response(200, NotificationSettingSchema)
@blp.alt_response(403, description="Not a tutor.")
@blp.alt_response(422, description="Not one of the choices.")
def set_notification_setting(data):
    """Be told at once (one e-mail per submission) or once a day (a digest)."""
    require(current_user.is_tutor)
    notifications.set_preference(db.session, current_user, data["notify"])
    return {"notify": notifications.preference_of(db.session, current_user)}
