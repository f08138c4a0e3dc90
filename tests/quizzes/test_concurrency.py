"""Races that only a database with concurrent writers can show: twenty submits of one attempt,
two tabs starting an attempt, two tutors grading one essay."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from lms.courses.models import ProgressEvent
from lms.quizzes.models import AttemptAnswer, QuizAttempt
from tests.quizzes.conftest import perfect_basics, questions_by_name

pytestmark = [pytest.mark.skipif(
    not os.environ.get("LMS_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="SQLite runs one writer at a time, so these races cannot happen there; they need PostgreSQL"),
    pytest.mark.commits]


def race(app, count: int, request):
    """Run ``request(client)`` from ``count`` threads at once; return the responses."""
    barrier = threading.Barrier(count)
    responses: list = [None] * count

    def run(index):
        client = app.test_client()
        barrier.wait()
        responses[index] = request(client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def test_twenty_concurrent_submits_give_one_graded_attempt(app, client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    body = client.api("POST", f"/api/v1/quizzes/{quiz_course['basics'].id}/attempts", token=token).get_json()
    answers = perfect_basics(questions_by_name(body, session))
    client.api("PUT", f"/api/v1/attempts/{body['id']}/answers", json={"answers": answers}, token=token)
    session.commit()

    responses = race(app, 20, lambda c: c.api("POST", f"/api/v1/attempts/{body['id']}/submit",
                                              json={"answers": answers}, token=token))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}, statuses
    results = {str(r.get_json()) for r in responses if r.status_code == 200}
    assert len(results) == 1 and statuses.count(200) >= 1
    session.expire_all()
    attempts = session.scalars(select(QuizAttempt).where(QuizAttempt.enrolment_id == trainee.enrolment.id)).all()
    assert len(attempts) == 1 and attempts[0].state == "graded" and attempts[0].score == 100.0
    assert session.scalar(select(func.count()).select_from(ProgressEvent).where(
        ProgressEvent.kind == "quiz_attempt_graded", ProgressEvent.subject_id == body["id"])) == 1


def test_two_tabs_starting_at_once_share_one_attempt(app, session, trainee, quiz_course, token_for):
    token, url = token_for(trainee), f"/api/v1/quizzes/{quiz_course['basics'].id}/attempts"
    responses = race(app, 2, lambda c: c.api("POST", url, token=token))
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert len({r.get_json()["id"] for r in responses}) == 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_two_tutors_grading_one_essay_at_once_one_wins_and_the_other_is_told(
        app, client, session, trainee, make_user, quiz_course, token_for, grader_rule):
    token = token_for(trainee)
    body = client.api("POST", f"/api/v1/quizzes/{quiz_course['practice'].id}/attempts", token=token).get_json()
    items = questions_by_name(body, session)
    client.api("POST", f"/api/v1/attempts/{body['id']}/submit", token=token, json={"answers": [
        {"position": items["p-essay"]["position"], "response": {"text": "My essay."}}]})
    essay = session.scalar(select(AttemptAnswer.id).where(AttemptAnswer.needs_grading.is_(True)))
    tokens = [token_for(make_user(roles=("tutor",), email=f"tutor{i}@example.org")) for i in range(2)]
    session.commit()
    fractions = iter([0.25, 0.75])
    lock = threading.Lock()

    def grade(c):
        with lock:
            mine = tokens.pop()
            fraction = next(fractions)
        return c.api("PUT", f"/api/v1/essay-answers/{essay}/grade", token=mine,
                     json={"fraction": fraction, "feedback": str(fraction), "expected_version": 1})

    responses = race(app, 2, grade)
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200).get_json()
    loser = next(r for r in responses if r.status_code == 409).get_json()
    # core.errors renders payload values as text
    assert float(loser["current"]["fraction"]) == winner["fraction"]
    session.expire_all()
    assert session.get(AttemptAnswer, essay).version == 2
