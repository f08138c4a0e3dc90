"""The sessions a course requires on the learning path: each group's session of a required key,
after the modules. Attended is done; not attended leaves the trainee nothing to do here (the
tutor's register decides), so it waits."""

from __future__ import annotations

from flask import has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.core.i18n import DEFAULT_LANGUAGE
from lms.core.web import fixed_url
from lms.courses.models import CompletionRequirement, Course, Enrolment
from lms.courses.operations import Step
from lms.meetings.models import PRESENT, Attendance, Meeting
from lms.meetings.requirement import ATTENDANCE_KIND
from lms.tutors.models import MEMBER_ACTIVE, CohortMembership

SESSION_STEP = "session"


def session_steps(session: Session, course: Course, enrolment: Enrolment | None) -> list[Step]:
    if enrolment is None or not course.is_tutored:
        return []
    keys = list(session.scalars(select(CompletionRequirement.ref).where(
        CompletionRequirement.course_id == course.id, CompletionRequirement.kind == ATTENDANCE_KIND)
        .order_by(CompletionRequirement.position)))
    if not keys:
        return []
    rows = session.execute(
        select(Meeting, Attendance.status)
        .join(CohortMembership, (CohortMembership.cohort_id == Meeting.cohort_id)
              & (CohortMembership.enrolment_id == enrolment.id) & (CohortMembership.status == MEMBER_ACTIVE))
        .outerjoin(Attendance, (Attendance.meeting_id == Meeting.id) & (Attendance.enrolment_id == enrolment.id))
        .where(Meeting.key.in_(keys))).all()
    order = {key: index for index, key in enumerate(keys)}
    links = has_request_context()
    return [Step(SESSION_STEP, meeting.id, None, {DEFAULT_LANGUAGE: meeting.title},
                 fixed_url("meetings.session", meeting_id=meeting.id) if links else None,
                 done=status == PRESENT, waiting=status != PRESENT, position=-100 + order[meeting.key])
            for meeting, status in rows]
