"""Lessons marked done offline, sent when the phone is back online: counted once, the trainee's way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.courses.models import Enrolment, Lesson, LessonCompletion, ProgressEvent
from lms.extensions import db
from tests.conftest import login

URL = "/api/v1/enrolments/{}/offline-completions"


def _lesson(session, slug: str) -> Lesson:
    return session.scalar(db.select(Lesson).where(Lesson.slug == slug))


def _iso(moment: datetime) -> str:
    return moment.isoformat()


@pytest.fixture
def trainee(client, session, imported, make_user):
    user = make_user()
    login(client, user)
    enrolment_id = client.api("POST", "/api/v1/me/enrolments", json={"course": "self-paced-basics"}).get_json()["id"]
    enrolment = session.get(Enrolment, enrolment_id)
    enrolment.enrolled_at = datetime.now(UTC) - timedelta(days=3)   # enrolled a few days ago
    session.commit()
    return user, enrolment_id


def _completions(session, enrolment_id: int) -> list[LessonCompletion]:
    return list(session.scalars(db.select(LessonCompletion).where(LessonCompletion.enrolment_id == enrolment_id)))


def test_a_lesson_done_offline_counts_once_however_often_it_is_sent(client, session, trainee):
    _user, enrolment_id = trainee
    lesson = _lesson(session, "welcome")
    done_at = datetime.now(UTC) - timedelta(minutes=30)
    body = {"completions": [{"lesson": lesson.id, "done_at": _iso(done_at)}]}
    first = client.api("POST", URL.format(enrolment_id), json=body)
    again = client.api("POST", URL.format(enrolment_id), json=body)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.get_json()["lessons"][0]["status"] == "recorded"
    assert again.get_json()["lessons"][0]["status"] == "already_done"
    assert again.get_json()["progress"]["lessons_done"] == 1
    assert len(_completions(session, enrolment_id)) == 1
    events = session.scalar(db.select(db.func.count(ProgressEvent.id)).where(
        ProgressEvent.enrolment_id == enrolment_id, ProgressEvent.kind == "lesson_completed"))
    assert events == 1
    progress = client.get(f"/api/v1/enrolments/{enrolment_id}/progress").get_json()
    assert progress["lessons_done"] == 1 and progress["completed_lessons"] == [lesson.id]


def test_the_same_lesson_twice_in_one_batch_counts_once_at_the_earlier_time(client, session, trainee):
    _user, enrolment_id = trainee
    lesson = _lesson(session, "welcome")
    early = datetime.now(UTC) - timedelta(hours=2)
    late = datetime.now(UTC) - timedelta(hours=1)
    response = client.api("POST", URL.format(enrolment_id), json={"completions": [
        {"lesson": lesson.id, "done_at": _iso(late)}, {"lesson": lesson.id, "done_at": _iso(early)}]})
    assert response.status_code == 200
    assert len(response.get_json()["lessons"]) == 1
    (row,) = _completions(session, enrolment_id)
    assert abs(row.completed_at.replace(tzinfo=UTC) - early) < timedelta(seconds=1)


def test_done_online_later_keeps_the_earlier_offline_time_and_counts_once(client, session, trainee):
    _user, enrolment_id = trainee
    lesson = _lesson(session, "welcome")
    client.api("PUT", f"/api/v1/lessons/{lesson.id}/completion")   # online, now
    offline_time = datetime.now(UTC) - timedelta(minutes=45)
    response = client.api("POST", URL.format(enrolment_id), json={"completions": [
        {"lesson": lesson.id, "done_at": _iso(offline_time)}]})
    assert response.get_json()["lessons"][0]["status"] == "already_done"
    (row,) = _completions(session, enrolment_id)
    assert abs(row.completed_at.replace(tzinfo=UTC) - offline_time) < timedelta(seconds=1)
    # and a later online completion of the same lesson changes nothing
    assert client.api("PUT", f"/api/v1/lessons/{lesson.id}/completion").get_json()["lessons_done"] == 1
    assert len(_completions(session, enrolment_id)) == 1


def test_a_later_offline_time_does_not_move_an_earlier_completion(client, session, trainee):
    _user, enrolment_id = trainee
    lesson = _lesson(session, "welcome")
    client.api("PUT", f"/api/v1/lessons/{lesson.id}/completion")
    (row,) = _completions(session, enrolment_id)
    recorded = row.completed_at
    client.api("POST", URL.format(enrolment_id), json={"completions": [
        {"lesson": lesson.id, "done_at": _iso(datetime.now(UTC) + timedelta(minutes=2))}]})
    session.expire_all()
    (row,) = _completions(session, enrolment_id)
    assert row.completed_at == recorded


def test_a_time_before_the_enrolment_counts_as_the_enrolment_time(client, session, trainee):
    _user, enrolment_id = trainee
    lesson = _lesson(session, "welcome")
    response = client.api("POST", URL.format(enrolment_id), json={"completions": [
        {"lesson": lesson.id, "done_at": "2001-01-01T08:00:00Z"}]})
    assert response.status_code == 200
    enrolment = session.get(Enrolment, enrolment_id)
    (row,) = _completions(session, enrolment_id)
    assert row.completed_at.replace(tzinfo=UTC) == enrolment.enrolled_at.replace(tzinfo=UTC)


def test_every_lesson_done_offline_completes_the_course(client, session, trainee):
    _user, enrolment_id = trainee
    lessons = session.scalars(db.select(Lesson).join(Enrolment, Enrolment.course_id == Lesson.course_id)
                              .where(Enrolment.id == enrolment_id, Lesson.is_retired.is_(False))).all()
    now = datetime.now(UTC)
    response = client.api("POST", URL.format(enrolment_id), json={"completions": [
        {"lesson": lesson.id, "done_at": _iso(now - timedelta(minutes=10 - i))} for i, lesson in enumerate(lessons)]})
    progress = response.get_json()["progress"]
    assert progress["lessons_done"] == progress["lessons_total"] == len(lessons)
    assert progress["completed"] is True


def test_a_trainee_cannot_mark_another_trainees_enrolment(app, session, imported, make_user, trainee):
    _owner, enrolment_id = trainee
    stranger = app.test_client()
    login(stranger, make_user())
    lesson = _lesson(session, "welcome")
    body = {"completions": [{"lesson": lesson.id, "done_at": _iso(datetime.now(UTC))}]}
    assert stranger.api("POST", URL.format(enrolment_id), json=body).status_code == 404
    assert stranger.api("POST", URL.format(999999), json=body).status_code == 404
    assert _completions(session, enrolment_id) == []


def test_a_tutor_cannot_mark_a_trainees_enrolment_either(app, session, imported, make_user, trainee):
    _owner, enrolment_id = trainee
    staff = app.test_client()
    login(staff, make_user(roles=("tutor", "manager", "admin")))
    body = {"completions": [{"lesson": _lesson(session, "welcome").id, "done_at": _iso(datetime.now(UTC))}]}
    assert staff.api("POST", URL.format(enrolment_id), json=body).status_code == 404
    assert _completions(session, enrolment_id) == []


def test_a_withdrawn_enrolment_is_refused(client, session, trainee):
    _user, enrolment_id = trainee
    enrolment = session.get(Enrolment, enrolment_id)
    enrolment.status = "withdrawn"
    session.commit()
    body = {"completions": [{"lesson": _lesson(session, "welcome").id, "done_at": _iso(datetime.now(UTC))}]}
    assert client.api("POST", URL.format(enrolment_id), json=body).status_code == 403
    assert _completions(session, enrolment_id) == []


def test_a_lesson_of_another_course_is_refused_and_nothing_is_recorded(client, session, trainee):
    _user, enrolment_id = trainee
    now = _iso(datetime.now(UTC))
    response = client.api("POST", URL.format(enrolment_id), json={"completions": [
        {"lesson": _lesson(session, "welcome").id, "done_at": now},
        {"lesson": _lesson(session, "first").id, "done_at": now}]})
    assert response.status_code == 422
    assert "completions.1.lesson" in response.get_json()["errors"]
    assert _completions(session, enrolment_id) == []


@pytest.mark.parametrize(("body", "field"), [
    ({}, "completions"),
    ({"completions": []}, "completions"),
    ({"completions": [{"lesson": "one", "done_at": "2026-01-01T00:00:00Z"}]}, "completions"),
    ({"completions": [{"lesson": 1, "done_at": "yesterday"}]}, "completions"),
    ({"completions": [{"lesson": 1}]}, "completions"),
    ({"completions": [{"lesson": 1, "done_at": "2026-01-01T00:00:00Z", "extra": 1}]}, "completions"),
    ({"completions": [{"lesson": 1, "done_at": "2026-01-01T00:00:00Z"}] * 201}, "completions"),
])
def test_bad_input_is_refused_naming_the_field(client, session, trainee, body, field):
    _user, enrolment_id = trainee
    response = client.api("POST", URL.format(enrolment_id), json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert _completions(session, enrolment_id) == []


def test_a_time_in_the_future_is_refused(client, session, trainee):
    _user, enrolment_id = trainee
    response = client.api("POST", URL.format(enrolment_id), json={"completions": [
        {"lesson": _lesson(session, "welcome").id, "done_at": _iso(datetime.now(UTC) + timedelta(days=2))}]})
    assert response.status_code == 422
    assert "completions.0.done_at" in response.get_json()["errors"]
    assert _completions(session, enrolment_id) == []


def test_the_sync_needs_a_signed_in_trainee_and_the_csrf_token(client, session, trainee):
    _user, enrolment_id = trainee
    body = {"completions": [{"lesson": _lesson(session, "welcome").id, "done_at": _iso(datetime.now(UTC))}]}
    without_token = client.post(URL.format(enrolment_id), json=body)
    assert without_token.status_code == 400
    anonymous = client.application.test_client()
    assert anonymous.post(URL.format(enrolment_id), json=body).status_code == 401
    assert _completions(session, enrolment_id) == []
