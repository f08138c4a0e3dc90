"""Quiz fixtures: a course with quizzes in two languages, trainees enrolled in it, and helpers
to take a quiz through the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lms.extensions import db
from tests.conftest import IN_CI, MOODLE_FIXTURES, login

QUIZ_CONTENT = Path(__file__).resolve().parent / "content"


@pytest.fixture
def quiz_course(session, reference):
    """tests/quizzes/content imported: {"course": Course, "basics": Quiz, "practice": Quiz, "final": Quiz}."""
    from lms.courses.importer import import_content
    from lms.courses.models import Course
    from lms.quizzes.models import Quiz

    import_content(session, QUIZ_CONTENT)
    session.commit()
    course = session.scalar(select(Course).where(Course.slug == "quiz-course"))
    quizzes = {q.key: q for q in session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    return {"course": course, **quizzes}


@pytest.fixture
def enrol(session):
    def enrol_user(user, course):
        from lms.courses.operations import ensure_enrolment

        enrolment, _changed = ensure_enrolment(session, user, course)
        session.commit()
        return enrolment

    return enrol_user


@pytest.fixture
def trainee(make_user, quiz_course, enrol):
    user = make_user(roles=("trainee",))
    user.enrolment = enrol(user, quiz_course["course"])
    return user


@pytest.fixture
def token_for(session):
    def make(user) -> str:
        from lms.accounts.operations import create_api_token

        _token, plain = create_api_token(session, user, "tests")
        session.commit()
        return plain

    return make


@pytest.fixture
def run_task(app, session):
    """Run a task as the worker would (its own unit of work), then read afresh."""
    from lms.core.tasks import queue_of

    def run(fn, *args, **kwargs):
        session.commit()
        queue_of(app).enqueue(fn, *args, **kwargs)   # the test queue runs it at once
        session.expire_all()

    return run


@pytest.fixture
def grader_rule(app):
    """Let users whose e-mail starts with "tutor" grade everyone, for this test only
    (the tutors feature registers the real rule: a tutor grades their groups)."""
    from lms.courses.extension_points import ENROLMENT_GRADERS, ENROLMENT_VIEWERS

    def rule(session, user, enrolment):
        return user.is_authenticated and user.email.startswith("tutor")

    with ENROLMENT_GRADERS.added(rule, app), ENROLMENT_VIEWERS.added(rule, app):
        yield rule


def moodle_fixture(name: str) -> Path:
    """One of Moodle's export files kept in ../shared/fixtures/moodle (never copied here)."""
    path = MOODLE_FIXTURES / name
    if not path.is_file():
        message = (f"Moodle's fixture {name} is not at {MOODLE_FIXTURES}: the tests read it from "
                   "../shared/fixtures/moodle beside the project (or LMS_SHARED_DIR)")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def questions_by_name(attempt_body: dict, session) -> dict:
    """{question name: question item of an attempt body} (names looked up in the database)."""
    from lms.quizzes.models import AttemptAnswer, Question

    rows = session.execute(select(AttemptAnswer.position, Question.name).join(Question)
                           .where(AttemptAnswer.attempt_id == attempt_body["id"])).all()
    names = dict(rows)
    return {names[item["position"]]: item for item in attempt_body["questions"]}


def choice_key(item: dict, html_fragment: str) -> int:
    return next(c["key"] for c in item["choices"] if html_fragment in c["html"])


def match_key(item: dict, text: str) -> int:
    return next(c["key"] for c in item["match_choices"] if c["text"] == text)


def stem_key(item: dict, fragment: str) -> int:
    return next(s["key"] for s in item["stems"] if fragment in s["html"])


def perfect_basics(items: dict) -> list[dict]:
    """Right answers to every question of the basics quiz, as the API takes them."""
    match = items["b-match"]
    return [
        {"position": items["b-single"]["position"],
         "response": {"choice": choice_key(items["b-single"], "European Prison Rules")}},
        {"position": items["b-multi"]["position"], "response": {"choices": [
            choice_key(items["b-multi"], "Discrimination"), choice_key(items["b-multi"], "injustice")]}},
        {"position": items["b-tf"]["position"], "response": {"value": False}},
        {"position": items["b-short"]["position"], "response": {"text": "Dynamic Security"}},
        {"position": items["b-number"]["position"], "response": {"text": "2006"}},
        {"position": match["position"], "response": {"matches": {
            str(stem_key(match, "Prison")): match_key(match, "2006"),
            str(stem_key(match, "Probation")): match_key(match, "2010"),
            str(stem_key(match, "radicalisation")): match_key(match, "2016")}}},
    ]


__all__ = ["QUIZ_CONTENT", "choice_key", "db", "login", "match_key", "moodle_fixture", "perfect_basics",
           "questions_by_name", "stem_key"]
