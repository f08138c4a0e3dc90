"""JSON API of grading: the grading queue, submissions as tutors read them, grades, the grading log."""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import api_blueprint, authenticated
from lms.core.errors import NotAllowed, json_error
from lms.extensions import db
from lms.tutors.api.case_studies import _detail
from lms.tutors.operations import grading, submissions
from lms.tutors.operations.cohorts import tutored_cohort_ids
from lms.tutors.operations.grading_queue import ALL, GradingQueue
from lms.tutors.schemas import (
    AuditEntrySchema,
    ConflictSchema,
    CorrectionInSchema,
    CurrentGradeSchema,
    GradeInSchema,
    QueueArgsSchema,
    QueueSchema,
    SubmissionDetailSchema,
)

blp = api_blueprint("grading_api", __name__, "Grading: the queue of work awaiting tutors, grades and "
                                             "corrections, the grading log.")

NOT_YOURS = "No such item, or not yours to see."


@blp.get("/tutor/queue")
@authenticated
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, QueueSchema)
@blp.alt_response(403, description="Not a tutor.")
def queue(args):
    """Work awaiting review in your groups, oldest first, with counts for each filter."""
    if not current_user.is_tutor:
        raise NotAllowed()
    grading_queue = GradingQueue(tutored_cohort_ids(current_user), cohort_id=args["cohort"],
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
