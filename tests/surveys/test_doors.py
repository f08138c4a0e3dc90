"""Both doors of the evaluation: the trainee's form and API, the results page, API and downloads,
and their refusals."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.surveys.models import SurveyParticipation, SurveyResponse
from tests.conftest import login
from tests.surveys.conftest import GOOD, end

SLUG = "tutored-casework"


def test_trainee_answers_through_the_form(client, session, make_cohort, completer):
    cohort = make_cohort()
    user, _enrolment = completer(cohort)
    login(client, user)
    page = client.get(f"/courses/{SLUG}")
    assert f"/courses/{SLUG}/evaluation" in page.text  # the prompt at completion
    assert client.get(f"/courses/{SLUG}/evaluation").status_code == 200
    refused = client.form(f"/courses/{SLUG}/evaluation", {"relevance": "9", "time": "less"})
    assert refused.status_code == 422 and "Choose a point of the scale" in refused.text
    assert session.scalar(select(db.func.count()).select_from(SurveyResponse)) == 0
    sent = client.form(f"/courses/{SLUG}/evaluation", {"relevance": "4", "time": "less", "improve": "=1+1"})
    assert sent.status_code == 302
    assert session.get(SurveyParticipation, (user.id, cohort.course_id)) is not None
    again = client.get(f"/courses/{SLUG}/evaluation")
    assert "You have answered" in again.text
    assert f"/courses/{SLUG}/evaluation\"" not in client.get(f"/courses/{SLUG}").text  # no more prompt


def test_trainee_answers_through_the_api(app, client, session, make_cohort, completer, add_member):
    cohort = make_cohort()
    user, _enrolment = completer(cohort)
    login(client, user)
    document = client.api("GET", f"/api/v1/courses/{SLUG}/survey")
    assert document.status_code == 200 and document.json["status"] == "open"
    assert [i["slug"] for i in document.json["items"]] == ["relevance", "tutor", "time", "improve"]
    assert client.api("POST", f"/api/v1/courses/{SLUG}/survey/responses",
                      json={"answers": {"relevance": 0, "time": "less"}}).status_code == 422
    created = client.api("POST", f"/api/v1/courses/{SLUG}/survey/responses", json={"answers": GOOD})
    assert created.status_code == 201 and created.json["status"] == "answered"
    assert client.api("POST", f"/api/v1/courses/{SLUG}/survey/responses", json={"answers": GOOD}).status_code == 409
    newcomer, _ = add_member(cohort)
    client = app.test_client()
    login(client, newcomer)
    assert client.api("POST", f"/api/v1/courses/{SLUG}/survey/responses", json={"answers": GOOD}).status_code == 403
    assert client.api("GET", "/api/v1/courses/no-such-course/survey").status_code == 404


@pytest.fixture
def answered(session, make_cohort, make_user, answer):
    tutor = make_user(roles=("tutor",))
    other_tutor = make_user(roles=("tutor",))
    cohort = make_cohort(tutors=[tutor])
    for index in range(5):
        answer(cohort, {**GOOD, "improve": f"=cmd{index}"}, gender="female")
    return {"cohort": cohort, "tutor": tutor, "other_tutor": other_tutor}


def test_results_page_api_and_downloads_for_a_manager(client, answered, regional_manager):
    login(client, regional_manager)
    page = client.get(f"/courses/{SLUG}/evaluation/results?by=cohort")
    assert page.status_code == 200 and "=cmd0" in page.text
    api = client.api("GET", f"/api/v1/courses/{SLUG}/survey/results?by=cohort")
    assert api.status_code == 200
    relevance = api.json["items"][0]
    assert relevance["total"]["answers"] == 5 and relevance["total"]["mean"] == 4.0
    assert relevance["groups"][0]["counts"] == {"4": 5}
    data = client.get(f"/courses/{SLUG}/evaluation/results.csv", buffered=True).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert [cell for row in rows for cell in row if cell.endswith("=cmd0")] == ["'=cmd0"]  # neutralised
    xlsx = client.get(f"/courses/{SLUG}/evaluation/results.xlsx", buffered=True)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"/courses/{SLUG}/evaluation/results?by=colour").status_code == 422
    assert client.api("GET", f"/api/v1/courses/{SLUG}/survey/results?by=colour").status_code == 422


def test_refusals_in_both_doors(app, session, answered, make_user):
    cohort = answered["cohort"]
    albania = make_user(roles=("manager",), beneficiary="AL", scope="national")
    client = app.test_client()
    login(client, albania)
    assert client.get(f"/courses/{SLUG}/evaluation/results?beneficiary=RS").status_code == 403
    assert client.api("GET", f"/api/v1/courses/{SLUG}/survey/results?beneficiary=RS").status_code == 403
    assert client.api("GET", f"/api/v1/courses/{SLUG}/survey/results").json["responses"] == 0
    client = app.test_client()
    login(client, answered["tutor"])  # the group is still running
    choose = client.get(f"/courses/{SLUG}/evaluation/results")
    assert choose.status_code == 200 and "Choose one of your groups" in choose.text
    assert client.get(f"/courses/{SLUG}/evaluation/results?cohort={cohort.id}").status_code == 403
    assert client.api("GET", f"/api/v1/courses/{SLUG}/survey/results?cohort={cohort.id}").status_code == 403
    end(session, cohort)
    assert client.get(f"/courses/{SLUG}/evaluation/results?cohort={cohort.id}").status_code == 200
    assert client.api("GET", f"/api/v1/courses/{SLUG}/survey/results?cohort={cohort.id}").status_code == 200
    client = app.test_client()
    login(client, answered["other_tutor"])
    assert client.get(f"/courses/{SLUG}/evaluation/results?cohort={cohort.id}").status_code == 404
    assert client.api("GET", f"/api/v1/courses/{SLUG}/survey/results?cohort={cohort.id}").status_code == 404
    client = app.test_client()
    login(client, make_user())
    assert client.get(f"/courses/{SLUG}/evaluation/results").status_code == 403
    assert client.api("GET", f"/api/v1/courses/{SLUG}/survey/results").status_code == 403


def test_results_page_queries_do_not_grow_with_the_responses(client, session, make_cohort, answer,
                                                             regional_manager, count_queries):
    cohort = make_cohort()
    login(client, regional_manager)
    answer(cohort)
    with count_queries() as small:
        assert client.get(f"/courses/{SLUG}/evaluation/results?by=cohort").status_code == 200
    for gender in ("female", "male", "female", "male", None, "female"):
        answer(make_cohort(), gender=gender)
    with count_queries() as large:
        assert client.get(f"/courses/{SLUG}/evaluation/results?by=cohort").status_code == 200
    assert large.count == small.count
