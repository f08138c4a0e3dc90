"""A required evaluation on the learning path: the last step, open once the course is completed."""

from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from lms.core.app_cache import kept_per_content
from lms.courses.models import Course, Enrolment
from lms.courses.operations import Step
from lms.surveys.models import Survey, SurveyParticipation

SURVEY_STEP = "survey"
LAST = 10_000  # after a final assessment

# Run on every page with a learning path: built once, run on the connection (no ORM).
_REQUIRED_SURVEY = select(Survey.id, Survey.title).where(Survey.course_id == bindparam("course_id"),
                                                         Survey.required_for_certificate.is_(True))
_ANSWERED = select(exists().where(SurveyParticipation.user_id == bindparam("user_id"),
                                  SurveyParticipation.course_id == bindparam("course_id")))


def required_survey(session: Session, course: Course) -> tuple | None:
    """(id, title) of the evaluation a course's certificate waits for, or None; kept per
    process and content: a survey is written only by importing its course's content
    (``lms.surveys.content``), which changes the course's content hash."""
    def read() -> tuple:
        return tuple(session.connection().execute(_REQUIRED_SURVEY, {"course_id": course.id}).first() or ())

    return kept_per_content("surveys.required", course, read, limit=512) or None


def survey_steps(session: Session, course: Course, enrolment: Enrolment | None) -> list[Step]:
    """The evaluation a certificate waits for: done once answered; waiting (nothing to do yet)
    until the rest of the course is completed. An optional evaluation is not a step."""
    survey = required_survey(session, course)
    if survey is None:
        return []
    survey_id, title = survey
    answered = enrolment is not None and bool(session.connection().execute(
        _ANSWERED, {"course_id": course.id, "user_id": enrolment.user_id}).scalar())
    waiting = not answered and (enrolment is None or not enrolment.is_completed)
    url = url_for("surveys.survey", slug=course.slug) if has_request_context() else None
    return [Step(SURVEY_STEP, survey_id, None, title, url, done=answered, waiting=waiting, position=LAST)]
