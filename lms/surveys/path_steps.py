"""A required evaluation on the learning path: the last step, open once the course is completed."""

from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy.orm import Session

from lms.courses.models import Course, Enrolment
from lms.courses.operations import Step
from lms.surveys.operations.answering import has_answered, survey_of

SURVEY_STEP = "survey"
LAST = 10_000  # after a final assessment


def survey_steps(session: Session, course: Course, enrolment: Enrolment | None) -> list[Step]:
    """The evaluation a certificate waits for: done once answered; waiting (nothing to do yet)
    until the rest of the course is completed. An optional evaluation is not a step."""
    survey = survey_of(session, course.id)
    if survey is None or not survey.required_for_certificate:
        return []
    answered = enrolment is not None and has_answered(session, enrolment.user_id, course.id)
    waiting = not answered and (enrolment is None or not enrolment.is_completed)
    url = url_for("surveys.survey", slug=course.slug) if has_request_context() else None
    return [Step(SURVEY_STEP, survey.id, None, survey.title, url, done=answered, waiting=waiting, position=LAST)]
