"""The learning path goes through a module's quiz before the next module: "Mark as done and
continue", "Continue where you left off", the lesson menu, the module's progress bar and the API."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.models import Lesson
from lms.courses.operations import learning_path, next_step
from tests.conftest import login
from tests.quizzes.conftest import perfect_basics
from tests.quizzes.test_progress import take


def _lesson(session, course, slug):
    return session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug))


def test_the_path_puts_each_quiz_after_its_module_and_the_final_assessment_last(session, quiz_course, trainee):
    path = learning_path(session, quiz_course["course"], trainee.enrolment)
    assert [(step.kind, step.id) for step in path.steps] == [
        ("lesson", _lesson(session, quiz_course["course"], "standards").id), ("quiz", quiz_course["basics"].id),
        ("lesson", _lesson(session, quiz_course["course"], "cases").id), ("quiz", quiz_course["practice"].id),
        ("quiz", quiz_course["final"].id)]


def test_after_a_modules_last_lesson_comes_its_quiz(client, session, quiz_course, trainee):
    login(client, trainee)
    course = quiz_course["course"]
    response = client.form(f"/courses/{course.slug}/lessons/{_lesson(session, course, 'standards').id}/done")
    assert response.headers["Location"].endswith(f"/quizzes/{quiz_course['basics'].id}")


def test_continue_opens_the_quiz_when_only_quizzes_remain(client, session, quiz_course, trainee, token_for):
    login(client, trainee)
    course = quiz_course["course"]
    for slug in ("standards", "cases"):
        client.form(f"/courses/{course.slug}/lessons/{_lesson(session, course, slug).id}/done")
    # The last lesson read is "cases": the practice quiz follows it, then the final assessment,
    # then (from the start) the basics quiz.
    assert client.get(f"/courses/{course.slug}/continue").headers["Location"].endswith(
        f"/quizzes/{quiz_course['practice'].id}")
    session.expire_all()
    step = next_step(session, trainee.enrolment)
    assert (step.kind, step.id) == ("quiz", quiz_course["practice"].id)
    body = client.get(f"/api/v1/enrolments/{trainee.enrolment.id}/next-step").get_json()
    assert body["step"]["kind"] == "quiz" and body["step"]["id"] == quiz_course["practice"].id
    assert body["step"]["title"] == "Practice quiz"
    take(client, session, quiz_course["basics"], token_for(trainee), perfect_basics)
    session.expire_all()
    assert next_step(session, trainee.enrolment).id == quiz_course["practice"].id


def test_a_module_is_not_complete_while_its_quiz_is_not_passed(client, session, quiz_course, trainee, token_for):
    login(client, trainee)
    course = quiz_course["course"]
    client.form(f"/courses/{course.slug}/lessons/{_lesson(session, course, 'standards').id}/done")
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert 'aria-valuenow="50" aria-label="Progress in this module"' in page
    take(client, session, quiz_course["basics"], token_for(trainee), perfect_basics)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert 'aria-valuenow="100" aria-label="Progress in this module"' in page


def test_the_lesson_menu_lists_the_modules_quiz_and_links_to_it_next(client, session, quiz_course, trainee):
    login(client, trainee)
    page = client.get(f"/courses/{quiz_course['course'].slug}/basics/standards").get_data(as_text=True)
    assert f'<li class="step-quiz"><a href="/quizzes/{quiz_course["basics"].id}" data-content>Basics quiz</a>' in page
    assert f'<a href="/quizzes/{quiz_course["basics"].id}" rel="next"><span data-content>Basics quiz</span> →' in page


def test_another_trainees_next_step_is_not_found(client, session, quiz_course, trainee, make_user, enrol):
    other = make_user(email="other@example.org")
    enrol(other, quiz_course["course"])
    login(client, other)
    assert client.get(f"/api/v1/enrolments/{trainee.enrolment.id}/next-step").status_code == 404


def test_nothing_left_to_do_leads_to_the_course_page(client, session, quiz_course, trainee, token_for):
    from tests.quizzes.test_progress import right_final_answers

    login(client, trainee)
    course = quiz_course["course"]
    for slug in ("standards", "cases"):
        client.form(f"/courses/{course.slug}/lessons/{_lesson(session, course, slug).id}/done")
    token = token_for(trainee)
    take(client, session, quiz_course["basics"], token, perfect_basics)
    take(client, session, quiz_course["practice"], token, lambda items: [
        {"position": items["p-tf"]["position"], "response": {"value": True}},
        {"position": items["p-essay"]["position"], "response": {"text": "Check the facts first."}}])
    take(client, session, quiz_course["final"], token, right_final_answers(session))
    # The practice quiz awaits a tutor: nothing is left for the trainee to do now.
    session.expire_all()
    assert next_step(session, trainee.enrolment) is None
    assert client.get(f"/courses/{course.slug}/continue").headers["Location"].endswith(f"/courses/{course.slug}")
