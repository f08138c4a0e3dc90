"""JSON API of tutored groups: the groups, joining with a key, their progress table, their
grades for Moodle."""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.models import Beneficiary
from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated, fields_named
from lms.core.permissions import require
from lms.courses.models import Course
from lms.extensions import db
from lms.tutors.models import Cohort
from lms.tutors.operations import cohorts, moodle_grades
from lms.tutors.operations.membership import join_with_key
from lms.tutors.operations.progress import cohort_table
from lms.tutors.schemas import (
    CohortInSchema,
    CohortPatchSchema,
    CohortSchema,
    JoinInSchema,
    MembershipSchema,
    TraineeCohortSchema,
    TraineeProgressSchema,
)
from lms.tutors.views.cohorts import JOIN_LIMIT

blp = api_blueprint("tutors_api", __name__, "Tutored groups: creating and editing them, joining with a key, "
                                            "their progress table.")

NOT_YOURS = "No such item, or not yours to see."
# The operation names the form's fields; the body sends a course slug and a beneficiary code.
BODY_FIELDS = {"course_id": "course", "beneficiary_id": "beneficiary"}


def _fields_from(data: dict, cohort: Cohort | None = None) -> cohorts.CohortFields:
    """The fields of a group as sent (a PATCH keeps what it leaves out); unknown codes match nothing."""
    def pick(key, current):
        return data.get(key, current)

    course_id = cohort.course_id if cohort else None
    if "course" in data:
        course_id = db.session.scalar(select(Course.id).where(Course.slug == data["course"])) or -1
    beneficiary_id = cohort.beneficiary_id if cohort else None
    if "beneficiary" in data:
        beneficiary_id = db.session.scalar(select(Beneficiary.id).where(
            Beneficiary.code == data["beneficiary"].upper())) or -1
    return cohorts.CohortFields(
        course_id=course_id, beneficiary_id=beneficiary_id,
        name=pick("name", cohort.name if cohort else ""), language=pick("language", cohort.language if cohort else ""),
        starts_on=pick("starts_on", cohort.starts_on if cohort else None),
        ends_on=pick("ends_on", cohort.ends_on if cohort else None),
        capacity=pick("capacity", cohort.capacity if cohort else None),
        tutor_ids=pick("tutor_ids", sorted(cohort.tutor_ids) if cohort else []),
        is_open=pick("is_open", cohort.is_open if cohort else True),
        allow_other_beneficiaries=pick("allow_other_beneficiaries",
                                       cohort.allow_other_beneficiaries if cohort else False))


def _followed(cohort_id: int) -> Cohort:
    cohort = cohorts.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_followed_by(current_user), hide=True)
    return cohort


@blp.get("/cohorts")
@authenticated
@blp.response(200, CohortSchema(many=True))
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def list_cohorts():
    """Groups you tutor or manage, with keys and member counts; a trainee gets their own groups without them."""
    if current_user.is_tutor or current_user.is_manager or current_user.is_admin:
        return cohorts.followed_cohorts(db.session, current_user)
    return jsonify(TraineeCohortSchema(many=True).dump(cohorts.member_cohorts(db.session, current_user)))


@blp.post("/cohorts")
@authenticated
@blp.arguments(CohortInSchema)
@blp.response(201, CohortSchema)
@blp.alt_response(403, description="Not a manager, or a beneficiary outside your scope.")
@blp.alt_response(422, description="Invalid fields; `errors` says which.")
def create_cohort(data):
    """Create a tutored group (managers; a national manager only for their beneficiary)."""
    with fields_named(BODY_FIELDS):
        return cohorts.create_cohort(db.session, current_user, _fields_from(data))


@blp.get("/cohorts/<int:cohort_id>")
@authenticated
@blp.response(200, CohortSchema)
@blp.alt_response(404, description=NOT_YOURS)
def get_cohort(cohort_id: int):
    """A group you tutor or manage."""
    return _followed(cohort_id)


@blp.patch("/cohorts/<int:cohort_id>")
@authenticated
@blp.arguments(CohortPatchSchema)
@blp.response(200, CohortSchema)
@blp.alt_response(403, description="Not a manager of this group's beneficiary.")
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, description="Someone else changed the group since `version` was read.")
@blp.alt_response(422, description="Invalid fields; `errors` says which.")
def update_cohort(data, cohort_id: int):
    """Change a group; fields left out keep their values."""
    cohort = _followed(cohort_id)
    with fields_named(BODY_FIELDS):
        return cohorts.update_cohort(db.session, current_user, cohort, _fields_from(data, cohort),
                                     version=data["version"])


@blp.post("/cohorts/<int:cohort_id>/key")
@authenticated
@blp.response(200, CohortSchema)
@blp.alt_response(403, description="Not a manager of this group's beneficiary.")
@blp.alt_response(404, description=NOT_YOURS)
def rotate_key(cohort_id: int):
    """Give the group a new enrolment key; the old one stops working."""
    return cohorts.rotate_key(db.session, current_user, _followed(cohort_id))


@blp.get("/cohorts/<int:cohort_id>/progress")
@authenticated
@blp.response(200, TraineeProgressSchema(many=True))
@blp.alt_response(404, description=NOT_YOURS)
def cohort_progress(cohort_id: int):
    """Each member's progress per module, last activity and flags (tutors and managers)."""
    return cohort_table(db.session, _followed(cohort_id)).rows


@blp.get("/cohorts/<int:cohort_id>/moodle-grades")
@authenticated
@blp.response(200, {"type": "string", "format": "binary"}, content_type="text/csv",
              description="One row per active member: `Email address` (map it to the user's e-mail address "
                          "in Moodle's grade import), the name, then each quiz (percent) and each case study "
                          "(points); an empty cell where there is no grade yet.")
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description=NOT_YOURS)
def cohort_moodle_grades(cohort_id: int):
    """The group's grades as a CSV file for Moodle's grade import (tutors and managers of the group)."""
    cohort = _followed(cohort_id)
    return Response(moodle_grades.grades_csv(db.session, cohort), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{moodle_grades.grades_filename(cohort)}"',
        "Cache-Control": "no-store"})


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
    membership, changed = join_with_key(db.session, current_user, data["key"])
    return membership, 201 if changed else 200
