"""An attempt's life: start → answer (saved as you go) → submit → graded, through the API and
through the pages without JavaScript; limits, dates, deadlines, and double submits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.core.models import utcnow
from lms.courses.models import ProgressEvent
from lms.quizzes.models import AttemptAnswer, QuizAttempt
from tests.conftest import login
from tests.quizzes.conftest import choice_key, perfect_basics, questions_by_name


def start(client, quiz, token):
    response = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token)
    assert response.status_code in (200, 201), response.get_json()
    return response


def test_a_trainee_takes_the_basics_quiz_and_passes_it(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["basics"], token).get_json()
    assert body["state"] == "in_progress" and body["number"] == 1 and len(body["questions"]) == 6
    items = questions_by_name(body, session)
    saved = client.api("PUT", f"/api/v1/attempts/{body['id']}/answers",
                       json={"answers": perfect_basics(items)}, token=token)
    assert saved.status_code == 200 and saved.get_json()["saved_at"]
    submitted = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={}, token=token)
    assert submitted.status_code == 200
    result = submitted.get_json()
    assert (result["state"], result["score"], result["passed"]) == ("graded", 100.0, True)
    review = client.api("GET", f"/api/v1/attempts/{body['id']}/review", token=token).get_json()
    assert review["details"] is True and review["quiz_passed"] is True
    assert all(q["marks"] == q["mark"] for q in review["questions"])


def test_answers_saved_as_you_go_survive_a_closed_browser(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["basics"], token).get_json()
    items = questions_by_name(body, session)
    short = items["b-short"]["position"]
    client.api("PUT", f"/api/v1/attempts/{body['id']}/answers",
               json={"answers": [{"position": short, "response": {"text": "dynamic security"}}]}, token=token)
    # The browser closes; later the trainee asks for the quiz again and gets the same attempt back.
    again = start(client, quiz_course["basics"], token)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    item = questions_by_name(again.get_json(), session)["b-short"]
    assert item["response"] == {"text": "dynamic security"}
    # Only the question sent changed.
    assert sum(1 for q in again.get_json()["questions"] if q["response"] is not None) == 1


def test_question_and_answer_order_is_stable_within_an_attempt(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    first = start(client, quiz_course["basics"], token).get_json()
    second = client.api("GET", f"/api/v1/attempts/{first['id']}", token=token).get_json()
    assert [(q["position"], q["text"], q.get("choices")) for q in first["questions"]] == \
           [(q["position"], q["text"], q.get("choices")) for q in second["questions"]]


def test_a_bad_answer_is_refused_with_its_question_and_nothing_is_saved(client, session, trainee, quiz_course,
                                                                         token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["basics"], token).get_json()
    items = questions_by_name(body, session)
    response = client.api("PUT", f"/api/v1/attempts/{body['id']}/answers", token=token, json={"answers": [
        {"position": items["b-short"]["position"], "response": {"text": "fine"}},
        {"position": items["b-single"]["position"], "response": {"choice": 99}},
        {"position": 42, "response": {"text": "x"}}]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {f"answers.{items['b-single']['position']}", "answers.42"}
    assert session.scalar(select(func.count()).select_from(AttemptAnswer).where(
        AttemptAnswer.attempt_id == body["id"], AttemptAnswer.response.is_not(None))) == 0


def test_submitting_twice_gives_one_graded_attempt_and_the_same_result(client, session, trainee, quiz_course,
                                                                       token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["basics"], token).get_json()
    first = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={}, token=token)
    second = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={}, token=token)
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert session.scalar(select(func.count()).select_from(ProgressEvent).where(
        ProgressEvent.kind == "quiz_attempt_graded", ProgressEvent.subject_id == body["id"])) == 1


def test_answers_after_submitting_are_refused(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["basics"], token).get_json()
    client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={}, token=token)
    late = client.api("PUT", f"/api/v1/attempts/{body['id']}/answers", token=token,
                      json={"answers": [{"position": 1, "response": None}]})
    assert late.status_code == 409


def test_the_number_of_attempts_is_limited(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    quiz = quiz_course["practice"]      # two attempts
    for _ in range(2):
        body = start(client, quiz, token).get_json()
        client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={}, token=token)
    third = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token)
    assert third.status_code == 403 and "all 2 attempts" in third.get_json()["errors"]["_general"][0]


def test_a_quiz_before_it_opens_or_after_it_closes_cannot_be_started(client, session, trainee, quiz_course,
                                                                      token_for):
    token = token_for(trainee)
    quiz = quiz_course["basics"]
    quiz.opens_at = utcnow() + timedelta(days=1)
    session.commit()
    assert client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token).status_code == 403
    quiz.opens_at, quiz.closes_at = None, utcnow() - timedelta(days=1)
    session.commit()
    refused = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token)
    assert refused.status_code == 403 and "closed" in refused.get_json()["errors"]["_general"][0]


def test_a_quiz_that_closes_soon_ends_the_attempt_at_its_close(client, session, trainee, quiz_course, token_for):
    quiz = quiz_course["practice"]      # a ten-minute time limit
    quiz.closes_at = utcnow() + timedelta(minutes=3)
    session.commit()
    body = start(client, quiz, token_for(trainee)).get_json()
    attempt = session.get(QuizAttempt, body["id"])
    assert abs((attempt.deadline_at - quiz.closes_at).total_seconds()) < 1


def _expire(session, attempt_id):
    attempt = session.get(QuizAttempt, attempt_id)
    attempt.started_at = utcnow() - timedelta(minutes=30)
    attempt.deadline_at = utcnow() - timedelta(minutes=20)
    session.commit()


def test_a_submit_after_the_time_limit_is_refused_and_the_saved_answers_are_submitted(
        client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["practice"], token).get_json()
    items = questions_by_name(body, session)
    tf = items["p-tf"]["position"]
    client.api("PUT", f"/api/v1/attempts/{body['id']}/answers", token=token,
               json={"answers": [{"position": tf, "response": {"value": True}}]})
    _expire(session, body["id"])
    late = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", token=token,
                      json={"answers": [{"position": tf, "response": {"value": False}}]})
    assert late.status_code == 403
    assert "deadline" in late.get_json()["errors"]["_general"][0]
    session.expire_all()
    attempt = session.get(QuizAttempt, body["id"])
    assert attempt.state != "in_progress" and attempt.closed_by_deadline
    answer = session.scalar(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id,
                                                        AttemptAnswer.position == tf))
    assert answer.response == {"value": True} and answer.fraction == 1.0   # what was saved, not what came late
    again = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={}, token=token)
    assert again.status_code == 403


def test_a_save_after_the_time_limit_is_refused(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["practice"], token).get_json()
    _expire(session, body["id"])
    late = client.api("PUT", f"/api/v1/attempts/{body['id']}/answers", token=token,
                      json={"answers": [{"position": 1, "response": {"value": True}}]})
    assert late.status_code == 403
    session.expire_all()
    assert session.get(QuizAttempt, body["id"]).state != "in_progress"


def test_an_open_attempt_past_its_deadline_is_shown_as_over_and_the_task_closes_it(
        client, session, trainee, quiz_course, token_for, run_task):
    from lms.quizzes.tasks import close_overdue_attempts

    token = token_for(trainee)
    quiz = quiz_course["practice"]
    body = start(client, quiz, token).get_json()
    _expire(session, body["id"])
    # Reading writes nothing: the attempt is shown as over, still to be submitted.
    listed = client.api("GET", f"/api/v1/quizzes/{quiz.id}/attempts", token=token).get_json()
    assert (listed[0]["state"], listed[0]["overdue"]) == ("in_progress", True)
    detail = client.api("GET", f"/api/v1/attempts/{body['id']}", token=token).get_json()
    assert detail["overdue"] and detail["seconds_left"] == 0
    mine = client.api("GET", f"/api/v1/quizzes/{quiz.id}", token=token).get_json()["mine"]
    assert mine["open_attempt_id"] is None and mine["attempts_used"] == 1
    # The periodic task submits it with its saved answers.
    run_task(close_overdue_attempts)
    listed = client.api("GET", f"/api/v1/quizzes/{quiz.id}/attempts", token=token).get_json()
    assert listed[0]["state"] in ("graded", "awaiting_grading") and listed[0]["closed_by_deadline"]
    assert not listed[0]["overdue"]


def test_starting_again_submits_the_overdue_attempt_first(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    first = start(client, quiz_course["basics"], token).get_json()     # untimed, unlimited attempts
    attempt = session.get(QuizAttempt, first["id"])
    attempt.deadline_at = utcnow() - timedelta(minutes=20)
    session.commit()
    second = start(client, quiz_course["basics"], token)
    assert second.status_code == 201 and second.get_json()["number"] == 2
    session.expire_all()
    assert session.get(QuizAttempt, first["id"]).closed_by_deadline


def test_the_operators_command_closes_every_overdue_attempt(app, client, session, trainee, quiz_course, token_for):
    body = start(client, quiz_course["practice"], token_for(trainee)).get_json()
    _expire(session, body["id"])
    result = app.test_cli_runner().invoke(args=["quizzes", "close-overdue"])
    assert result.exit_code == 0 and "1 overdue attempt(s) submitted" in result.output
    session.expire_all()
    assert session.get(QuizAttempt, body["id"]).closed_by_deadline


def test_grading_methods_decide_the_quiz_grade(client, session, trainee, quiz_course, token_for):
    from lms.quizzes.results import quiz_grade

    assert quiz_grade([40, 90, 60], "highest") == 90
    assert quiz_grade([40, 90, 60], "last") == 60
    assert quiz_grade([40, 90, 60], "first") == 40
    assert quiz_grade([40, 90, 60], "average") == 63.33
    assert quiz_grade([], "highest") is None


def test_a_trainee_not_enrolled_or_withdrawn_cannot_start(client, session, make_user, trainee, quiz_course,
                                                          token_for):
    from lms.courses.operations import withdraw

    stranger = make_user()
    assert client.api("POST", f"/api/v1/quizzes/{quiz_course['basics'].id}/attempts",
                      token=token_for(stranger)).status_code == 403
    withdraw(session, trainee.enrolment)
    session.commit()
    assert client.api("POST", f"/api/v1/quizzes/{quiz_course['basics'].id}/attempts",
                      token=token_for(trainee)).status_code == 403


def test_someone_elses_attempt_does_not_exist_for_you(client, session, make_user, trainee, quiz_course, enrol,
                                                      token_for):
    body = start(client, quiz_course["basics"], token_for(trainee)).get_json()
    other = make_user()
    enrol(other, quiz_course["course"])
    token = token_for(other)
    for method, url in (("GET", f"/api/v1/attempts/{body['id']}"),
                        ("PUT", f"/api/v1/attempts/{body['id']}/answers"),
                        ("POST", f"/api/v1/attempts/{body['id']}/submit"),
                        ("GET", f"/api/v1/attempts/{body['id']}/review")):
        response = client.api(method, url, json={"answers": []}, token=token)
        assert response.status_code == 404, (method, url)


def test_the_api_needs_a_signed_in_user_and_the_csrf_header_for_cookie_sessions(client, trainee, quiz_course):
    assert client.post(f"/api/v1/quizzes/{quiz_course['basics'].id}/attempts").status_code == 401
    login(client, trainee)
    no_header = client.post(f"/api/v1/quizzes/{quiz_course['basics'].id}/attempts")
    assert no_header.status_code == 400
    assert client.api("POST", f"/api/v1/quizzes/{quiz_course['basics'].id}/attempts").status_code == 201


def test_the_attempt_is_shown_in_the_trainees_language_when_the_course_offers_it(
        client, session, make_user, quiz_course, enrol, token_for):
    serbian = make_user(language="sr_Latn")
    enrol(serbian, quiz_course["course"])
    body = start(client, quiz_course["basics"], token_for(serbian)).get_json()
    assert body["language"] == "sr_Latn"
    items = questions_by_name(body, session)
    assert "Koji standard" in items["b-single"]["text"]
    client.api("PUT", f"/api/v1/attempts/{body['id']}/answers", token=token_for(serbian), json={"answers": [
        {"position": items["b-short"]["position"], "response": {"text": "Dinamička bezbednost"}}]})
    client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={}, token=token_for(serbian))
    short = session.scalar(select(AttemptAnswer).where(AttemptAnswer.attempt_id == body["id"],
                                                       AttemptAnswer.position == items["b-short"]["position"]))
    assert short.fraction == 1.0

    albanian = make_user(language="sq")
    enrol(albanian, quiz_course["course"])
    fallback = start(client, quiz_course["basics"], token_for(albanian)).get_json()
    assert fallback["language"] == "en"      # the course does not offer Albanian


# --- the pages, without JavaScript -----------------------------------------------------

def test_the_pages_work_without_javascript(client, session, trainee, quiz_course):
    login(client, trainee)
    quiz = quiz_course["basics"]
    page = client.get(f"/quizzes/{quiz.id}")
    assert page.status_code == 200 and "Start the quiz" in page.get_data(as_text=True)
    started = client.form(f"/quizzes/{quiz.id}/start")
    assert started.status_code == 303
    attempt_url = started.headers["Location"]
    html = client.get(attempt_url).get_data(as_text=True)
    assert 'name="action" value="save"' in html and "quiz-attempt.js" in html
    attempt = session.scalar(select(QuizAttempt).where(QuizAttempt.enrolment_id == trainee.enrolment.id))
    rows = dict(session.execute(select(AttemptAnswer.position, AttemptAnswer.answer_order)
                                .where(AttemptAnswer.attempt_id == attempt.id)).all())
    from lms.quizzes.models import Question
    names = dict(session.execute(select(AttemptAnswer.position, Question.name).join(Question)
                                 .where(AttemptAnswer.attempt_id == attempt.id)).all())
    by_name = {name: position for position, name in names.items()}
    single = by_name["b-single"]
    saved = client.form(attempt_url, {"action": "save", f"q{single}": str(rows[single][0]),
                                      f"q{by_name['b-tf']}": "false", f"q{by_name['b-short']}": "dynamic security"})
    assert saved.status_code == 303
    html = client.get(attempt_url).get_data(as_text=True)
    assert 'value="false" checked' in html and 'value="dynamic security"' in html
    finish = client.form(attempt_url, {"action": "finish", f"q{by_name['b-tf']}": "false"})
    assert finish.status_code == 303 and finish.headers["Location"].endswith("/summary")
    summary = client.get(finish.headers["Location"]).get_data(as_text=True)
    assert "Submit all and finish" in summary and "questions are not answered" in summary
    submitted = client.form(f"/quizzes/attempts/{attempt.id}/submit")
    assert submitted.status_code == 303
    review = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "Score" in review and "TF-RIGHT-FEEDBACK" in review   # review after submit is allowed here
    session.expire_all()
    assert session.get(QuizAttempt, attempt.id).state == "graded"


def test_a_bad_form_answer_is_shown_beside_its_question(client, session, trainee, quiz_course):
    login(client, trainee)
    started = client.form(f"/quizzes/{quiz_course['basics'].id}/start")
    attempt_url = started.headers["Location"]
    response = client.form(attempt_url, {"action": "save", "q1": "not-a-key"})
    assert response.status_code == 422
    assert 'class="question has-error"' in response.get_data(as_text=True)


def test_the_attempt_page_shows_the_time_left(client, session, trainee, quiz_course):
    login(client, trainee)
    started = client.form(f"/quizzes/{quiz_course['practice'].id}/start")
    html = client.get(started.headers["Location"]).get_data(as_text=True)
    assert 'id="quiz-timer"' in html and "Time left: 10 minutes" in html


def test_an_overdue_attempt_page_shows_it_being_submitted_and_the_next_post_submits_it(
        client, session, trainee, quiz_course):
    login(client, trainee)
    started = client.form(f"/quizzes/{quiz_course['practice'].id}/start")
    attempt_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    _expire(session, attempt_id)
    response = client.get(started.headers["Location"])
    assert response.status_code == 303 and response.headers["Location"].endswith("/review")
    closing = client.get(response.headers["Location"])
    assert closing.status_code == 200
    assert "Your saved answers are being submitted" in closing.get_data(as_text=True)
    session.expire_all()
    assert session.get(QuizAttempt, attempt_id).state == "in_progress"    # a GET writes nothing
    late = client.form(started.headers["Location"], {"action": "save", "q1": "true"})
    assert late.status_code == 303 and late.headers["Location"].endswith("/review")
    session.expire_all()
    assert session.get(QuizAttempt, attempt_id).closed_by_deadline


def test_an_answer_of_the_wrong_shape_is_refused(client, session, trainee, quiz_course,
                                                                       token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["basics"], token).get_json()
    items = questions_by_name(body, session)
    key = choice_key(items["b-single"], "Social Charter")
    response = client.api("PUT", f"/api/v1/attempts/{body['id']}/answers", token=token, json={"answers": [
        {"position": items["b-tf"]["position"], "response": {"choice": key}}]})
    assert response.status_code == 422
    assert "true or false" in response.get_json()["errors"][f"answers.{items['b-tf']['position']}"][0]


def test_the_review_marks_a_wrong_choice_wrong(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    body = start(client, quiz_course["basics"], token).get_json()
    single = questions_by_name(body, session)["b-single"]
    wrong = choice_key(single, "European Social Charter")
    client.api("POST", f"/api/v1/attempts/{body['id']}/submit", token=token,
               json={"answers": [{"position": single["position"], "response": {"choice": wrong}}]})
    login(client, trainee)
    html = client.get(f"/quizzes/attempts/{body['id']}/review").get_data(as_text=True)
    marked = html[html.index('class="wrong-answer"'):]
    assert "European Social Charter" in marked[:marked.index("</li>")]
    assert "wrong answer" in marked[:marked.index("</li>")]
    assert html.count('class="wrong-answer"') == 1
