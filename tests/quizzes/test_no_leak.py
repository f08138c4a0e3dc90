"""No right answer reaches a trainee before the quiz's review setting allows it — searched for
in every HTML page and JSON response the trainee gets."""

from __future__ import annotations

from lms.quizzes.models import QuizAttempt
from tests.conftest import login
from tests.quizzes.conftest import questions_by_name

# Feedback and accepted answers of the basics quiz (tests/quizzes/content/quiz-course/basics/quiz.gift).
BASICS_SECRETS = ["SINGLE-RIGHT-FEEDBACK", "MULTI-YES-1", "MULTI-NO", "TF-RIGHT-FEEDBACK", "TF-WRONG-FEEDBACK",
                  "SHORT-FULL-FEEDBACK", "SHORT-HALF-FEEDBACK", "NUMBER-EXACT-FEEDBACK", "NUMBER-CLOSE-FEEDBACK",
                  "MATCH-GENERAL-FEEDBACK", "dynamic security", "dynamic*", "2006:2"]
JSON_KEYS = ['"fraction"', '"correct"', '"feedback"', '"accepted"', '"low"', '"high"', '"general_feedback"']
PRACTICE_SECRETS = ["Article 3 is absolute", "A good answer checks the facts"]
FINAL_SECRETS = ["they apply to all prisoners", "it is a protected right", "The Committee of Ministers#",
                 "the Court decides cases", "profiling is discriminatory", "No: it does."]


def assert_hidden(response, secrets, json_keys=()):
    body = response.get_data(as_text=True)
    for secret in secrets:
        assert secret not in body, f"{secret!r} leaked in {response.request.path}"
    for key in json_keys:
        assert key not in body, f"{key} leaked in {response.request.path}"


def test_while_answering_neither_html_nor_json_shows_the_right_answers(client, session, trainee, quiz_course,
                                                                        token_for):
    token = token_for(trainee)
    quiz = quiz_course["basics"]
    started = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token)
    assert_hidden(started, BASICS_SECRETS, JSON_KEYS)
    attempt_id = started.get_json()["id"]
    for url in (f"/api/v1/attempts/{attempt_id}", f"/api/v1/quizzes/{quiz.id}", f"/api/v1/quizzes/{quiz.id}/attempts",
                f"/api/v1/courses/{quiz_course['course'].slug}/quizzes"):
        assert_hidden(client.api("GET", url, token=token), BASICS_SECRETS, JSON_KEYS)
    assert client.api("GET", f"/api/v1/attempts/{attempt_id}/review", token=token).status_code == 409

    login(client, trainee)
    for url in (f"/quizzes/{quiz.id}", f"/quizzes/attempts/{attempt_id}", f"/quizzes/attempts/{attempt_id}/summary",
                f"/courses/{quiz_course['course'].slug}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert_hidden(page, BASICS_SECRETS + ["right-answer", "right answer"])


def test_review_never_keeps_right_answers_and_feedback_hidden_after_submitting(client, session, trainee,
                                                                                quiz_course, token_for):
    token = token_for(trainee)
    quiz = quiz_course["practice"]            # review: never
    body = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token).get_json()
    items = questions_by_name(body, session)
    submitted = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", token=token, json={"answers": [
        {"position": items["p-tf"]["position"], "response": {"value": False}}]})
    assert_hidden(submitted, PRACTICE_SECRETS, JSON_KEYS)
    review = client.api("GET", f"/api/v1/attempts/{body['id']}/review", token=token)
    assert review.status_code == 200 and review.get_json()["details"] is False
    assert_hidden(review, PRACTICE_SECRETS, ['"fraction"', '"correct"', '"general_feedback"', '"marks"'])
    login(client, trainee)
    page = client.get(f"/quizzes/attempts/{body['id']}/review")
    assert page.status_code == 200
    assert_hidden(page, PRACTICE_SECRETS + ["right-answer", "The right answer:"])
    assert "are not shown" in page.get_data(as_text=True)


def test_after_last_attempt_shows_right_answers_only_once_every_attempt_is_used(app, client, session, trainee,
                                                                                 quiz_course, token_for):
    token = token_for(trainee)
    quiz = quiz_course["final"]               # two attempts; review after the last one
    first = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token).get_json()
    assert len(first["questions"]) == 3       # three drawn from five
    assert_hidden(client.api("POST", f"/api/v1/attempts/{first['id']}/submit", json={}, token=token),
                  FINAL_SECRETS, JSON_KEYS)
    early = client.api("GET", f"/api/v1/attempts/{first['id']}/review", token=token)
    assert early.get_json()["details"] is False
    assert_hidden(early, FINAL_SECRETS, ['"correct"', '"general_feedback"'])
    browser = app.test_client()
    login(browser, trainee)
    assert_hidden(browser.get(f"/quizzes/attempts/{first['id']}/review"), FINAL_SECRETS + ["right-answer"])

    second = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token)
    assert second.status_code == 201, second.get_json()
    second = second.get_json()
    client.api("POST", f"/api/v1/attempts/{second['id']}/submit", json={}, token=token)
    late = client.api("GET", f"/api/v1/attempts/{first['id']}/review", token=token).get_json()
    assert late["details"] is True
    assert all("correct" in q for q in late["questions"])
    assert "The right answer:" in browser.get(f"/quizzes/attempts/{first['id']}/review").get_data(as_text=True)


def test_review_after_submit_shows_feedback_and_right_answers(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    body = client.api("POST", f"/api/v1/quizzes/{quiz_course['basics'].id}/attempts", token=token).get_json()
    client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={}, token=token)
    review = client.api("GET", f"/api/v1/attempts/{body['id']}/review", token=token).get_json()
    text = str(review)
    assert review["details"] is True and "MATCH-GENERAL-FEEDBACK" in text and "dynamic security" in text
    session.expire_all()
    assert session.get(QuizAttempt, body["id"]).score == 0.0


def test_a_draw_of_questions_hides_which_ones_were_not_drawn(client, session, trainee, quiz_course, token_for):
    body = client.api("POST", f"/api/v1/quizzes/{quiz_course['final'].id}/attempts",
                      token=token_for(trainee)).get_json()
    assert sorted(q["position"] for q in body["questions"]) == [1, 2, 3]
