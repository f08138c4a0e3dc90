"""Answering the end-of-course evaluation: once, after completion, validated, and anonymous."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import inspect, select, text

from lms.certificates.models import Certificate
from lms.core.errors import Conflict, NotAllowed, ValidationFailed
from lms.extensions import db
from lms.surveys.models import SurveyAnswer, SurveyParticipation, SurveyResponse
from lms.surveys.operations import ANSWERED, OPEN, submit_response, survey_state
from tests.surveys.conftest import GOOD


def test_completer_answers_and_the_database_holds_no_link_to_them(session, make_cohort, completer, make_user):
    cohort = make_cohort(beneficiary="AL", language="sq")
    people = [completer(cohort, gender=gender) for gender in ("female", "male", "female")]
    for index, (user, _enrolment) in enumerate(people):
        submit_response(session, user, cohort.course, {**GOOD, "improve": f"Answer number {index}."},
                        today=date(2026, 3, 17))
        session.commit()

    responses = session.execute(select(SurveyResponse.__table__)).mappings().all()
    answers = session.execute(select(SurveyAnswer.__table__)).mappings().all()
    participations = session.execute(select(SurveyParticipation.__table__)).mappings().all()
    assert len(responses) == 3 and len(answers) == 12
    assert {(p["user_id"], p["course_id"]) for p in participations} == {(u.id, cohort.course_id) for u, _e in people}

    # The response side has only the dimensions of the results, as copied values.
    assert set(inspect(db.engine).get_columns("survey_response")[i]["name"] for i in range(7)) == {
        "id", "course_id", "cohort_id", "beneficiary_id", "language", "gender", "month"}
    assert {c["name"] for c in inspect(db.engine).get_columns("survey_answer")} == {
        "response_id", "item", "value", "choice", "text"}
    assert {c["name"] for c in inspect(db.engine).get_columns("survey_participation")} == {"user_id", "course_id"}
    for table in ("survey_response", "survey_answer"):
        foreign = {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys(table)}
        assert foreign <= {"course", "survey_response"}
    for row in responses:
        assert row["cohort_id"] == cohort.id and row["beneficiary_id"] == cohort.beneficiary_id
        assert row["language"] == "sq" and row["month"] == date(2026, 3, 1)  # the month, not the day
        assert re.fullmatch(r"[0-9a-f]{32}", row["id"])  # random, not a sequence
    # Every value of a response is a dimension's (checked above) or its random id; every value of
    # an answer is what was answered: nothing names a person, an enrolment or a participation.
    ids = {row["id"] for row in responses}
    assert {(row["item"], row["value"], row["choice"]) for row in answers} == {
        ("relevance", 4, None), ("tutor", 5, None), ("time", None, "as-announced"), ("improve", None, None)}
    assert sorted(row["text"] for row in answers if row["text"]) == [f"Answer number {i}." for i in range(3)]
    assert {row["response_id"] for row in answers} == ids
    person_values = {str(v) for u, e in people for v in (u.id, e.id, u.email, u.full_name)}
    assert not person_values & ids
    # Nothing orders the responses like the participations: ids are random, no timestamps.
    assert len({row["id"] for row in responses}) == 3
    assert {row["gender"] for row in responses} == {"female", "male"}


def test_storage_order_of_responses_is_their_random_id_on_sqlite(session, make_cohort, answer):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("WITHOUT ROWID is SQLite's")
    cohort = make_cohort()
    for _ in range(4):
        answer(cohort)
    sql = session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'survey_response'"))
    assert "WITHOUT ROWID" in sql
    stored = [row[0] for row in session.execute(text("SELECT id FROM survey_response"))]
    assert stored == sorted(stored)


def test_a_second_answer_is_refused(session, make_cohort, completer):
    cohort = make_cohort()
    user, _enrolment = completer(cohort)
    submit_response(session, user, cohort.course, GOOD)
    session.commit()
    with pytest.raises(Conflict):
        submit_response(session, user, cohort.course, GOOD)
    session.rollback()
    assert session.scalar(select(db.func.count()).select_from(SurveyResponse)) == 1
    assert survey_state(session, user, cohort.course).status == ANSWERED


def test_the_survey_opens_at_completion(session, make_cohort, add_member):
    cohort = make_cohort()
    user, _enrolment = add_member(cohort)
    with pytest.raises(NotAllowed):
        submit_response(session, user, cohort.course, GOOD)
    assert session.scalar(select(db.func.count()).select_from(SurveyParticipation)) == 0


@pytest.mark.parametrize(("answers", "field"), [
    ({**GOOD, "relevance": None}, "relevance"),            # required
    ({**GOOD, "relevance": 6}, "relevance"),               # off the scale
    ({**GOOD, "relevance": True}, "relevance"),
    ({**GOOD, "time": "sometimes"}, "time"),               # not an option
    ({**GOOD, "improve": "x" * 4001}, "improve"),
    ({**GOOD, "improve": ["a"]}, "improve"),
    ({**GOOD, "colour": "blue"}, "colour"),                # no such item
])
def test_bad_answers_are_refused_by_item_and_change_nothing(session, make_cohort, completer, answers, field):
    cohort = make_cohort()
    user, _enrolment = completer(cohort)
    with pytest.raises(ValidationFailed) as refused:
        submit_response(session, user, cohort.course, answers)
    assert field in refused.value.errors
    session.rollback()
    assert session.scalar(select(db.func.count()).select_from(SurveyParticipation)) == 0
    assert survey_state(session, user, cohort.course).status == OPEN


def test_optional_items_may_be_left_empty(session, make_cohort, completer):
    cohort = make_cohort()
    user, _enrolment = completer(cohort)
    submit_response(session, user, cohort.course, {"relevance": "3", "time": "more", "tutor": "", "improve": " "})
    stored = {row.item: (row.value, row.choice) for row in session.scalars(select(SurveyAnswer))}
    assert stored == {"relevance": (3, None), "time": (None, "more")}


def test_the_certificate_does_not_wait_for_an_optional_survey(session, make_cohort, completer):
    cohort = make_cohort()
    _user, enrolment = completer(cohort)
    assert session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id)) is not None
