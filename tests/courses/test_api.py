"""The JSON API for courses, enrolments, lessons and progress."""

from __future__ import annotations

from lms.courses.models import Enrolment, Lesson
from lms.extensions import db
from tests.conftest import login


def test_course_list_and_outline_are_public(client, imported):
    courses = client.get("/api/v1/courses").get_json()
    assert {"self-paced-basics", "tutored-basics"} <= {c["slug"] for c in courses}
    detail = client.get("/api/v1/courses/self-paced-basics").get_json()
    assert [m["slug"] for m in detail["modules"]] == ["intro", "practice"]
    assert [le["slug"] for le in detail["modules"][0]["lessons"]] == ["welcome", "standards"]
    assert client.get("/api/v1/courses/nope").status_code == 404


def test_outline_follows_accept_language(client, imported):
    detail = client.get("/api/v1/courses/self-paced-basics", headers={"Accept-Language": "sr-Latn-RS"}).get_json()
    assert detail["title"] == "Osnove probacije"


def test_enrol_through_the_api_is_idempotent(client, session, imported, make_user):
    login(client, make_user())
    first = client.api("POST", "/api/v1/me/enrolments", json={"course": "self-paced-basics"})
    second = client.api("POST", "/api/v1/me/enrolments", json={"course": "self-paced-basics"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"]
    listed = client.get("/api/v1/me/enrolments").get_json()
    assert [e["course"] for e in listed] == ["self-paced-basics"]


def test_api_refuses_a_tutored_course_without_a_group(client, session, imported, make_user):
    login(client, make_user())
    response = client.api("POST", "/api/v1/me/enrolments", json={"course": "tutored-basics"})
    assert response.status_code == 403
    assert "tutored group" in response.get_json()["errors"]["_general"][0]
    assert session.scalar(db.select(db.func.count(Enrolment.id))) == 0


def test_bad_json_body_gets_field_errors(client, imported, make_user):
    login(client, make_user())
    response = client.api("POST", "/api/v1/me/enrolments", json={"courses": 5})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "course" in errors and "courses" in errors


def test_lesson_completion_and_progress(client, session, imported, make_user):
    login(client, make_user())
    client.api("POST", "/api/v1/me/enrolments", json={"course": "self-paced-basics"})
    lesson = session.scalar(db.select(Lesson).where(Lesson.slug == "welcome"))
    body = client.api("PUT", f"/api/v1/lessons/{lesson.id}/completion").get_json()
    assert body["lessons_done"] == 1 and body["lessons_total"] == 3 and body["percent"] == 33
    assert body["completed_lessons"] == [lesson.id]
    text = client.get(f"/api/v1/lessons/{lesson.id}").get_json()
    assert text["completed"] is True and "<em>support</em>" in text["html"]
    mine = client.get("/api/v1/me/progress").get_json()
    assert mine[0]["course"] == "self-paced-basics" and mine[0]["requirements"][0]["kind"] == "lessons"


def test_another_users_progress_is_not_found(app, session, imported, make_user):
    owner, stranger = make_user(), make_user()
    owner_client, stranger_client = app.test_client(), app.test_client()
    login(owner_client, owner)
    login(stranger_client, stranger)
    enrolment_id = owner_client.api("POST", "/api/v1/me/enrolments", json={"course": "self-paced-basics"}).get_json()["id"]
    assert owner_client.get(f"/api/v1/enrolments/{enrolment_id}/progress").status_code == 200
    assert stranger_client.get(f"/api/v1/enrolments/{enrolment_id}/progress").status_code == 404
    assert stranger_client.get("/api/v1/enrolments/999999/progress").status_code == 404


def test_api_needs_authentication_for_personal_data(client, imported):
    for method, url in (("GET", "/api/v1/me/enrolments"), ("GET", "/api/v1/me/progress"),
                        ("PUT", "/api/v1/lessons/1/completion"), ("GET", "/api/v1/lessons/1")):
        response = client.open(url, method=method)
        assert response.status_code == 401 and response.is_json
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_completing_a_lesson_of_a_course_one_is_not_in_is_refused(client, session, imported, make_user):
    login(client, make_user())
    lesson = session.scalar(db.select(Lesson).where(Lesson.slug == "first"))
    response = client.api("PUT", f"/api/v1/lessons/{lesson.id}/completion")
    assert response.status_code == 403
