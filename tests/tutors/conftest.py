"""Fixtures for tutored groups: the case-work course, groups, members, submitted work."""

from __future__ import annotations

import pytest

from lms.extensions import db


@pytest.fixture
def assignments(session, casework):
    from lms.tutors.models import Assignment

    return {a.slug: a for a in session.scalars(db.select(Assignment).where(Assignment.course_id == casework.id))}


@pytest.fixture
def submit_work(session):
    """Submit a response to an assignment as the trainee; return the submission."""
    from lms.tutors.operations import submissions

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
