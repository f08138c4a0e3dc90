"""The courses in content/ are complete: structure, languages, quizzes and case studies."""

from __future__ import annotations

from collections import Counter

import pytest

from lms.certificates.models import Certificate
from lms.core.i18n import localized
from lms.courses.content import load_all
from lms.courses.importer import import_content
from lms.courses.models import Course, Lesson, LessonBody, Module
from lms.courses.operations import complete_lesson, enrolment_of, modules_for, self_enrol
from lms.extensions import db
from lms.quizzes import operations as quiz_ops
from lms.quizzes.models import AttemptAnswer, Question, Quiz, QuizSlot
from lms.tutors.models import Assignment
from lms.tutors.operations import grading, submissions
from tests.conftest import ROOT

# Content checks use the sections each feature adds to the application.
pytestmark = pytest.mark.usefixtures("ctx")

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
    assert specs[TUTORED].pass_mark == 70 and specs[TUTORED].hours == 40


THEMATIC = ["concepts", "rights", "prison-radicalisation", "assessment", "dynamic-security", "rehabilitation",
            "release", "specific-groups"]
ANNEXES = {"annex-al": "AL", "annex-ba": "BA", "annex-xk": "XK", "annex-me": "ME", "annex-mk": "MK",
           "annex-rs": "RS"}


def test_the_tutored_course_opens_with_an_orientation_then_eight_thematic_modules_and_six_national_annexes(specs):
    course = specs[TUTORED]
    assert [m.slug for m in course.modules] == ["orientation", *THEMATIC, *ANNEXES]
    for module in course.modules:
        assert 3 <= len(module.outcomes) <= 5 and module.discussion, module.slug
        assert module.tutor_guide.keys() >= {"en", "sq", "sr_Latn"}, module.slug
        for lesson in module.lessons:
            words = lesson.words("en")
            assert 600 <= words <= 1300, (module.slug, lesson.slug, words)
    for module in course.modules[1:len(THEMATIC) + 1]:
        assert 4 <= len(module.lessons) <= 7, module.slug
        assert "quiz" in module.sections, module.slug
        assert "assignment" in module.sections or "assignments" in module.sections, module.slug
    for module in course.modules:
        if module.slug in ANNEXES:
            assert module.beneficiaries == [ANNEXES[module.slug]] and len(module.lessons) == 2
        else:
            assert module.beneficiaries == []
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
    import_content(session, CONTENT)
    session.commit()
    courses = {c.slug: c for c in session.scalars(db.select(Course))}
    tutored = courses[TUTORED]
    counts = {slug: (session.scalar(db.select(db.func.count(Module.id)).where(Module.course_id == c.id)),
                     session.scalar(db.select(db.func.count(Lesson.id)).where(Lesson.course_id == c.id)))
              for slug, c in courses.items()}
    assert counts[TUTORED] == (15, 55)
    assert counts[SELF_PACED] == (4, 15)
    quizzes = {q.key: q for q in session.scalars(db.select(Quiz).where(Quiz.course_id == tutored.id))}
    assert set(quizzes) == {m.slug for m in session.scalars(db.select(Module).where(
        Module.course_id == tutored.id, Module.slug.in_(THEMATIC)))} | {"final", "pretest"}  # and the pre-test
    slots = Counter(dict(session.execute(db.select(QuizSlot.quiz_id, db.func.count(QuizSlot.id))
                                         .group_by(QuizSlot.quiz_id)).all()))
    for key, quiz in quizzes.items():
        if key == "final":
            assert slots[quiz.id] == 34 and quiz.draw_count == 25
        elif key == "pretest":  # drawn from the final assessment's pool, no slots of its own
            assert slots[quiz.id] == 0 and quiz.draw_count == 12
        else:
            assert 10 <= slots[quiz.id] <= 14, key
    kinds = Counter(session.scalars(db.select(Question.qtype).join(QuizSlot, QuizSlot.question_id == Question.id)
                                    .join(Quiz, Quiz.id == QuizSlot.quiz_id).where(Quiz.course_id == tutored.id)))
    assert {"single_choice", "multiple_response", "true_false", "matching", "short_answer"} <= set(kinds), kinds
    assert session.scalar(db.select(db.func.count(Assignment.id)).where(Assignment.course_id == tutored.id)) == 10
    bodies = Counter(session.scalars(db.select(LessonBody.language).join(Lesson).where(Lesson.course_id == tutored.id)))
    assert bodies["en"] == bodies["sq"] == bodies["sr_Latn"] == 55


# --- working through the real courses ---------------------------------------------------

def perfect_response(question, language: str) -> dict | None:
    """The fully correct answer to a question, from its definition (what a good trainee gives)."""
    definition, kind = question.definition, question.qtype
    if kind == "single_choice":
        best = max(range(len(definition["answers"])), key=lambda i: definition["answers"][i]["fraction"])
        return {"choice": best}
    if kind == "multiple_response":
        return {"choices": [i for i, a in enumerate(definition["answers"]) if a["fraction"] > 0]}
    if kind == "true_false":
        return {"value": definition["correct"]}
    if kind == "matching":
        return {"matches": {str(i): stem["choice"] for i, stem in enumerate(definition["stems"])}}
    if kind == "short_answer":
        # What a trainee types: an accepted answer, its wildcards filled in (a lone * is a word).
        texts = [localized(a["text"], language) for a in definition["answers"] if a["fraction"] >= 1]
        text = min(texts, key=lambda t: " * " in f" {t} ")
        return {"text": f" {text} ".replace(" * ", " x ").replace("*", "").strip()}
    if kind == "essay":
        return {"text": "A considered answer."}
    raise AssertionError(f"no perfect answer written for {kind}")


def pass_quiz(session, user, quiz, language="en"):
    attempt, _new = quiz_ops.start_attempt(session, user, quiz, language=language)
    rows = session.execute(db.select(AttemptAnswer.position, Question).join(Question)
                           .where(AttemptAnswer.attempt_id == attempt.id)).all()
    responses = {position: perfect_response(question, language) for position, question in rows}
    outcome = quiz_ops.submit_attempt(session, user, attempt.id, responses)
    session.commit()
    missed = [(q.name, q.qtype, responses[p]) for p, q in rows
              if session.scalar(db.select(AttemptAnswer.fraction).where(
                  AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.position == p)) != 1.0]
    assert outcome.attempt.score == 100.0, (quiz.key, outcome.attempt.score, missed)
    assert outcome.attempt.passed


def read_every_lesson(session, user, course):
    """Every lesson the trainee is shown (their own beneficiary's national annex, no other)."""
    enrolment = enrolment_of(session, user, course.id)
    shown = [lesson.id for module in modules_for(session, enrolment) for lesson in module.lessons]
    for lesson_id in shown:
        complete_lesson(session, user, session.get(Lesson, lesson_id))
    session.commit()
    return shown


def test_a_trainee_reads_every_lesson_passes_every_quiz_and_completes_the_self_paced_course(
        session, reference, make_user):

    import_content(session, CONTENT)
    course = session.scalar(db.select(Course).where(Course.slug == SELF_PACED))
    trainee = make_user(beneficiary="ME", language="en")
    enrolment, _ = self_enrol(session, trainee, course)
    session.commit()
    read_every_lesson(session, trainee, course)
    for quiz in session.scalars(db.select(Quiz).where(Quiz.course_id == course.id)):
        assert enrolment.completed_at is None
        pass_quiz(session, trainee, quiz)
    session.refresh(enrolment)
    assert enrolment.completed_at is not None and enrolment.progress_percent == 100
    certificate = session.scalar(db.select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    assert certificate.kind == "accomplishment" and certificate.is_valid


def test_a_tutored_group_is_run_through_the_tutored_course(session, reference, make_user, make_cohort,
                                                           add_member):

    import_content(session, CONTENT)
    session.commit()
    course = session.scalar(db.select(Course).where(Course.slug == TUTORED))
    tutor = make_user(roles=("tutor",), beneficiary="AL", full_name="Teuta Dervishi")
    cohort = make_cohort(course=course, beneficiary="AL", language="sq", name="Tiranë 2026/1", tutors=[tutor])
    trainee, enrolment = add_member(cohort, full_name="Ëndrit Çela", language="sq")
    shown = read_every_lesson(session, trainee, course)
    annexes = session.scalars(db.select(Lesson.id).join(Module, Module.id == Lesson.module_id).where(
        Module.course_id == course.id, Module.slug.like("annex-%"))).all()
    assert set(annexes) - set(shown) and set(annexes) & set(shown)  # the Albanian annex, and no other
    # The pre-test first: it closes once the final assessment has been begun.
    for quiz in sorted(session.scalars(db.select(Quiz).where(Quiz.course_id == course.id)),
                       key=lambda quiz: not quiz.is_pretest):
        pass_quiz(session, trainee, quiz, language="sq")
    assignments = session.scalars(db.select(Assignment).where(Assignment.course_id == course.id)).all()
    assert len(assignments) == 10
    for assignment in assignments:
        session.refresh(enrolment)
        assert enrolment.completed_at is None
        submission, _ = submissions.submit(session, trainee, assignment,
                                           body="Analiza e rastit, rreziqet dhe masat që do të propozoja.")
        top = {c["slug"]: c["levels"][-1]["points"] for c in assignment.criteria}
        grading.grade_submission(session, tutor, submission, version=submission.version, levels=top,
                                 feedback="Punë e mirë.", outcome="accepted", due_on=None)
        session.commit()
    session.refresh(enrolment)
    assert enrolment.completed_at is not None
    certificate = session.scalar(db.select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    assert certificate.kind == "completion" and certificate.cohort_name == "Tiranë 2026/1"
    assert certificate.holder_name == "Ëndrit Çela" and certificate.tutor_names == ["Teuta Dervishi"]


@pytest.mark.parametrize("language", ["en", "sq", "sr_Latn"])
def test_every_quiz_of_the_tutored_course_can_be_answered_fully_in_each_of_its_languages(
        session, reference, make_user, make_cohort, add_member, language):

    import_content(session, CONTENT)
    session.commit()
    course = session.scalar(db.select(Course).where(Course.slug == TUTORED))
    beneficiary = {"en": "ME", "sq": "AL", "sr_Latn": "RS"}[language]
    cohort = make_cohort(course=course, beneficiary=beneficiary, language=language)
    trainee, _enrolment = add_member(cohort, language=language)
    # The pre-test first: it closes once the final assessment has been begun.
    for quiz in sorted(session.scalars(db.select(Quiz).where(Quiz.course_id == course.id)),
                       key=lambda quiz: not quiz.is_pretest):
        pass_quiz(session, trainee, quiz, language=language)
