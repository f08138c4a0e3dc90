"""The quality of the real course content (issue 14), checked on the files in content/.

These tests hold every course, present and future, to the programme's editorial rules:

- quizzes test understanding, not guessing: in every English quiz file the correct option of a
  single-choice question is the strictly longest option in at most 40% of those questions, and
  true/false answers are balanced (35–65% "false") in each course and in each quiz file that
  has at least four true/false questions;
- the final assessment has its own questions: none shares a name or a (normalised) question
  text with a module quiz of the same course;
- the tutored course is a course a HELP tutor can adopt: every module has 3–5 learning
  outcomes; there are at least ten case studies, each with a rubric of three or four criteria;
  and every module with case studies has a tutor guide that names each of them (by slug or
  title) and gives a model answer for each;
- every file that writes "Kosovo*" carries the designation's footnote.

The quiz files are read with the project's own GIFT parser, the course folders with the
project's own loader, so the tests see exactly what `lms content check` and the import see.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from lms.courses.content import CourseSpec, load_content
from lms.courses.models import TUTORED
from lms.quizzes.gift import parse_gift
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types import SINGLE_CHOICE, TRUE_FALSE
from tests.conftest import ROOT

CONTENT = ROOT / "content"

MAX_KEY_LONGEST = 0.40          # share of single-choice questions whose key is strictly the longest
FALSE_SHARE = (0.35, 0.65)      # share of true/false questions whose answer is "false"
MIN_TF_PER_FILE = 4             # a quiz file with fewer true/false questions is judged with its course
OUTCOMES = (3, 5)               # learning outcomes per module
MIN_CASE_STUDIES = 10           # case studies in the tutored course
RUBRIC_CRITERIA = (3, 4)        # criteria per rubric

KOSOVO_STAR = re.compile(r"(?:Kosov|Косов)\w*\\?\*")
ENGLISH_FOOTNOTE = ("This designation is without prejudice to positions on status, and is in line with UNSCR "
                    "1244/1999 and the ICJ Opinion on the Kosovo Declaration of Independence.")
LOCALE_SUFFIX = re.compile(r"\.(?:sq|bs|sr_Latn|sr_Cyrl|mk|cnr)\.[a-z]+$")


# --- loading ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def specs(app) -> list[CourseSpec]:
    """Every course in content/, as the loader reads it (with the quiz and case-study extensions
    the application registers). Problems are `lms content check`'s business, not this file's."""
    with app.app_context():
        return load_content(CONTENT).specs


def _tutored(specs: list[CourseSpec]) -> list[CourseSpec]:
    courses = [spec for spec in specs if spec.format == TUTORED]
    assert courses, "content/ has no tutored course"
    return courses


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text or ""))


def _normalised(text: str) -> str:
    """Question text reduced to lower-case words: markup, punctuation and spacing do not count."""
    text = unicodedata.normalize("NFKC", _plain(text)).casefold()
    return " ".join(re.findall(r"\w+", text))


def _quiz_files(spec: CourseSpec) -> Iterator[tuple[str, Path]]:
    """(key, path) of every English quiz file of a course: each module quiz, then the final."""
    for module in spec.modules:
        quiz = module.sections.get("quiz")
        if isinstance(quiz, dict) and isinstance(quiz.get("file"), str):
            yield module.slug, module.path / quiz["file"]
    final = spec.sections.get("final_assessment")
    if isinstance(final, dict) and isinstance(final.get("file"), str):
        yield "final", spec.path / final["file"]


def _questions(path: Path) -> list[ParsedQuestion]:
    result = parse_gift(path.read_text(encoding="utf-8"))
    assert not result.errors, f"{path}: {[f'{e.line}: {e.message}' for e in result.errors]}"
    return result.questions


def _key_is_strictly_longest(question: ParsedQuestion) -> bool:
    lengths = [(len(_plain(a.text).strip()), a.fraction) for a in question.answers]
    keys = [length for length, fraction in lengths if fraction >= 1 - 1e-6]
    others = [length for length, fraction in lengths if fraction < 1 - 1e-6]
    return bool(keys and others) and max(keys) > max(others)


def _quiz_paths(specs: list[CourseSpec]) -> list[Path]:
    return [path for spec in specs for _key, path in _quiz_files(spec) if path.is_file()]


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- quizzes --------------------------------------------------------------------------------

def test_every_course_has_quiz_files_to_check(specs):
    assert _quiz_paths(specs), "no English quiz file found in content/"


def test_the_correct_option_is_rarely_the_longest(specs):
    failures = []
    for path in _quiz_paths(specs):
        single = [q for q in _questions(path) if q.qtype == SINGLE_CHOICE]
        if not single:
            continue
        longest = [q.name for q in single if _key_is_strictly_longest(q)]
        if len(longest) > MAX_KEY_LONGEST * len(single):
            failures.append(f"{_rel(path)}: the key is the longest option in {len(longest)} of {len(single)} "
                            f"single-choice questions ({', '.join(longest)})")
    assert not failures, "\n".join(failures)


def _false_share_problem(label: str, questions: list[ParsedQuestion]) -> str | None:
    true_false = [q for q in questions if q.qtype == TRUE_FALSE]
    if not true_false:
        return None
    false = [q.name for q in true_false if not q.options.get("correct")]
    share = len(false) / len(true_false)
    low, high = FALSE_SHARE
    if not low <= share <= high:
        return (f"{label}: {len(false)} of {len(true_false)} true/false answers are 'false' ({share:.0%}; "
                f"{low:.0%}–{high:.0%} expected)")
    return None


def test_true_false_answers_are_balanced_in_each_course(specs):
    failures = []
    for spec in specs:
        questions = [q for _key, path in _quiz_files(spec) if path.is_file() for q in _questions(path)]
        problem = _false_share_problem(f"course {spec.slug}", questions)
        if problem:
            failures.append(problem)
    assert not failures, "\n".join(failures)


def test_true_false_answers_are_balanced_in_each_quiz_file_with_several(specs):
    failures = []
    for path in _quiz_paths(specs):
        questions = _questions(path)
        if sum(q.qtype == TRUE_FALSE for q in questions) < MIN_TF_PER_FILE:
            continue
        problem = _false_share_problem(_rel(path), questions)
        if problem:
            failures.append(problem)
    assert not failures, "\n".join(failures)


def test_the_final_assessment_shares_no_question_with_a_module_quiz(specs):
    failures = []
    for spec in specs:
        files = dict(_quiz_files(spec))
        final = files.pop("final", None)
        if final is None or not final.is_file():
            continue
        names, texts = {}, {}
        for module_slug, path in files.items():
            if not path.is_file():
                continue
            for question in _questions(path):
                names[question.name] = f"{module_slug}/{question.name}"
                texts[_normalised(question.text)] = f"{module_slug}/{question.name}"
        for question in _questions(final):
            if question.name in names:
                failures.append(f"{spec.slug}: final '{question.name}' has the name of {names[question.name]}")
            elif _normalised(question.text) in texts:
                failures.append(f"{spec.slug}: final '{question.name}' repeats the question of "
                                f"{texts[_normalised(question.text)]}")
    assert not failures, "\n".join(failures)


# --- the tutored course ---------------------------------------------------------------------

def test_every_module_of_the_tutored_course_has_learning_outcomes(specs):
    failures = []
    low, high = OUTCOMES
    for spec in _tutored(specs):
        for module in spec.modules:
            if not low <= len(module.outcomes) <= high:
                failures.append(f"{spec.slug}/{module.slug}: {len(module.outcomes)} learning outcomes "
                                f"({low}–{high} expected)")
    assert not failures, "\n".join(failures)


def _assignments(spec: CourseSpec) -> list:
    return list(spec.extension_data.get("assignments", {}).values())


def test_the_tutored_course_has_at_least_ten_case_studies_each_with_a_rubric(specs):
    failures = []
    low, high = RUBRIC_CRITERIA
    for spec in _tutored(specs):
        assignments = _assignments(spec)
        if len(assignments) < MIN_CASE_STUDIES:
            failures.append(f"{spec.slug}: {len(assignments)} case studies (at least {MIN_CASE_STUDIES} expected)")
        for assignment in assignments:
            criteria = assignment.rubric.get("criteria", [])
            if not low <= len(criteria) <= high:
                failures.append(f"{spec.slug}/{assignment.slug}: a rubric of {len(criteria)} criteria "
                                f"({low}–{high} expected)")
            for criterion in criteria:
                if len(criterion.get("levels", [])) < 2:
                    failures.append(f"{spec.slug}/{assignment.slug}: criterion '{criterion.get('slug')}' "
                                    "has fewer than two levels")
    assert not failures, "\n".join(failures)


def _names_in(guide: str) -> str:
    guide = unicodedata.normalize("NFKC", guide).replace("’", "'").replace("‘", "'")
    return " ".join(guide.replace("`", "").casefold().split())


def _ways_to_name(assignment, language: str) -> list[str]:
    title = " ".join(str(assignment.title.get(language, "")).replace("’", "'").casefold().split())
    ways = [assignment.slug.casefold()]
    if title:
        ways.append(title)
        ways.append(re.sub(r"^case study\s*:\s*", "", title))
    return [way for way in ways if way]


def test_every_case_study_has_a_model_answer_in_its_modules_tutor_guide(specs):
    failures = []
    for spec in _tutored(specs):
        by_module: dict[str, list] = {}
        for assignment in _assignments(spec):
            by_module.setdefault(assignment.module_slug, []).append(assignment)
        for module in spec.modules:
            cases = by_module.get(module.slug, [])
            if not cases:
                continue
            guide = module.tutor_guide.get(spec.default_language)
            if not guide:
                failures.append(f"{spec.slug}/{module.slug}: {len(cases)} case studies but no tutor guide")
                continue
            text = _names_in(guide)
            for assignment in cases:
                if not any(way in text for way in _ways_to_name(assignment, spec.default_language)):
                    failures.append(f"{spec.slug}/{module.slug}: the tutor guide does not name the case study "
                                    f"'{assignment.slug}' (by slug or title)")
            model_answers = text.count("model answer")
            if model_answers < len(cases):
                failures.append(f"{spec.slug}/{module.slug}: {len(cases)} case studies but {model_answers} "
                                "'model answer' section(s) in the tutor guide")
    assert not failures, "\n".join(failures)


# --- Kosovo* --------------------------------------------------------------------------------

def _text_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".md", ".gift", ".yaml", ".yml"} and \
                not any(part.startswith(".") for part in path.relative_to(root).parts):
            yield path


def test_every_file_that_writes_kosovo_star_carries_the_footnote():
    failures = []
    english_footnote = " ".join(ENGLISH_FOOTNOTE.split())
    for path in _text_files(CONTENT):
        text = path.read_text(encoding="utf-8")
        if not KOSOVO_STAR.search(text):
            continue
        flat = " ".join(text.split())
        if "1244" not in flat:
            failures.append(f"{_rel(path)}: writes Kosovo* without the footnote")
        elif not LOCALE_SUFFIX.search(path.name) and path.suffix in {".md", ".gift"} and \
                english_footnote not in flat:
            failures.append(f"{_rel(path)}: the footnote is not the programme's wording: {ENGLISH_FOOTNOTE}")
    assert not failures, "\n".join(failures)
