"""Answering a course's survey: who may, what a valid answer is, and storing it anonymously."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.certificates.operations import certificate_of_enrolment, release_certificate
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.extension_points import details_of
from lms.courses.models import Course, Enrolment
from lms.courses.operations.lookups import enrolment_of
from lms.surveys.models import (
    CHOICE,
    LIKERT,
    MAX_TEXT,
    SCALE_POINTS,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyResponse,
    month_of,
)

# What a trainee may do with a course's survey now.
NOT_YET, OPEN, ANSWERED = "not_yet", "open", "answered"


@dataclass(frozen=True)
class SurveyState:
    """A trainee's standing with a course's survey: ``open`` once the course is completed."""

    survey: Survey
    enrolment: Enrolment | None
    status: str
    certificate_waits: bool  # the survey is required and the certificate not issued yet

    @property
    def required(self) -> bool:
        return self.survey.required_for_certificate


def survey_of(session: Session, course_id: int) -> Survey | None:
    return session.scalar(select(Survey).where(Survey.course_id == course_id))


def has_answered(session: Session, user_id: int, course_id: int) -> bool:
    return session.get(SurveyParticipation, (user_id, course_id)) is not None


def survey_state(session: Session, user: User, course: Course) -> SurveyState:
    """The survey of ``course`` as ``user`` stands with it; NotFound when it has none."""
    survey = survey_of(session, course.id)
    if survey is None:
        raise NotFound(_("This course has no evaluation."))
    enrolment = enrolment_of(session, user, course.id)
    if has_answered(session, user.id, course.id):
        status = ANSWERED
    elif enrolment is not None and enrolment.is_completed:
        status = OPEN
    else:
        status = NOT_YET
    waits = (survey.required_for_certificate and enrolment is not None and enrolment.is_completed
             and certificate_of_enrolment(session, enrolment.id) is None)
    return SurveyState(survey, enrolment, status, waits)


def holds_certificate(session: Session, enrolment: Enrolment) -> bool:
    """``CERTIFICATE_HOLDS`` rule: a course that requires its survey issues the certificate on
    the answer. A completion recorded by hand (achieved offline) is not held."""
    if enrolment.completion_source == "manual":
        return False
    survey = survey_of(session, enrolment.course_id)
    return (survey is not None and survey.required_for_certificate
            and not has_answered(session, enrolment.user_id, enrolment.course_id))


def clean_answers(survey: Survey, answers: dict) -> dict[str, dict]:
    """The answers checked against the items: {item slug: {"value"|"choice"|"text": …}}.

    ``answers`` maps item slugs to a scale point (1–5), an option's slug, or text; an empty
    answer is no answer. Every problem is reported at once, by item.
    """
    errors: dict[str, list[str]] = {}
    for slug in answers:
        if survey.item(slug) is None:
            errors[slug] = [_("This survey has no such question.")]
    cleaned: dict[str, dict] = {}
    for item in survey.items:
        slug, raw = item["slug"], answers.get(item["slug"])
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            if item["required"]:
                errors[slug] = [_("Please answer this question.")]
            continue
        if item["kind"] == LIKERT:
            point = _scale_point(raw)
            if point is None:
                errors[slug] = [_("Choose a point of the scale from 1 to {count}.").format(count=SCALE_POINTS)]
            else:
                cleaned[slug] = {"value": point}
        elif item["kind"] == CHOICE:
            if not isinstance(raw, str) or raw not in {option["slug"] for option in item["options"]}:
                errors[slug] = [_("Choose one of the answers offered.")]
            else:
                cleaned[slug] = {"choice": raw}
        elif not isinstance(raw, str):
            errors[slug] = [_("Write your answer as text.")]
        elif len(raw) > MAX_TEXT:
            errors[slug] = [_("Keep your answer under {count} characters.").format(count=MAX_TEXT)]
        else:
            cleaned[slug] = {"text": raw}
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _scale_point(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    return raw if isinstance(raw, int) and 1 <= raw <= SCALE_POINTS else None


def submit_response(session: Session, user: User, course: Course, answers: dict, *,
                    today: date | None = None) -> SurveyState:
    """Record ``user``'s answers to the survey of ``course``, once, without a link to them.

    The trainee must have completed the course (NotAllowed before); a second answer is a
    Conflict. The response keeps the dimensions of the results as copied values and the month;
    a separate ``SurveyParticipation`` records that the user answered. A certificate the
    survey held back is issued in the same transaction.
    """
    state = survey_state(session, user, course)
    if state.status == ANSWERED:
        raise Conflict(_("You have already answered this course's evaluation. Thank you."))
    if state.status == NOT_YET:
        raise NotAllowed(_("The course evaluation opens once you have completed the course."))
    cleaned = clean_answers(state.survey, answers)
    enrolment = state.enrolment
    try:
        with session.begin_nested():
            session.add(SurveyParticipation(user_id=user.id, course_id=course.id))
    except IntegrityError:  # a double submit racing this one has answered
        raise Conflict(_("You have already answered this course's evaluation. Thank you.")) from None
    details = details_of(session, enrolment)
    beneficiary = details.get("beneficiary")
    response = SurveyResponse(
        course_id=course.id, cohort_id=details.get("cohort_id"),
        beneficiary_id=beneficiary.id if beneficiary is not None else user.beneficiary_id,
        language=details.get("language") or user.language, gender=user.gender,
        month=month_of(today or utcnow().date()))
    session.add(response)
    session.flush()
    session.add_all(SurveyAnswer(response_id=response.id, item=slug, **answer) for slug, answer in cleaned.items())
    session.flush()
    if state.survey.required_for_certificate and enrolment.is_completed:
        release_certificate(session, enrolment)
    return SurveyState(state.survey, enrolment, ANSWERED, False)
