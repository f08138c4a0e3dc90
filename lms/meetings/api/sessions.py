"""JSON API of a group's sessions: listing, scheduling, changing, cancelling; the register."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user

from lms.core.api import api_blueprint, authenticated
from lms.core.errors import NotFound
from lms.extensions import db
from lms.meetings.operations import attendance, scheduling
from lms.meetings.operations.attendance import MemberAttendance, RegisterRow
from lms.meetings.schemas import (
    AttendanceInSchema,
    GroupAttendanceSchema,
    MeetingInSchema,
    MeetingPatchSchema,
    MeetingSchema,
    RegisterSchema,
    VersionInSchema,
)
from lms.tutors.models import Cohort
from lms.tutors.operations.cohorts import cohort_by_id

blp = api_blueprint("meetings_api", __name__, "Sessions of tutored groups (launch events, webinars, "
                                              "face-to-face days) and their attendance.")

NOT_YOURS = "No such item, or not yours to see."


@dataclass(frozen=True)
class Register:
    version: int
    rows: list[RegisterRow]


def _readable(cohort_id: int) -> Cohort:
    cohort = cohort_by_id(db.session, cohort_id)
    if not cohort.can_be_followed_by(current_user) and cohort.id not in scheduling.member_cohort_ids(
            db.session, current_user):
        raise NotFound()
    return cohort


def _followed(cohort_id: int) -> Cohort:
    cohort = cohort_by_id(db.session, cohort_id)
    if not cohort.can_be_followed_by(current_user):
        raise NotFound()
    return cohort


def _fields(data: dict, meeting=None) -> scheduling.MeetingFields:
    def pick(key):
        return data[key] if key in data else (getattr(meeting, key) if meeting is not None else None)

    return scheduling.MeetingFields(kind=pick("kind") or "", title=pick("title") or "", starts_at=pick("starts_at"),
                                    ends_at=pick("ends_at"), place=pick("place"), online_url=pick("online_url"),
                                    key=pick("key"), details=pick("details"))


@blp.get("/cohorts/<int:cohort_id>/sessions")
@authenticated
@blp.response(200, MeetingSchema(many=True))
@blp.alt_response(404, description=NOT_YOURS)
def list_sessions(cohort_id: int):
    """The group's sessions in time order (its members, tutors and managers)."""
    return scheduling.meetings_of(db.session, _readable(cohort_id))


@blp.post("/cohorts/<int:cohort_id>/sessions")
@authenticated
@blp.arguments(MeetingInSchema)
@blp.response(201, MeetingSchema)
@blp.alt_response(404, description=NOT_YOURS + " Only the group's tutors and managers schedule.")
@blp.alt_response(422, description="Invalid fields; `errors` says which.")
def create_session(data, cohort_id: int):
    """Schedule a session of the group (its tutors; managers of its beneficiary)."""
    return scheduling.create_meeting(db.session, current_user, _followed(cohort_id), _fields(data))


@blp.get("/cohorts/<int:cohort_id>/attendance")
@authenticated
@blp.response(200, GroupAttendanceSchema(many=True))
@blp.alt_response(404, description=NOT_YOURS)
def group_attendance(cohort_id: int):
    """Each active member's attendance of the group's sessions, by session id (tutors and managers)."""
    cohort = _followed(cohort_id)
    rows: list[MemberAttendance] = attendance.group_attendance(
        db.session, cohort, scheduling.meetings_of(db.session, cohort))
    return [{"enrolment_id": row.enrolment_id, "full_name": row.full_name, "attended": row.attended,
             "statuses": {str(key): value for key, value in row.statuses.items()}} for row in rows]


@blp.get("/sessions/<int:meeting_id>")
@authenticated
@blp.response(200, MeetingSchema)
@blp.alt_response(404, description=NOT_YOURS)
def get_session(meeting_id: int):
    """A session of one of your groups."""
    return scheduling.meeting_to_read(db.session, current_user, meeting_id)


@blp.patch("/sessions/<int:meeting_id>")
@authenticated
@blp.arguments(MeetingPatchSchema)
@blp.response(200, MeetingSchema)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, description="Someone else changed the session since `version` was read.")
@blp.alt_response(422, description="Invalid fields; `errors` says which.")
def update_session(data, meeting_id: int):
    """Change a session; fields left out keep their values."""
    meeting = scheduling.meeting_to_manage(db.session, current_user, meeting_id)
    return scheduling.update_meeting(db.session, current_user, meeting, _fields(data, meeting),
                                     version=data["version"])


@blp.delete("/sessions/<int:meeting_id>")
@authenticated
@blp.arguments(VersionInSchema)
@blp.response(204)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, description="Someone else changed the session since `version` was read.")
def delete_session(data, meeting_id: int):
    """Cancel a session and its register (completions already recorded stay)."""
    meeting = scheduling.meeting_to_manage(db.session, current_user, meeting_id)
    scheduling.delete_meeting(db.session, current_user, meeting, version=data["version"])


@blp.get("/sessions/<int:meeting_id>/attendance")
@authenticated
@blp.response(200, RegisterSchema)
@blp.alt_response(404, description=NOT_YOURS)
def get_register(meeting_id: int):
    """The session's register: each active member and what was recorded (tutors and managers)."""
    meeting = scheduling.meeting_to_manage(db.session, current_user, meeting_id)
    return Register(meeting.version, attendance.register_of(db.session, meeting))


@blp.put("/sessions/<int:meeting_id>/attendance")
@authenticated
@blp.arguments(AttendanceInSchema)
@blp.response(200, RegisterSchema)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, description="Someone else saved the register since `version` was read.")
@blp.alt_response(422, description="An entry names no member of the group; `errors` says which.")
def put_register(data, meeting_id: int):
    """Record attendance of the members listed (the others keep theirs); completion follows at once."""
    meeting = scheduling.meeting_to_manage(db.session, current_user, meeting_id)
    statuses = {entry["enrolment_id"]: entry["status"] for entry in data["entries"]}
    rows = attendance.record_attendance(db.session, current_user, meeting, statuses, version=data["version"])
    return Register(meeting.version, rows)
