"""A small programme for the survey tests: groups of the tutored test course, completers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.courses.completion import complete_enrolment
from lms.surveys.operations import submit_response

GOOD = {"relevance": 4, "tutor": 5, "time": "as-announced", "improve": "More case studies."}


@pytest.fixture
def completer(session, add_member):
    """Admit a new trainee to ``cohort`` and complete their course."""

    def factory(cohort, **user_fields):
        user, enrolment = add_member(cohort, **user_fields)
        complete_enrolment(session, enrolment, source="automatic")
        session.commit()
        return user, enrolment

    return factory


@pytest.fixture
def answer(session, completer):
    """A completer of ``cohort`` answers the survey with ``answers``."""

    def factory(cohort, answers=None, *, today=None, **user_fields):
        user, enrolment = completer(cohort, **user_fields)
        submit_response(session, user, cohort.course, dict(GOOD if answers is None else answers), today=today)
        session.commit()
        return user

    return factory


def end(session, cohort) -> None:
    """The group's run is over (its results become visible to its tutors)."""
    cohort.starts_on = date.today() - timedelta(days=100)
    cohort.ends_on = date.today() - timedelta(days=1)
    session.commit()
