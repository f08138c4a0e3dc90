"""A tutored course's case studies on the learning path, after their module's lessons and quiz."""

from __future__ import annotations

from flask import has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.core.web import fixed_url
from lms.courses.models import Course, Enrolment
from lms.courses.operations import Step
from lms.tutors.models import ACCEPTED, SUBMITTED, Assignment, Submission

CASE_STUDY_STEP = "case_study"


def case_study_steps(session: Session, course: Course, enrolment: Enrolment | None) -> list[Step]:
    """Accepted is done; submitted and awaiting review leaves the trainee nothing to do for now."""
    if not course.is_tutored:
        return []
    assignments = list(session.scalars(select(Assignment).where(
        Assignment.course_id == course.id, Assignment.is_retired.is_(False))
        .order_by(Assignment.position, Assignment.id)))
    statuses: dict[int, str] = {}
    if enrolment is not None and assignments:
        statuses = dict(session.execute(select(Submission.assignment_id, Submission.status).where(
            Submission.enrolment_id == enrolment.id)).all())
    links = has_request_context()
    return [Step(CASE_STUDY_STEP, a.id, a.module_id, a.title,
                 fixed_url("assignments.assignment", slug=course.slug, assignment=a.slug) if links else None,
                 done=statuses.get(a.id) == ACCEPTED, waiting=statuses.get(a.id) == SUBMITTED, position=2)
            for a in assignments]
