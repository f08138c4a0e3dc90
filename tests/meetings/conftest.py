"""Fixtures of group sessions: a group with its tutor and two trainees, a session scheduled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def group(make_cohort, add_member):
    cohort = make_cohort()
    first, first_enrolment = add_member(cohort, full_name="Ana Present")
    second, second_enrolment = add_member(cohort, full_name="Bojan Absent")
    return {"cohort": cohort, "tutor": cohort.tutors[0], "trainees": [first, second],
            "enrolments": [first_enrolment, second_enrolment]}


@pytest.fixture
def schedule(session):
    from lms.meetings.operations.scheduling import MeetingFields, create_meeting

    def factory(cohort, actor=None, *, starts_at=None, key=None, kind="webinar", title="Webinar on case work",
                hours=2, place=None, online_url="https://meet.example.org/help"):
        starts_at = starts_at or datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        meeting = create_meeting(session, actor or cohort.tutors[0], cohort, MeetingFields(
            kind=kind, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
            place=place, online_url=online_url, key=key))
        session.commit()
        return meeting

    return factory
