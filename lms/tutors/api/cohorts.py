"""JSON API of tutored groups: the groups, joining with a key, their progress table."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import func, select

from lms.accounts.models import Beneficiary
from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import NotFound
from lms.courses.models import Course, Enrolment
from lms.extensions import db
from lms.tutors.models import MEMBER_ACTIVE, Cohort, CohortMembership
from lms.tutors.operations import cohorts as ops
from lms.tutors.operations.membership import join_with_key
from lms.tutors.operations.progress import cohort_table
from lms.tutors.schemas import (
    CohortInSchema,
    CohortPatchSchema,
    CohortSchema,
    CohortStaffSchema,
    JoinInSchema,
    MembershipSchema,
    TraineeProgressSchema,
)
from lms.tutors.views.cohorts import JOIN_LIMIT

blp = api_blueprint("tutors_api", __name__, "Tutored groups: creating and editing them, joining with a key, "
                                            "their progress table.")

NOT_YOURS = "No such item, or not yours to see."


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
    membership, changed = join_with_key(db.session, current_user, data["key"])
    db.session.commit()
    body = {"cohort": db.session.get(Cohort, membership.cohort_id), "enrolment_id": membership.enrolment_id,
            "status": membership.status, "joined_at": membership.joined_at}
    return body, 201 if changed else 200
