"""The courses in content/ are complete: structure, languages, quizzes and case studies."""

from __future__ import annotations

from collections import Counter

import pytest

from lms.courses.content import load_all
from lms.courses.models import Course, Lesson, LessonBody, Module
from lms.extensions import db
from tests.conftest import ROOT

CONTENT = ROOT / "content"
TUTORED, SELF_PACED = "radicalisation-prevention", "probation-and-community-sanctions"
ALL_LOCALES = {"en", "sq", "bs", "sr_Latn", "sr_Cyrl", "mk", "cnr"}


@pytest.fixture(scope="module")
def specs(app):
    with app.app_context():
        loaded, problems = load_all(CONTENT)
    assert [str(p) for p in problems] == []
    return {spec.slug: spec for spec in loaded}


def test_the_content_checks_clean_and_holds_both_courses(specs):
    assert set(specs) == {TUTORED, SELF_PACED}
    assert (specs[TUTORED].format, specs[SELF_PACED].format) == ("tutored", "self-paced")
    assert specs[TUTORED].pass_mark == 70 and specs[TUTORED].hours == 20


def test_the_tutored_course_has_seven_modules_each_with_lessons_a_quiz_and_a_case_study(specs):
    course = specs[TUTORED]
    assert [m.slug for m in course.modules] == ["concepts", "rights", "prison-radicalisation", "assessment",
                                                "dynamic-security", "rehabilitation", "release"]
    for module in course.modules:
        assert 3 <= len(module.lessons) <= 5, module.slug
        assert "quiz" in module.sections and "assignment" in module.sections, module.slug
        for lesson in module.lessons:
            words = lesson.words("en")
            assert 600 <= words <= 1300, (module.slug, lesson.slug, words)
    assert course.completion == {"lessons": "all", "quizzes": "all", "assignments": "all", "final_assessment": True}


def test_every_lesson_of_the_tutored_course_is_in_english_albanian_and_serbian(specs):
    course = specs[TUTORED]
    assert {"en", "sq", "sr_Latn"} <= set(course.languages)
    for module in course.modules:
        for lesson in module.lessons:
            assert {"en", "sq", "sr_Latn"} <= set(lesson.bodies), lesson.slug


def test_titles_exist_in_every_locale_the_platform_ships(specs):
    for spec in specs.values():
        assert ALL_LOCALES - {"sr_Cyrl"} <= set(spec.title), spec.slug
        for module in spec.modules:
            assert ALL_LOCALES - {"sr_Cyrl"} <= set(module.title), module.slug
            for lesson in module.lessons:
                assert ALL_LOCALES - {"sr_Cyrl"} <= set(lesson.title), lesson.slug


def test_the_self_paced_course_is_auto_graded_only(specs):
    course = specs[SELF_PACED]
    assert 3 <= len(course.modules) <= 4
    for module in course.modules:
        assert "quiz" in module.sections and "assignment" not in module.sections
    assert course.completion.get("assignments", "none") == "none"


def test_import_gives_the_expected_counts(session, reference):
    from lms.courses.importer import import_content
    from lms.quizzes.models import Question, Quiz, QuizSlot
    from lms.tutors.models import Assignment

    import_content(session, CONTENT)
    session.commit()
    courses = {c.slug: c for c in session.scalars(db.select(Course))}
    tutored = courses[TUTORED]
    counts = {slug: (session.scalar(db.select(db.func.count(Module.id)).where(Module.course_id == c.id)),
                     session.scalar(db.select(db.func.count(Lesson.id)).where(Lesson.course_id == c.id)))
              for slug, c in courses.items()}
    assert counts[TUTORED] == (7, 28)
    assert counts[SELF_PACED] == (4, 12)
    quizzes = {q.key: q for q in session.scalars(db.select(Quiz).where(Quiz.course_id == tutored.id))}
    assert set(quizzes) == {m.slug for m in session.scalars(db.select(Module).where(
        Module.course_id == tutored.id))} | {"final"}  # seven module quizzes and the final assessment
    slots = Counter(dict(session.execute(db.select(QuizSlot.quiz_id, db.func.count(QuizSlot.id))
                                         .group_by(QuizSlot.quiz_id)).all()))
    for key, quiz in quizzes.items():
        if key == "final":
            assert slots[quiz.id] == 30 and quiz.draw_count == 25
        else:
            assert 8 <= slots[quiz.id] <= 12, key
    kinds = Counter(session.scalars(db.select(Question.qtype).join(QuizSlot, QuizSlot.question_id == Question.id)
                                    .join(Quiz, Quiz.id == QuizSlot.quiz_id).where(Quiz.course_id == tutored.id)))
    assert {"single_choice", "multiple_response", "true_false", "matching", "short_answer"} <= set(kinds), kinds
    assert session.scalar(db.select(db.func.count(Assignment.id)).where(Assignment.course_id == tutored.id)) == 7
    bodies = Counter(session.scalars(db.select(LessonBody.language).join(Lesson).where(Lesson.course_id == tutored.id)))
    assert bodies["en"] == bodies["sq"] == bodies["sr_Latn"] == 28
