"""A course's pre-test: declared in course.yaml, taken once before the first module, never a
requirement; its score is kept in the statistics' fact row beside the final score."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.courses.content import check_content
from lms.courses.importer import import_content
from lms.courses.models import CompletionRequirement, Course
from lms.courses.operations import learning_path, next_step
from lms.quizzes.models import Quiz, QuizAttempt
from lms.reports.fact_rows import rebuild
from lms.reports.models import EnrolmentFact
from tests.conftest import login
from tests.quizzes.conftest import QUIZ_CONTENT
from tests.quizzes.test_progress import take

PRETEST = """pretest:
  category: final
  title: {en: Pre-test, sr_Latn: Ulazni test}
  review: never
  questions: 2
completion:"""


@pytest.fixture
def content(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(QUIZ_CONTENT, target)
    course = target / "quiz-course" / "course.yaml"
    course.write_text(course.read_text().replace("completion:", PRETEST, 1))
    return target


def _problems(content: Path) -> list[str]:
    return [f"{p.line}: {p.message}" for p in check_content(content)]


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("setting, message", [
    ("  attempts: 2\n", "pretest: attempts must be 1 (a pre-test is taken once)"),
    ("  pass_mark: 50\n", "pretest: pass_mark must be 0 (a pre-test is not passed or failed)"),
    ("  closes: 2026-01-01\n", "pretest: a pre-test has no opens or closes date"),
])
def test_a_pre_test_is_taken_once_and_never_passed_or_failed(content, setting, message):
    course = content / "quiz-course" / "course.yaml"
    course.write_text(course.read_text().replace("  questions: 2\n", "  questions: 2\n" + setting, 1))
    assert any(message in problem for problem in _problems(content)), _problems(content)


@pytest.mark.usefixtures("ctx")
def test_a_pre_test_needs_a_final_assessment(content):
    course = content / "quiz-course" / "course.yaml"
    text = course.read_text()
    start = text.index("final_assessment:\n")
    end = text.index("pretest:")
    course.write_text(text[:start] + text[end:].replace("  final_assessment: true\n", ""))
    assert any("a pre-test is compared with the final assessment" in p for p in _problems(content))


@pytest.fixture
def pretest_course(session, reference, content):
    import_content(session, content)
    session.commit()
    course = session.scalar(select(Course).where(Course.slug == "quiz-course"))
    quizzes = {q.key: q for q in session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    return {"course": course, **quizzes}


@pytest.fixture
def learner(make_user, pretest_course, enrol):
    user = make_user(roles=("trainee",))
    user.enrolment = enrol(user, pretest_course["course"])
    return user


def test_the_pre_test_comes_first_is_taken_once_and_is_no_requirement(client, session, pretest_course, learner,
                                                                      token_for):
    pretest = pretest_course["pretest"]
    assert (pretest.attempts_allowed, pretest.pass_mark, pretest.module_id, pretest.is_pretest) == (1, 0, None, True)
    refs = set(session.scalars(select(CompletionRequirement.ref).where(
        CompletionRequirement.course_id == pretest_course["course"].id)))
    assert "pretest" not in refs and "final" in refs
    path = learning_path(session, pretest_course["course"], learner.enrolment)
    assert (path.steps[0].kind, path.steps[0].id) == ("quiz", pretest.id)
    assert (path.steps[-1].kind, path.steps[-1].id) == ("quiz", pretest_course["final"].id)
    assert next_step(session, learner.enrolment).id == pretest.id

    login(client, learner)
    page = client.get(f"/courses/{pretest_course['course'].slug}").get_data(as_text=True)
    assert 'id="pretest-heading"' in page
    token = token_for(learner)
    result = take(client, session, pretest, token)            # every answer left empty: a score of 0
    assert result["score"] == 0
    session.expire_all()
    assert learning_path(session, pretest_course["course"], learner.enrolment).steps[0].done
    assert next_step(session, learner.enrolment).id != pretest.id
    again = client.application.test_client().api("POST", f"/api/v1/quizzes/{pretest.id}/attempts", token=token)
    assert again.status_code == 403
    body = client.get(f"/api/v1/quizzes/{pretest.id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["is_pretest"] is True and body["is_final"] is False


def test_once_the_final_assessment_is_begun_the_pre_test_is_closed(client, session, pretest_course, learner,
                                                                 token_for):
    token = token_for(learner)
    api = client.application.test_client()
    assert api.api("POST", f"/api/v1/quizzes/{pretest_course['final'].id}/attempts", token=token).status_code == 201
    refused = api.api("POST", f"/api/v1/quizzes/{pretest_course['pretest'].id}/attempts", token=token)
    assert refused.status_code == 403
    assert "you have begun the final assessment" in str(refused.get_json())
    login(client, learner)
    page = client.get(f"/quizzes/{pretest_course['pretest'].id}").get_data(as_text=True)
    assert "you have begun the final assessment" in page
    session.expire_all()
    step = learning_path(session, pretest_course["course"], learner.enrolment).steps[0]
    assert step.waiting and not step.done


def test_the_fact_row_keeps_the_pre_test_score(client, session, pretest_course, learner, token_for):
    take(client, session, pretest_course["pretest"], token_for(learner))
    session.expire_all()
    attempt = session.scalar(select(QuizAttempt).where(QuizAttempt.quiz_id == pretest_course["pretest"].id))
    fact = session.get(EnrolmentFact, learner.enrolment.id)
    assert attempt.state == "graded" and fact.pretest_score == attempt.score and fact.final_score is None
    rebuild(session)
    session.commit()
    session.expire_all()
    assert session.get(EnrolmentFact, learner.enrolment.id).pretest_score == attempt.score
