"""A session's register: the tutor records each member present, absent or excused. Each change
re-evaluates the member's completion (a course may require attendance), in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.concurrency import expect_version
from lms.core.errors import NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.completion import evaluate_completion
from lms.courses.models import Enrolment
from lms.meetings.models import ATTENDANCE, PRESENT, Attendance, Meeting
from lms.tutors.models import MEMBER_ACTIVE, CohortMembership


@dataclass(frozen=True)
class RegisterRow:
    enrolment_id: int
    full_name: str
    email: str
    status: str | None  # None: not recorded yet


def register_of(session: Session, meeting: Meeting) -> list[RegisterRow]:
    """The group's active members and what was recorded for each, by name; one query."""
    rows = session.execute(
        select(Enrolment.id, User.full_name, User.email, Attendance.status)
        .join(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Attendance, (Attendance.enrolment_id == Enrolment.id) & (Attendance.meeting_id == meeting.id))
        .where(CohortMembership.cohort_id == meeting.cohort_id, CohortMembership.status == MEMBER_ACTIVE)
        .order_by(User.full_name, Enrolment.id))
    return [RegisterRow(*row) for row in rows]


def record_attendance(session: Session, actor, meeting: Meeting, statuses: dict[int, str | None], *,
                      version: int | None) -> list[RegisterRow]:
    """Record ``{enrolment id: present | absent | excused | None (not recorded)}`` for members of
    the group; every wrong entry named, nothing changed then. Completion follows at once."""
    if not meeting.can_be_managed_by(actor):
        raise NotFound()
    expect_version(meeting, version)
    members = {row.enrolment_id: row for row in register_of(session, meeting)}
    errors: dict[str, list] = {}
    for enrolment_id, status in statuses.items():
        if enrolment_id not in members:
            errors[f"attendance.{enrolment_id}"] = [_("No such member of this group.")]
        elif status is not None and status not in ATTENDANCE:
            errors[f"attendance.{enrolment_id}"] = [_("Choose present, absent or excused.")]
    if errors:
        raise ValidationFailed(errors)
    existing = {row.enrolment_id: row for row in session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id))}
    now = utcnow()
    changed: list[int] = []
    for enrolment_id, status in statuses.items():
        row = existing.get(enrolment_id)
        if status is None:
            if row is not None:
                session.delete(row)
                changed.append(enrolment_id)
        elif row is None:
            session.add(Attendance(meeting_id=meeting.id, enrolment_id=enrolment_id, status=status,
                                   recorded_at=now, recorded_by_id=actor.id))
            changed.append(enrolment_id)
        elif row.status != status:
            row.status, row.recorded_at, row.recorded_by_id = status, now, actor.id
            changed.append(enrolment_id)
    meeting.attendance_recorded_at = now  # raises the version: a second register saved on a stale page is refused
    session.flush()
    if meeting.key and changed:
        for enrolment in session.scalars(select(Enrolment).where(Enrolment.id.in_(changed))):
            evaluate_completion(session, enrolment)
    return register_of(session, meeting)


def attendance_rates(session: Session, cohort_ids) -> dict[int, tuple[int, int]]:
    """{cohort id: (present, recorded)} over the sessions held so far, for statistics."""
    present = func.sum(case((Attendance.status == PRESENT, 1), else_=0))
    return {cohort_id: (int(p or 0), int(n or 0)) for cohort_id, p, n in session.execute(
        select(Meeting.cohort_id, present, func.count(Attendance.id))
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Meeting.cohort_id.in_(cohort_ids)).group_by(Meeting.cohort_id))}


@dataclass(frozen=True)
class MemberAttendance:
    enrolment_id: int
    full_name: str
    statuses: dict[int, str | None]  # {session id: status, None where nothing was recorded}

    @property
    def attended(self) -> int:
        return sum(1 for status in self.statuses.values() if status == PRESENT)


def group_attendance(session: Session, cohort, meetings: list[Meeting]) -> list[MemberAttendance]:
    """Each active member's attendance of the group's sessions: two queries whatever the size."""
    members = session.execute(
        select(Enrolment.id, User.full_name)
        .join(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
        .join(User, User.id == Enrolment.user_id)
        .where(CohortMembership.cohort_id == cohort.id, CohortMembership.status == MEMBER_ACTIVE)
        .order_by(User.full_name, Enrolment.id)).all()
    recorded: dict[tuple[int, int], str] = {}
    if meetings and members:
        recorded = {(enrolment_id, meeting_id): status for enrolment_id, meeting_id, status in session.execute(
            select(Attendance.enrolment_id, Attendance.meeting_id, Attendance.status)
            .where(Attendance.meeting_id.in_([m.id for m in meetings])))}
    return [MemberAttendance(enrolment_id, name, {m.id: recorded.get((enrolment_id, m.id)) for m in meetings})
            for enrolment_id, name in members]
