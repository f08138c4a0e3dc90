"""Fixtures for tutored groups: the case-work course, groups, members, submitted work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.extensions import db


@pytest.fixture
def casework(imported):
    """The tutored test course with two case studies (tests/fixtures/content/tutored-casework)."""
    return imported["tutored-casework"]


@pytest.fixture
def assignments(session, casework):
    from lms.tutors.models import Assignment

    return {a.slug: a for a in session.scalars(db.select(Assignment).where(Assignment.course_id == casework.id))}


@pytest.fixture
def regional_manager(make_user):
    return make_user(roles=("manager",), beneficiary="MK", scope="regional", full_name="Regional Manager")


@pytest.fixture
def make_cohort(session, reference, casework, make_user, regional_manager):
    from lms.tutors import operations as ops

    counter = {"n": 0}

    def factory(*, course=None, beneficiary="RS", tutors=None, capacity=30, language="sr_Latn",
                is_open=True, allow_other_beneficiaries=False, starts_on=None, ends_on=None, name=None):
        counter["n"] += 1
        if tutors is None:
            tutors = [make_user(roles=("tutor",), beneficiary=beneficiary, full_name=f"Tutor {counter['n']}")]
        starts_on = starts_on or date.today() - timedelta(days=7)
        cohort = ops.create_cohort(session, regional_manager, ops.CohortFields(
            course_id=(course or casework).id, beneficiary_id=reference[beneficiary].id,
            name=name or f"Group {counter['n']}", language=language, starts_on=starts_on,
            ends_on=ends_on or starts_on + timedelta(weeks=10), capacity=capacity,
            tutor_ids=[t.id for t in tutors], is_open=is_open,
            allow_other_beneficiaries=allow_other_beneficiaries))
        session.commit()
        return cohort

    return factory


@pytest.fixture
def add_member(session, make_user):
    """Make a trainee (or use the one given) and admit them to the cohort as a key would."""
    from lms.tutors import operations as ops

    def factory(cohort, user=None, **user_fields):
        user = user or make_user(beneficiary=cohort.beneficiary.code, **user_fields)
        membership, _changed = ops.join_with_key(session, user, cohort.enrolment_key)
        session.commit()
        return user, membership.enrolment

    return factory


@pytest.fixture
def submit_work(session):
    """Submit a response to an assignment as the trainee; return the submission."""
    from lms.tutors import submissions

    def factory(user, assignment, body="My analysis of the case.\n\n- first point\n- second point"):
        submission, _changed = submissions.submit(session, user, assignment, body=body)
        session.commit()
        return submission

    return factory


@pytest.fixture
def full_marks():
    def levels(assignment) -> dict:
        return {c["slug"]: c["levels"][-1]["points"] for c in assignment.criteria}

    return levels
