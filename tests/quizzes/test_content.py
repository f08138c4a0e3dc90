"""Quizzes in course folders: `lms content check` problems as file:line, translations that must
match, idempotent import, and new versions that keep every attempt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.courses.content import check_content
from lms.courses.importer import import_content
from lms.courses.models import CompletionRequirement
from lms.quizzes import bank
from lms.quizzes.gift import parse_gift
from lms.quizzes.models import AttemptAnswer, Question, Quiz, QuizAttempt, QuizSlot
from tests.conftest import ROOT
from tests.quizzes.conftest import QUIZ_CONTENT

# Content checks use the sections each feature adds to the application.
pytestmark = pytest.mark.usefixtures("ctx")

COURSE = "quiz-course"

@pytest.fixture
def content(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(QUIZ_CONTENT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def problems_in(content: Path) -> list[str]:
    return [f"{p.path.relative_to(content)}:{p.line}: {p.message}" for p in check_content(content)]


def test_the_test_course_is_valid():
    assert check_content(QUIZ_CONTENT) == []


def test_a_broken_quiz_file_is_reported_at_the_line_of_its_question(content):
    edit(content / COURSE / "basics/quiz.gift", "~%-100%The belonging", "~%-150%The belonging")
    assert problems_in(content) == [
        f"{COURSE}/basics/quiz.gift:12: Weight out of range (-150%): weights run from -100% to 100%."]


def test_a_translation_must_keep_names_order_types_and_weights(content):
    translated = content / COURSE / "basics/quiz.sr_Latn.gift"
    edit(translated, "~%50%Diskriminacija", "~%75%Diskriminacija")
    edit(translated, "~%50%Osećaj nepravde#", "~%25%Osećaj nepravde#")
    edit(translated, "::b-tf::", "::b-truefalse::")
    problems = problems_in(content)
    assert problems[0].startswith(f"{COURSE}/basics/quiz.sr_Latn.gift:9: '::b-multi::' must have the same answers "
                                  "and weights as in quiz.gift (line 9): 3 answers (75%, 25%, -100%) here")
    assert problems[1] == (f"{COURSE}/basics/quiz.sr_Latn.gift:15: question 3 is '::b-truefalse::' here but "
                           "'::b-tf::' in quiz.gift (line 15): same questions, same order")


def test_a_translation_with_another_type_or_count_is_reported(content):
    translated = content / COURSE / "final.sr_Latn.gift"
    edit(translated, "{T#Ne: važe za sve zatvorenike.#Da: važe za sve zatvorenike.}",
         "{=da#Tačno. =%50%možda#Delimično.}")
    edit(translated, "\n::f-5::", "\n::f-6:: Dodatno? {T#Ne.#Da.}\n\n::f-5::")
    problems = problems_in(content)
    assert f"{COURSE}/final.sr_Latn.gift:1: the translation has 6 questions but final.gift has 5" in problems
    assert f"{COURSE}/final.sr_Latn.gift:1: '::f-1::' is a short_answer question here but a true_false " \
           "question in final.gift" in problems


def test_a_missing_translation_of_a_declared_language_is_reported(content):
    (content / COURSE / "practice/quiz.sr_Latn.gift").unlink()
    assert problems_in(content) == [
        f"{COURSE}/course.yaml:36: module 'practice' quiz has no 'sr_Latn' questions (quiz.sr_Latn.gift), "
        "but `languages` declares 'sr_Latn' complete"]


def test_a_translation_in_an_undeclared_language_is_reported(content):
    shutil.copy(content / COURSE / "basics/quiz.gift", content / COURSE / "basics/quiz.sq.gift")
    assert problems_in(content) == [
        f"{COURSE}/basics/quiz.sq.gift:1: questions in language 'sq', which course.yaml does not declare in "
        "`languages` (en, sr_Latn)"]


def test_a_stray_gift_file_is_not_claimed(content):
    shutil.copy(content / COURSE / "basics/quiz.gift", content / COURSE / "basics/other.gift")
    assert problems_in(content) == [
        f"{COURSE}/basics/other.gift:1: this file is not referred to by course.yaml (module 'basics')"]


@pytest.mark.parametrize("old, new, expected", [
    ("      grading: highest\n      review: after_submit", "      grading: best\n      review: after_submit",
     "course.yaml:25: module 'basics' quiz: grading must be one of highest, last, first, average"),
    ("      time_limit: 10", "      time_limit: 0",
     "course.yaml:40: module 'practice' quiz: time_limit must be a whole number of minutes from 1 to 1440"),
    ("      questions: all", "      questions: all\n      colour: blue",
     "course.yaml:30: unknown key 'colour' in module 'basics' quiz (allowed: attempts, category, closes, file, "
     "grading, opens, pass_mark, questions, review, shuffle_answers, shuffle_questions, time_limit, title)"),
    ("  questions: 3", "  questions: 9", "course.yaml:51: final_assessment: questions asks for 9 questions but "
                                          "final.gift has 5"),
    ("  quizzes: all", "  quizzes: [basics, nope]",
     "course.yaml:54: completion: quizzes names 'nope', which is not a module with a quiz (modules with a quiz: "
     "basics, practice)"),
    ("      file: quiz.gift\n      title: {en: Practice", "      file: missing.gift\n      title: {en: Practice",
     "course.yaml:36: module 'practice' quiz: the file practice/missing.gift is missing"),
    ("      pass_mark: 50", "      pass_mark: 150",
     "course.yaml:38: module 'practice' quiz: pass_mark must be a whole percentage from 0 to 100"),
    ("  attempts: 2\n  grading", "  attempts: 2\n  opens: 2030-02-01\n  closes: 2030-01-01\n  grading",
     "course.yaml:49: final_assessment: closes must come after opens"),
])
def test_quiz_settings_are_checked(content, old, new, expected):
    edit(content / COURSE / "course.yaml", old, new)
    problems = problems_in(content)
    assert problems[0] == f"{COURSE}/{expected}"
    assert all(p.endswith("is not referred to by course.yaml (module 'practice')") for p in problems[1:])


def test_the_final_assessment_must_exist_when_completion_asks_for_it(content):
    yaml = content / COURSE / "course.yaml"
    text = yaml.read_text()
    start, end = text.index("final_assessment:\n"), text.index("completion:")
    yaml.write_text(text[:start] + text[end:])
    (content / COURSE / "final.gift").unlink()
    (content / COURSE / "final.sr_Latn.gift").unlink()
    assert problems_in(content) == [f"{COURSE}/course.yaml:46: completion: final_assessment is true but the "
                                    "course has no final_assessment section"]


@pytest.mark.parametrize("old, new, expected", [
    ("::b-tf:: Holding", "Holding", "basics/quiz.gift:15: every question in course content needs a ::name::"),
    ("::b-short::", "::b-tf::", "basics/quiz.gift:17: the name '::b-tf::' is already used on line 15: names are "
                                "unique within a file"),
    ("~The European Social Charter#No: it protects social rights.", "~The European Social Charter",
     "basics/quiz.gift:3: every answer needs feedback after '#' (the answer on line 6)"),
    ("  ####MATCH-GENERAL-FEEDBACK: the dates matter.\n", "",
     "basics/quiz.gift:27: a matching question needs general feedback, written '####…' before '}'"),
    ("{F#TF-WRONG-FEEDBACK: views are not crimes.#TF-RIGHT-FEEDBACK: views are not crimes.}", "{F}",
     "basics/quiz.gift:15: a true/false question needs feedback for both answers: {T#if wrong…#if right…}"),
    ("// The basics quiz", "$CATEGORY: elsewhere\n\n// The basics quiz",
     "basics/quiz.gift:1: $CATEGORY is not used in course content: a quiz's questions go to its own category, "
     "or the one named by `category:` in course.yaml"),
])
def test_course_quizzes_follow_the_content_format(content, old, new, expected):
    edit(content / COURSE / "basics/quiz.gift", old, new)
    assert f"{COURSE}/{expected}" in problems_in(content)


def test_reimporting_an_unchanged_course_changes_nothing(session, reference, content):
    import_content(session, content)
    session.commit()
    before = (sorted(session.scalars(select(Question.id))), sorted(session.scalars(select(Quiz.id))),
              sorted(session.execute(select(QuizSlot.id, QuizSlot.question_id)).all()))
    results = import_content(session, content)
    session.commit()
    assert [r.action for r in results] == ["unchanged"]
    assert before == (sorted(session.scalars(select(Question.id))), sorted(session.scalars(select(Quiz.id))),
                      sorted(session.execute(select(QuizSlot.id, QuizSlot.question_id)).all()))


def test_a_new_version_changes_a_question_and_keeps_the_attempts(client, session, reference, make_user, enrol,
                                                                 token_for, content):
    from lms.courses.models import Course

    import_content(session, content)
    session.commit()
    course = session.scalar(select(Course).where(Course.slug == COURSE))
    quiz = session.scalar(select(Quiz).where(Quiz.key == "basics"))
    user = make_user()
    enrol(user, course)
    token = token_for(user)
    attempt = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token).get_json()
    client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit", json={}, token=token)
    old_single = session.scalar(select(Question).where(Question.source_key == "basics/quiz.gift#b-single"))
    unchanged = session.scalar(select(Question).where(Question.source_key == "basics/quiz.gift#b-tf"))
    old_single_id, unchanged_id = old_single.id, unchanged.id

    edit(content / COURSE / "basics/quiz.gift", "Which standard is written for prisons?",
         "Which standard was written for prisons?")
    edit(content / COURSE / "basics/quiz.sr_Latn.gift", "Koji standard je napisan", "Koji standard je pisan")
    edit(content / COURSE / "course.yaml", "version: 1", "version: 2")
    assert [r.action for r in import_content(session, content)] == ["updated"]
    session.commit()
    session.expire_all()
    new_single = session.scalar(select(Question).where(Question.source_key == "basics/quiz.gift#b-single"))
    assert new_single.id != old_single_id and "was written" in new_single.text["en"]
    assert session.get(Question, old_single_id).is_retired
    assert session.scalar(select(Question.id).where(Question.source_key == "basics/quiz.gift#b-tf")) == unchanged_id
    assert session.scalar(select(Quiz.id).where(Quiz.key == "basics")) == quiz.id
    assert new_single.id in set(session.scalars(select(QuizSlot.question_id).where(QuizSlot.quiz_id == quiz.id)))
    # The attempt keeps the question it was given, and can still be reviewed.
    kept = session.scalars(select(AttemptAnswer.question_id).where(AttemptAnswer.attempt_id == attempt["id"])).all()
    assert old_single_id in kept
    review = client.api("GET", f"/api/v1/attempts/{attempt['id']}/review", token=token)
    assert review.status_code == 200 and "is written for prisons" in str(review.get_json())
    assert session.get(QuizAttempt, attempt["id"]).state == "graded"


def test_a_new_version_without_a_quiz_retires_it_and_its_requirement(session, reference, content, make_user, enrol):
    from lms.courses.completion import progress_of
    from lms.courses.models import Course

    import_content(session, content)
    session.commit()
    enrolment = enrol(make_user(), session.scalar(select(Course).where(Course.slug == COURSE)))
    assert "practice" in [status.requirement.ref for status in progress_of(session, enrolment).requirements]
    yaml = content / COURSE / "course.yaml"
    text = yaml.read_text()
    start = text.index("    quiz:\n      file: quiz.gift\n      title: {en: Practice")
    end = text.index("final_assessment:")
    yaml.write_text(text[:start] + text[end:])
    edit(yaml, "version: 1", "version: 2")
    (content / COURSE / "practice/quiz.gift").unlink()
    (content / COURSE / "practice/quiz.sr_Latn.gift").unlink()
    import_content(session, content)
    session.commit()
    assert session.scalar(select(Quiz.is_retired).where(Quiz.key == "practice")) is True
    assert session.scalar(select(func.count()).select_from(CompletionRequirement).where(
        CompletionRequirement.ref == "practice")) == 0
    # The requirements progress counts were kept under the old content: the new ones count now.
    refs = [status.requirement.ref for status in progress_of(session, enrolment).requirements]
    assert refs and "practice" not in refs
    assert session.scalar(select(func.count()).select_from(Question).where(
        Question.source_key.like("practice/%"), Question.is_retired.is_(False))) == 0


def test_a_quiz_may_draw_its_questions_from_a_bank_category(client, session, reference, make_user, enrol, token_for,
                                                            content):
    from lms.courses.models import Course

    edit(content / COURSE / "course.yaml", "      time_limit: 10\n",
         "      time_limit: 10\n      category: Moodle/Practice\n      questions: 2\n")
    assert check_content(content) == []
    import_content(session, content)
    session.commit()
    course = session.scalar(select(Course).where(Course.slug == COURSE))
    bank.import_questions(session, course.id, b"::x1:: One? {T}\n\n::x2:: Two? {F}\n\n::x3:: Three? {T}\n",
                          filename="extra.gift", category="Moodle/Practice/More")
    session.commit()
    quiz = session.scalar(select(Quiz).where(Quiz.key == "practice"))
    user = make_user()
    enrol(user, course)
    body = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token_for(user)).get_json()
    assert len(body["questions"]) == 2
    names = set(session.scalars(select(Question.name).join(AttemptAnswer).where(
        AttemptAnswer.attempt_id == body["id"])))
    assert names <= {"p-tf", "p-essay", "x1", "x2", "x3"}


def test_every_gift_file_of_the_real_courses_parses():
    folders = [ROOT / "content", ROOT.parent / "wt-content-en" / "content"]
    files = [path for folder in folders if folder.is_dir() for path in sorted(folder.rglob("*.gift"))]
    if not files:
        pytest.skip("no course content with quizzes next to this checkout")
    for path in files:
        result = parse_gift(path.read_text(encoding="utf-8"))
        assert result.errors == [], (path, result.errors)
        assert result.questions, path
