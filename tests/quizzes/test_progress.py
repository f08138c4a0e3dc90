"""Passed quizzes are completion requirements: a module quiz and the final assessment, as
course.yaml says; the course page shows each quiz's status in a constant number of queries."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.courses.completion import progress_of
from lms.courses.models import CompletionRequirement, Lesson
from lms.courses.operations import complete_lesson
from lms.quizzes.models import AttemptAnswer, Question
from lms.quizzes.operations.lookups import course_quiz_results
from tests.conftest import login
from tests.quizzes.conftest import perfect_basics, questions_by_name


def take(client, session, quiz, token, answers=lambda items: []):
    api = client.application.test_client()   # no session cookie: the token alone signs in
    body = api.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token).get_json()
    items = questions_by_name(body, session)
    result = api.api("POST", f"/api/v1/attempts/{body['id']}/submit", token=token,
                     json={"answers": answers(items)})
    assert result.status_code == 200, result.get_json()
    return result.get_json()


def right_final_answers(session):
    """Right answers to whichever final questions were drawn."""
    def answers(items):
        out = []
        for name, item in items.items():
            question = session.scalar(select(Question).where(Question.source_key == f"final.gift#{name}"))
            if question.qtype == "true_false":
                out.append({"position": item["position"], "response": {"value": question.definition["correct"]}})
            else:
                right = next(i for i, a in enumerate(question.definition["answers"]) if a["fraction"] == 1)
                out.append({"position": item["position"], "response": {"choice": right}})
        return out
    return answers


def test_course_yaml_makes_each_quiz_a_requirement(session, quiz_course):
    requirements = session.scalars(select(CompletionRequirement).where(
        CompletionRequirement.course_id == quiz_course["course"].id).order_by(CompletionRequirement.position)).all()
    assert [(r.kind, r.ref) for r in requirements] == [
        ("lessons", ""), ("quiz", "basics"), ("quiz", "practice"), ("quiz", "final")]


def test_a_passed_quiz_counts_in_the_course_progress(client, session, trainee, quiz_course, token_for):
    token = token_for(trainee)
    take(client, session, quiz_course["basics"], token)                      # 0%: not passed
    progress = progress_of(session, trainee.enrolment)
    assert progress.percent == 0
    take(client, session, quiz_course["basics"], token, perfect_basics)     # 100%
    progress = progress_of(session, trainee.enrolment, with_labels=True)
    met = {r.requirement.ref: r.met for r in progress.requirements if r.requirement.kind == "quiz"}
    assert met == {"basics": True, "practice": False, "final": False}
    assert progress.percent == 20       # 2 lessons + 3 quizzes: one of five done
    session.refresh(trainee.enrolment)
    assert trainee.enrolment.progress_percent == 20
    labels = {r.requirement.ref: r.label for r in progress.requirements}
    assert labels["basics"] == "Pass the quiz: Basics quiz"
    assert labels["final"] == "Pass the final assessment: Final assessment"


def _quiz_reads(statements) -> int:
    return sum(1 for statement in statements if re.search(r"\bFROM quiz\b(?!_)", statement))


def test_a_courses_quizzes_are_kept_by_a_page_and_never_by_a_write(
        app, session, trainee, quiz_course, count_queries):
    """The quiz requirement is asked three times for a page (met, label, link), and the page's
    quiz boxes ask for the same quizzes. They are content, kept per content hash, but only what a
    GET read is kept: a POST reads them on each ask (it may be the import that wrote them, not
    yet committed) and keeps nothing; a GET reads them once and keeps them, for later requests
    of any method. The attempts are read once per GET, on each ask in a POST."""
    enrolment = trainee.enrolment
    course = quiz_course["course"]
    assert enrolment.id and course.id
    # (method, quiz reads, attempt reads): progress and the boxes read the attempts.
    for method, quiz_reads, attempt_reads in (("POST", 4, 2), ("POST", 4, 2), ("GET", 1, 1), ("POST", 0, 2)):
        with app.test_request_context(method=method), count_queries() as queries:
            progress = progress_of(session, enrolment, with_labels=True)
            course_quiz_results(session, enrolment, course)   # the quiz boxes
        assert _quiz_reads(queries.statements) == quiz_reads, (method, queries.statements)
        assert sum(1 for s in queries.statements if "FROM quiz_attempt" in s) == attempt_reads
        labels = {r.requirement.ref: r.label for r in progress.requirements}
        assert labels["basics"] == "Pass the quiz: Basics quiz"
        assert all(r.url for r in progress.requirements if r.requirement.kind == "quiz")


def test_passing_everything_completes_the_course(client, session, trainee, quiz_course, token_for, make_user,
                                                 grader_rule):
    from lms.quizzes import operations as ops

    token = token_for(trainee)
    for lesson in session.scalars(select(Lesson).where(Lesson.course_id == quiz_course["course"].id)):
        complete_lesson(session, trainee, lesson)
    session.commit()
    take(client, session, quiz_course["basics"], token, perfect_basics)
    practice = take(client, session, quiz_course["practice"], token, lambda items: [
        {"position": items["p-tf"]["position"], "response": {"value": True}},
        {"position": items["p-essay"]["position"], "response": {"text": "Check the facts first."}}])
    assert practice["state"] == "awaiting_grading"
    take(client, session, quiz_course["final"], token, right_final_answers(session))
    session.refresh(trainee.enrolment)
    assert trainee.enrolment.completed_at is None       # the essay is not graded yet
    essay = session.scalar(select(AttemptAnswer.id).where(AttemptAnswer.attempt_id == practice["id"],
                                                          AttemptAnswer.needs_grading.is_(True)))
    tutor = make_user(roles=("tutor",), email="tutor@example.org")
    ops.grade_essay_answer(session, tutor, essay, fraction=1.0, feedback="", expected_version=1)
    session.commit()
    session.refresh(trainee.enrolment)
    assert trainee.enrolment.completed_at is not None and trainee.enrolment.progress_percent == 100


def test_grading_method_last_can_undo_a_pass(client, session, trainee, quiz_course, token_for):
    from lms.quizzes.requirement import quizzes_met

    quiz = quiz_course["basics"]
    quiz.grading_method = "last"
    session.commit()
    token = token_for(trainee)
    take(client, session, quiz, token, perfect_basics)
    requirement = session.scalar(select(CompletionRequirement).where(CompletionRequirement.ref == "basics"))
    assert quizzes_met(session, trainee.enrolment, [requirement]) == {requirement.id}
    take(client, session, quiz, token)
    assert quizzes_met(session, trainee.enrolment, [requirement]) == set()


def test_the_course_page_shows_each_quiz_with_its_status(client, session, trainee, quiz_course, token_for,
                                                          count_queries):
    """Each quiz's box shows the trainee's standing, read with their attempts; the quizzes
    themselves are content, read by the first view and kept, not read again by the next."""
    login(client, trainee)
    client.get(f"/courses/{quiz_course['course'].slug}")
    with count_queries() as counter:
        page = client.get(f"/courses/{quiz_course['course'].slug}").get_data(as_text=True)
    assert _quiz_reads(counter.statements) == 0
    assert page.count("Not started") == 3 and "Final assessment" in page
    assert f'href="/quizzes/{quiz_course["basics"].id}"' in page
    take(client, session, quiz_course["basics"], token_for(trainee))
    page = client.get(f"/courses/{quiz_course['course'].slug}").get_data(as_text=True)
    assert "Best score 0%" in page
    take(client, session, quiz_course["basics"], token_for(trainee), perfect_basics)
    page = client.get(f"/courses/{quiz_course['course'].slug}").get_data(as_text=True)
    assert "Passed with 100%" in page
    assert "Pass the quiz: Basics quiz" in page        # the requirement, with its link


def test_each_reader_sees_their_own_standing_in_a_quiz_box_drawn_once_per_standing(
        client, session, trainee, quiz_course, token_for, make_user, enrol):
    """A quiz's box is drawn once per quiz, language and standing: a trainee who passed and one
    who has not started, reading in turn (and in another language), each see their own."""
    other = make_user(roles=("trainee",), email="other@example.org")
    enrol(other, quiz_course["course"])
    take(client, session, quiz_course["basics"], token_for(trainee), perfect_basics)
    page = f"/courses/{quiz_course['course'].slug}"
    for reader, shown, not_shown in ((trainee, "Passed with 100%", None), (other, None, "Passed with"),
                                     (trainee, "Passed with 100%", None)):
        login(client, reader)
        html = client.get(page).get_data(as_text=True)
        if shown:
            assert shown in html
        else:
            assert not_shown not in html and html.count("Not started") == 3
        client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, trainee)
    client.post("/language", data={"language": "sr_Latn", "next": page, "csrf_token": client.csrf_token()})
    html = client.get(page).get_data(as_text=True)
    assert "Položeno: " in html and "Passed with" not in html


def test_the_course_page_takes_as_many_queries_with_many_attempts_as_with_one(
        client, session, trainee, quiz_course, token_for, count_queries):
    login(client, trainee)
    token = token_for(trainee)
    url = f"/courses/{quiz_course['course'].slug}"
    take(client, session, quiz_course["basics"], token)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    take(client, session, quiz_course["basics"], token)
    take(client, session, quiz_course["basics"], token)
    take(client, session, quiz_course["practice"], token)
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_the_quiz_page_is_for_enrolled_trainees_and_staff(client, session, make_user, quiz_course):
    stranger = make_user()
    login(client, stranger)
    assert client.get(f"/quizzes/{quiz_course['basics'].id}").status_code == 403
    manager = make_user(roles=("manager",), scope="regional", email="m@example.org")
    staff = client.application.test_client()
    login(staff, manager)
    page = staff.get(f"/quizzes/{quiz_course['basics'].id}")
    assert page.status_code == 200 and "previewing" in page.get_data(as_text=True)
    refused = staff.post(f"/quizzes/{quiz_course['basics'].id}/start", data={"csrf_token": staff.csrf_token()})
    assert refused.status_code == 403 and "Enrol in the course" in refused.get_data(as_text=True)


def test_the_quiz_page_takes_as_many_queries_with_many_attempts_as_with_one(
        client, session, trainee, quiz_course, token_for, count_queries):
    login(client, trainee)
    token = token_for(trainee)
    url = f"/quizzes/{quiz_course['basics'].id}"
    take(client, session, quiz_course["basics"], token)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    take(client, session, quiz_course["basics"], token)
    take(client, session, quiz_course["basics"], token)
    with count_queries() as many:
        page = client.get(url)
    assert many.count == few.count
    assert page.get_data(as_text=True).count("/review") == 3
