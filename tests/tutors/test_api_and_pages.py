"""The JSON door (documented in OpenAPI) and every page of tutored groups, for the roles that use them."""

from __future__ import annotations

from lms.accounts.operations import create_api_token
from lms.extensions import db
from lms.tutors.models import Cohort
from tests.conftest import login

TUTOR_PATHS = [
    "/api/v1/cohorts", "/api/v1/cohorts/{cohort_id}", "/api/v1/cohorts/{cohort_id}/key",
    "/api/v1/cohorts/{cohort_id}/progress", "/api/v1/cohorts/join", "/api/v1/me/submissions",
    "/api/v1/courses/{slug}/assignments", "/api/v1/assignments/{assignment_id}",
    "/api/v1/assignments/{assignment_id}/draft", "/api/v1/assignments/{assignment_id}/submission",
    "/api/v1/assignments/{assignment_id}/attachments", "/api/v1/tutor/queue",
    "/api/v1/submissions/{submission_id}", "/api/v1/submissions/{submission_id}/grade",
    "/api/v1/submissions/{submission_id}/correction", "/api/v1/submissions/{submission_id}/audit",
]


def test_every_endpoint_is_in_the_valid_openapi_document(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    for path in TUTOR_PATHS:
        assert path in document["paths"], path
    grade = document["paths"]["/api/v1/submissions/{submission_id}/grade"]["post"]
    assert {"200", "404", "409", "422"} <= set(grade["responses"])
    assert grade.get("summary") or grade.get("description")


def test_manager_creates_edits_and_rotates_a_group_through_the_api(client, session, casework, make_user,
                                                                   regional_manager):
    tutor = make_user(roles=("tutor",), beneficiary="ME")
    _token, plain = create_api_token(session, regional_manager, "script")
    session.commit()
    created = client.api("POST", "/api/v1/cohorts", token=plain, json={
        "course": casework.slug, "beneficiary": "ME", "name": "Montenegro autumn", "language": "cnr",
        "starts_on": "2026-09-07", "ends_on": "2026-11-30", "capacity": 20, "tutor_ids": [tutor.id]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["beneficiary"] == "ME" and body["tutors"] == [{"id": tutor.id, "full_name": tutor.full_name}]
    assert body["members"] == 0 and len(body["enrolment_key"]) == 9
    patched = client.api("PATCH", f"/api/v1/cohorts/{body['id']}", token=plain,
                         json={"version": body["version"], "capacity": 25})
    assert patched.status_code == 200 and patched.get_json()["capacity"] == 25
    stale = client.api("PATCH", f"/api/v1/cohorts/{body['id']}", token=plain,
                       json={"version": body["version"], "capacity": 30})
    assert stale.status_code == 409
    rotated = client.api("POST", f"/api/v1/cohorts/{body['id']}/key", token=plain)
    assert rotated.get_json()["enrolment_key"] != body["enrolment_key"]
    invalid = client.api("POST", "/api/v1/cohorts", token=plain, json={
        "course": "no-such-course", "beneficiary": "ME", "name": "x", "language": "cnr",
        "starts_on": "2026-09-07", "ends_on": "2026-11-30", "capacity": 20, "tutor_ids": []})
    assert invalid.status_code == 422
    assert set(invalid.get_json()["errors"]) >= {"course", "tutor_ids"}  # named as the body names them


def test_trainees_see_their_groups_without_keys(client, make_cohort, add_member):
    cohort, _other = make_cohort(name="Mine"), make_cohort(name="Other")
    trainee, _ = add_member(cohort)
    login(client, trainee)
    groups = client.api("GET", "/api/v1/cohorts").get_json()
    assert [g["name"] for g in groups] == ["Mine"] and "enrolment_key" not in groups[0]
    assert client.api("GET", f"/api/v1/cohorts/{cohort.id}").status_code == 404


def test_join_api_answers_201_then_200(client, make_cohort, make_user):
    cohort = make_cohort()
    login(client, make_user())
    assert client.api("POST", "/api/v1/cohorts/join", json={"key": cohort.display_key}).status_code == 201
    again = client.api("POST", "/api/v1/cohorts/join", json={"key": cohort.enrolment_key.lower()})
    assert again.status_code == 200 and again.get_json()["status"] == "active"


def test_manager_pages_render(client, session, make_cohort, add_member, regional_manager):
    cohort = make_cohort()
    add_member(cohort, full_name="Page Trainee")
    login(client, regional_manager)
    for url in ("/cohorts", "/cohorts/new", f"/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/edit",
                f"/cohorts/{cohort.id}/enrol", f"/cohorts/{cohort.id}/progress"):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert cohort.display_key in html and "Page Trainee" in html and "Serbia" in html
    nav = client.get("/cohorts").get_data(as_text=True)
    assert 'href="/cohorts"' in nav and 'href="/tutor/queue"' not in nav


def test_tutor_pages_render_and_nav_links_appear(client, make_cohort, add_member, assignments, submit_work):
    cohort = make_cohort()
    trainee, _ = add_member(cohort)
    submission = submit_work(trainee, assignments["assessment-case"])
    login(client, cohort.tutors[0])
    for url in ("/tutor/queue", "/tutor/groups", "/tutor/notifications", f"/cohorts/{cohort.id}",
                f"/submissions/{submission.id}", f"/courses/{cohort.course.slug}/assignments/assessment-case"):
        assert client.get(url).status_code == 200, url
    nav = client.get("/tutor/queue").get_data(as_text=True)
    assert 'href="/tutor/queue"' in nav and 'href="/tutor/groups"' in nav and 'href="/cohorts"' not in nav
    preview = client.get(f"/courses/{cohort.course.slug}/assignments/assessment-case").get_data(as_text=True)
    assert "You are previewing this case study" in preview and 'name="body"' not in preview


def test_outsiders_cannot_open_a_case_study(client, casework, make_user):
    login(client, make_user())
    assert client.get(f"/courses/{casework.slug}/assignments/assessment-case").status_code == 403
    assert client.get(f"/courses/{casework.slug}/assignments/no-such-case").status_code == 404


def test_anonymous_visitors_see_a_sign_in_link_to_join(client, casework):
    html = client.get(f"/courses/{casework.slug}").get_data(as_text=True)
    assert "Sign in to join with your key" in html
    assert client.get("/join").status_code == 302


def test_a_group_survives_in_the_database_as_created(session, make_cohort):
    cohort = make_cohort(language="sr_Latn")
    session.expire_all()
    stored = session.get(Cohort, cohort.id)
    assert stored.tutor_ids == {cohort.tutors[0].id} and stored.language == "sr_Latn"
    assert db.session.scalar(db.select(Cohort.enrolment_key).where(Cohort.id == cohort.id)).isupper()
