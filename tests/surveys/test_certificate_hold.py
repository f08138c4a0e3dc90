"""A course that requires its evaluation issues the certificate on the answer, and shows the
evaluation as the last step of the learning path."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.courses.completion import complete_enrolment
from lms.courses.importer import import_content
from lms.courses.operations.path import learning_path
from lms.extensions import db
from lms.surveys.models import Survey
from lms.surveys.operations import submit_response
from lms.surveys.path_steps import SURVEY_STEP
from tests.surveys.conftest import GOOD


def _require_evaluation(session, content_copy) -> None:
    """A new version of the case-work course's content asks for its evaluation before the
    certificate."""
    course_yaml = content_copy / "tutored-casework" / "course.yaml"
    text = re.sub(r"^version: (\d+)$", lambda m: f"version: {int(m.group(1)) + 1}", course_yaml.read_text(),
                  flags=re.MULTILINE)
    course_yaml.write_text(text + "survey:\n  required_for_certificate: true\n")
    import_content(session, content_copy)
    session.commit()


@pytest.fixture
def required(session, casework, content_copy):
    _require_evaluation(session, content_copy)
    survey = session.scalar(select(Survey).where(Survey.course_id == casework.id))
    assert survey.required_for_certificate
    return survey


def test_the_path_shows_the_evaluation_from_the_version_that_requires_it(session, casework, content_copy,
                                                                       make_cohort, add_member):
    """Whether a course requires its evaluation is kept per content version: read again after
    an import."""
    cohort = make_cohort()
    _user, enrolment = add_member(cohort)
    assert SURVEY_STEP not in {step.kind for step in learning_path(session, cohort.course, enrolment).steps}
    _require_evaluation(session, content_copy)
    assert learning_path(session, cohort.course, enrolment).steps[-1].kind == SURVEY_STEP


def _certificate(session, enrolment):
    return session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))


def test_the_certificate_waits_for_the_answer(session, required, make_cohort, add_member):
    cohort = make_cohort()
    user, enrolment = add_member(cohort)
    path = learning_path(session, cohort.course, enrolment)
    assert path.steps[-1].kind == SURVEY_STEP and path.steps[-1].waiting  # nothing to do before completion
    complete_enrolment(session, enrolment, source="automatic")
    session.commit()
    assert enrolment.is_completed and _certificate(session, enrolment) is None
    step = learning_path(session, cohort.course, enrolment).steps[-1]
    assert step.kind == SURVEY_STEP and not step.settled  # open: the trainee's to do now
    submit_response(session, user, cohort.course, GOOD)
    session.commit()
    assert _certificate(session, enrolment) is not None
    assert learning_path(session, cohort.course, enrolment).steps[-1].done
    assert session.scalar(select(db.func.count()).select_from(Certificate)
                          .where(Certificate.enrolment_id == enrolment.id)) == 1


def test_a_completion_recorded_by_hand_is_not_held(session, required, make_cohort, add_member):
    cohort = make_cohort()
    _user, enrolment = add_member(cohort)
    complete_enrolment(session, enrolment, source="manual")
    session.commit()
    assert _certificate(session, enrolment) is not None


def test_an_optional_survey_is_no_step(session, casework, make_cohort, add_member):
    cohort = make_cohort()
    _user, enrolment = add_member(cohort)
    assert all(step.kind != SURVEY_STEP for step in learning_path(session, cohort.course, enrolment).steps)
