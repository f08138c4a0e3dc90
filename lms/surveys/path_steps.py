"""A required evaluation on the learning path: the last step, open once the course is completed."""

from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lms.courses.models import Course, Enrolment
from lms.courses.operations import Step
from lms.surveys.models import Survey, SurveyParticipation

SURVEY_STEP = "survey"
LAST = 10_000  # after a final assessment

# Run on every page with a learning path: built once, run on the connection (no ORM). One
# statement: the course's required evaluation, and whether the trainee has answered it.
_REQUIRED_SURVEY = select(
    Survey.id, Survey.title,
    select(SurveyParticipation.user_id).where(SurveyParticipation.user_id == bindparam("user_id"),
                                              SurveyParticipation.course_id == Survey.course_id)
    .exists().label("answered"),
).where(Survey.course_id == bindparam("course_id"), Survey.required_for_certificate.is_(True))


def survey_steps(session: Session, course: Course, enrolment: Enrolment | None) -> list[Step]:
    """The evaluation a certificate waits for: done once answered; waiting (nothing to do yet)
    until the rest of the course is completed. An optional evaluation is not a step."""
    survey = session.connection().execute(_REQUIRED_SURVEY, {
        "course_id": course.id, "user_id": enrolment.user_id if enrolment is not None else None}).first()
    if survey is None:
        return []
    answered = enrolment is not None and bool(survey.answered)
    waiting = not answered and (enrolment is None or not enrolment.is_completed)
    url = url_for("surveys.survey", slug=course.slug) if has_request_context() else None
    return [Step(SURVEY_STEP, survey.id, None, survey.title, url, done=answered, waiting=waiting, position=LAST)]
