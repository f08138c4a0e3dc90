"""Essays wait for a tutor: the queue the tutors' feature reads, grading with a version
counter and an audit entry, and the score that becomes final with the last essay."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.core.audit import entries_for
from lms.core.errors import Conflict, NotAllowed, ValidationFailed
from lms.courses.models import Enrolment, ProgressEvent
from lms.quizzes import operations as ops
from lms.quizzes.models import AttemptAnswer, QuizAttempt
from tests.conftest import login
from tests.quizzes.conftest import questions_by_name

ESSAY_TEXT = "I would ask the instructor what exactly was seen, and write it down."


def submit_practice(client, session, quiz_course, token, *, essay=ESSAY_TEXT, tf=True):
    body = client.api("POST", f"/api/v1/quizzes/{quiz_course['practice'].id}/attempts", token=token).get_json()
    items = questions_by_name(body, session)
    answers = [{"position": items["p-tf"]["position"], "response": {"value": tf}}]
    if essay is not None:
        answers.append({"position": items["p-essay"]["position"], "response": {"text": essay}})
    submitted = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={"answers": answers}, token=token)
    assert submitted.status_code == 200
    essay_id = session.scalar(select(AttemptAnswer.id).where(
        AttemptAnswer.attempt_id == body["id"], AttemptAnswer.position == items["p-essay"]["position"]))
    return body["id"], essay_id


@pytest.fixture
def tutor(make_user):
    return make_user(roles=("tutor",), email="tutor@example.org")


def course_enrolments(course_id):
    return select(Enrolment.id).where(Enrolment.course_id == course_id)


def test_an_attempt_with_an_essay_awaits_grading(client, session, trainee, quiz_course, token_for):
    attempt_id, _essay = submit_practice(client, session, quiz_course, token_for(trainee))
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt.state == "awaiting_grading" and attempt.score is None and attempt.marks == 1.0
    summary = client.api("GET", f"/api/v1/quizzes/{quiz_course['practice'].id}/attempts",
                         token=token_for(trainee)).get_json()[0]
    assert summary["state"] == "awaiting_grading" and summary["score"] is None


def test_an_unanswered_essay_needs_no_tutor(client, session, trainee, quiz_course, token_for):
    attempt_id, _essay = submit_practice(client, session, quiz_course, token_for(trainee), essay=None)
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt.state == "graded" and attempt.score == 50.0 and attempt.passed


def test_the_queue_offers_each_essay_awaiting_grading_with_its_trainee_and_submission(
        app, client, session, make_user, quiz_course, enrol, token_for):
    trainees = [make_user() for _ in range(3)]
    essays, enrolled = [], []
    for user in trainees:
        enrolled.append(enrol(user, quiz_course["course"]).id)
        essays.append(submit_practice(client, session, quiz_course, token_for(user))[1])
    rows = session.execute(ops.essay_queue_items(course_enrolments(quiz_course["course"].id))).all()
    assert sorted((row.item_id, row.enrolment_id) for row in rows) == list(zip(essays, enrolled, strict=True))
    assert {row.status for row in rows} == {"awaiting"} and all(row.submitted_at is not None for row in rows)
    assert {row.module_id for row in rows} == {quiz_course["practice"].module_id}
    only_first = select(Enrolment.id).where(Enrolment.user_id == trainees[0].id)
    assert [row.item_id for row in session.execute(ops.essay_queue_items(only_first))] == [essays[0]]


def test_reading_the_queue_takes_the_same_number_of_queries_whatever_its_length(
        app, client, session, make_user, quiz_course, enrol, token_for, count_queries):
    enrolments = course_enrolments(quiz_course["course"].id)

    def queries():
        with count_queries() as counter, app.test_request_context():
            ids = [row.item_id for row in session.execute(ops.essay_queue_items(enrolments))]
            ops.essay_queue_describe(session, ids)
        return counter.count

    user = make_user()
    enrol(user, quiz_course["course"])
    submit_practice(client, session, quiz_course, token_for(user))
    few = queries()
    for _ in range(4):
        other = make_user()
        enrol(other, quiz_course["course"])
        submit_practice(client, session, quiz_course, token_for(other))
    assert queries() == few == 2


def test_only_a_grader_of_the_trainee_may_grade(client, session, trainee, tutor, quiz_course, token_for):
    _attempt, essay = submit_practice(client, session, quiz_course, token_for(trainee))
    with pytest.raises(NotAllowed):
        ops.grade_essay_answer(session, tutor, essay, fraction=1.0, feedback="", expected_version=1)
    session.rollback()
    with pytest.raises(NotAllowed):
        ops.grade_essay_answer(session, trainee, essay, fraction=1.0, feedback="", expected_version=1)
    session.rollback()
    refused = client.api("PUT", f"/api/v1/essay-answers/{essay}/grade", token=token_for(tutor),
                         json={"fraction": 1, "expected_version": 1})
    assert refused.status_code == 403
    login(client, tutor)
    assert client.get(f"/quizzes/answers/{essay}/grade").status_code == 403


def test_grading_the_last_essay_makes_the_score_final_and_counts_for_progress(
        client, session, trainee, tutor, quiz_course, token_for, grader_rule):
    attempt_id, essay = submit_practice(client, session, quiz_course, token_for(trainee))
    answer = ops.grade_essay_answer(session, tutor, essay, fraction=0.5, feedback="Good facts; no labels.",
                                    expected_version=1)
    session.commit()
    assert answer.version == 2 and answer.graded_by_id == tutor.id and not answer.needs_grading
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt.state == "graded" and attempt.score == 75.0 and attempt.passed is True
    assert session.scalar(select(ProgressEvent.id).where(ProgressEvent.kind == "quiz_attempt_graded",
                                                         ProgressEvent.subject_id == attempt_id))
    [entry] = entries_for(session, "quiz_attempt_answer", essay)
    assert entry.actor_id == tutor.id and entry.action == "quiz.essay_graded"
    assert entry.before["fraction"] is None and entry.after["fraction"] == 0.5
    queue = session.execute(ops.essay_queue_items(course_enrolments(quiz_course["course"].id))).all()
    assert [row.status for row in queue] == ["graded"]


def test_a_second_tutor_cannot_overwrite_a_grade(client, session, trainee, tutor, make_user, quiz_course, token_for,
                                                 grader_rule):
    _attempt, essay = submit_practice(client, session, quiz_course, token_for(trainee))
    other = make_user(roles=("tutor",), email="tutor2@example.org")
    ops.grade_essay_answer(session, tutor, essay, fraction=0.8, feedback="First.", expected_version=1)
    session.commit()
    with pytest.raises(Conflict) as caught:
        ops.grade_essay_answer(session, other, essay, fraction=0.1, feedback="Second.", expected_version=1)
    session.rollback()
    current = caught.value.payload["current"]
    assert current["fraction"] == 0.8 and current["graded_by"] == tutor.full_name and current["version"] == 2
    response = client.api("PUT", f"/api/v1/essay-answers/{essay}/grade", token=token_for(other),
                          json={"fraction": 0.1, "feedback": "Second.", "expected_version": 1})
    assert response.status_code == 409 and response.get_json()["current"]["feedback"] == "First."
    assert session.get(AttemptAnswer, essay).feedback == "First."


def test_a_regrade_with_the_current_version_updates_the_score(client, session, trainee, tutor, quiz_course,
                                                              token_for, grader_rule):
    attempt_id, essay = submit_practice(client, session, quiz_course, token_for(trainee), tf=False)
    ops.grade_essay_answer(session, tutor, essay, fraction=0.5, feedback="", expected_version=1)
    session.commit()
    assert session.get(QuizAttempt, attempt_id).passed is False      # 25% < 50%
    ops.grade_essay_answer(session, tutor, essay, fraction=1.0, feedback="On reflection, full marks.",
                           expected_version=2)
    session.commit()
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt.score == 50.0 and attempt.passed is True
    assert len(entries_for(session, "quiz_attempt_answer", essay)) == 2


def test_a_grade_outside_zero_to_one_is_refused(client, session, trainee, tutor, quiz_course, token_for,
                                                grader_rule):
    _attempt, essay = submit_practice(client, session, quiz_course, token_for(trainee))
    with pytest.raises(ValidationFailed) as caught:
        ops.grade_essay_answer(session, tutor, essay, fraction=1.5, feedback="", expected_version=1)
    assert "fraction" in caught.value.errors
    session.rollback()
    response = client.api("PUT", f"/api/v1/essay-answers/{essay}/grade", token=token_for(tutor),
                          json={"fraction": -0.2, "expected_version": 1})
    assert response.status_code == 422


def test_the_grading_page_and_api(client, session, trainee, tutor, quiz_course, token_for, grader_rule):
    _attempt, essay = submit_practice(client, session, quiz_course, token_for(trainee))
    shown = client.api("GET", f"/api/v1/essay-answers/{essay}", token=token_for(tutor)).get_json()
    assert shown["response"] == ESSAY_TEXT and shown["needs_grading"] and shown["version"] == 1
    assert shown["trainee"] == trainee.full_name
    login(client, tutor)
    page = client.get(f"/quizzes/answers/{essay}/grade")
    assert page.status_code == 200 and ESSAY_TEXT in page.get_data(as_text=True)
    assert "A good answer checks the facts" in page.get_data(as_text=True)    # the question's general feedback
    saved = client.form(f"/quizzes/answers/{essay}/grade", {"percent": "80", "feedback": "Clear.", "version": "1"})
    assert saved.status_code == 303
    stale = client.form(f"/quizzes/answers/{essay}/grade", {"percent": "10", "feedback": "Hm.", "version": "1"})
    assert stale.status_code == 409 and "Someone else graded" in stale.get_data(as_text=True)
    bad = client.form(f"/quizzes/answers/{essay}/grade", {"percent": "180", "version": "2"})
    assert bad.status_code == 422
    answer = session.get(AttemptAnswer, essay)
    assert answer.fraction == 0.8 and answer.feedback == "Clear."


def test_the_trainee_sees_the_tutors_feedback_in_the_review_when_allowed(client, session, trainee, tutor,
                                                                          quiz_course, token_for, grader_rule):
    quiz = quiz_course["practice"]
    quiz.review = "after_submit"
    session.commit()
    attempt_id, essay = submit_practice(client, session, quiz_course, token_for(trainee))
    ops.grade_essay_answer(session, tutor, essay, fraction=1.0, feedback="Well reasoned.", expected_version=1)
    session.commit()
    review = client.api("GET", f"/api/v1/attempts/{attempt_id}/review", token=token_for(trainee)).get_json()
    essay_item = next(q for q in review["questions"] if q["type"] == "essay")
    assert essay_item["tutor_feedback"] == "Well reasoned." and essay_item["marks"] == 1.0


def test_a_tutor_may_review_a_trainees_attempt_with_everything_shown(client, session, trainee, tutor, quiz_course,
                                                                     token_for, grader_rule, make_user):
    attempt_id, _essay = submit_practice(client, session, quiz_course, token_for(trainee))
    review = client.api("GET", f"/api/v1/attempts/{attempt_id}/review", token=token_for(tutor))
    assert review.status_code == 200 and review.get_json()["details"] is True
    stranger = make_user(roles=("tutor",), email="someone@example.org")     # no rule lets them
    assert client.api("GET", f"/api/v1/attempts/{attempt_id}/review", token=token_for(stranger)).status_code == 404


def test_essays_as_grading_queue_items_for_the_tutors_queue(app, client, session, trainee, tutor, quiz_course,
                                                             token_for, grader_rule):
    from sqlalchemy import union_all

    _attempt, essay = submit_practice(client, session, quiz_course, token_for(trainee))
    submit_practice(client, session, quiz_course, token_for(trainee), essay=None)   # no essay: no item
    enrolments = course_enrolments(quiz_course["course"].id)
    items = ops.essay_queue_items(enrolments)
    rows = session.execute(items).all()
    assert [(r.item_id, r.enrolment_id, r.module_id, r.status) for r in rows] == [
        (essay, trainee.enrolment.id, quiz_course["practice"].module_id, "awaiting")]
    # The queue unions the sources' items: the columns must have types every database accepts.
    assert len(session.execute(union_all(items, ops.essay_queue_items(enrolments))).all()) == 2
    ops.grade_essay_answer(session, tutor, essay, fraction=1.0, feedback="", expected_version=1)
    session.commit()
    assert [r.status for r in session.execute(ops.essay_queue_items(enrolments))] == ["graded"]
    with app.test_request_context():
        described = ops.essay_queue_describe(session, [essay])
    assert described[essay].title == "Essay in Practice quiz"
    assert described[essay].url == f"/quizzes/answers/{essay}/grade"
    assert ops.essay_queue_describe(session, []) == {}
