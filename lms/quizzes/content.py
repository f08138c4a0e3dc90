"""Quizzes in course folders: the ``quiz`` module key, ``final_assessment``, ``pretest``, and completion.

A ``pretest`` is a quiz of the course (like the final assessment, with its own GIFT file or
drawing from a bank category such as the final assessment's, ``final``) taken once before the
first module: the statistics compare it with the final assessment (knowledge gain). It needs a
final assessment, allows exactly one attempt and is never a completion requirement.

``lms content check`` validates each quiz section and its GIFT files (problems point at
the line of the question), checks that every translation has the same questions, and
claims the files. ``lms content import`` writes quizzes and questions: a question whose
text changed becomes a new question and the old one is retired, so attempts keep theirs.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms.courses.content import (
    ContentExtension,
    CourseSpec,
    Problems,
    check_locale_map,
    read_text,
)
from lms.courses.yamlfile import LineDict, LineList
from lms.quizzes.bank import StoredQuestion, build_question, ensure_category
from lms.quizzes.gift import parse_gift
from lms.quizzes.models import (
    FINAL_KEY,
    GRADING_METHODS,
    HIGHEST,
    PRETEST_KEY,
    REVIEW_OPTIONS,
    Question,
    Quiz,
    QuizSlot,
)
from lms.quizzes.parsed import ParsedQuestion, join_path
from lms.quizzes.types import QUESTION_TYPES

REQUIREMENT_KIND = "quiz"
QUIZ_KEYS = {"file", "title", "pass_mark", "attempts", "time_limit", "grading", "review",
             "shuffle_questions", "shuffle_answers", "questions", "category", "opens", "closes"}
FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*\.gift$")
FINAL_ORDER = 1_000_000


@dataclass
class QuizSpec:
    key: str
    module_slug: str | None
    line: int
    title: dict = field(default_factory=dict)
    file: str | None = None                  # relative to the course folder
    pass_mark: int = 0
    attempts: int = 0
    time_limit: int | None = None
    grading: str = HIGHEST
    review: str = "after_submit"
    shuffle_questions: bool = False
    shuffle_answers: bool = False
    draw_count: int | None = None
    category: str | None = None              # draw from this bank category
    opens: datetime | None = None
    closes: datetime | None = None
    questions: list[tuple[str, StoredQuestion, int]] = field(default_factory=list)  # (source key, question, line)

    @property
    def storage_category(self) -> str:
        return self.category or self.key

    def settings_hash(self) -> str:
        payload = [self.title, self.file, self.pass_mark, self.attempts, self.time_limit, self.grading,
                   self.review, self.shuffle_questions, self.shuffle_answers, self.draw_count, self.category,
                   self.opens.isoformat() if self.opens else None, self.closes.isoformat() if self.closes else None,
                   [key for key, _q, _line in self.questions]]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _int(value, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def _moment(value, *, end_of_day: bool) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59) if end_of_day else time(0, 0), tzinfo=UTC)
    return None


class QuizContent(ContentExtension):
    name = "quizzes"
    module_keys = ("quiz",)
    course_keys = ("final_assessment", "pretest")
    completion_keys = ("quizzes", "final_assessment")

    # --- check ------------------------------------------------------------------------
    def check(self, course: CourseSpec, problems: Problems) -> None:
        specs: dict[str, QuizSpec] = {}
        for module in course.modules:
            if "quiz" not in module.sections:
                continue
            line = module.section_lines["quiz"]
            if module.slug == FINAL_KEY:
                problems.add(module.yaml_path, line, "a module with a quiz cannot be called 'final': the name "
                                                     "is kept for the final assessment")
                continue
            spec = _read_spec(course, module.sections["quiz"], line, module.path, module.slug, module.slug,
                              f"module '{module.slug}' quiz", problems, yaml_path=module.yaml_path)
            if spec is not None:
                specs[spec.key] = spec
        if "final_assessment" in course.sections:
            spec = _read_spec(course, course.sections["final_assessment"], course.section_lines["final_assessment"],
                              course.path, FINAL_KEY, None, "final_assessment", problems)
            if spec is not None:
                specs[spec.key] = spec
        if "pretest" in course.sections:
            spec = self._check_pretest(course, problems)
            if spec is not None:
                specs[spec.key] = spec
        course.extension_data["quizzes"] = specs
        self._check_completion(course, specs, problems)

    def _check_pretest(self, course: CourseSpec, problems: Problems) -> QuizSpec | None:
        raw, line = course.sections["pretest"], course.section_lines["pretest"]
        if "final_assessment" not in course.sections:
            problems.add(course.yaml_path, line, "pretest: a pre-test is compared with the final assessment, "
                                                 "but the course has no final_assessment section")
        if isinstance(raw, LineDict):
            if raw.get("attempts", 1) != 1:
                problems.add(course.yaml_path, raw.line_of("attempts"), "pretest: attempts must be 1 (a pre-test "
                                                                        "is taken once)")
            if "pass_mark" in raw and raw["pass_mark"] != 0:
                problems.add(course.yaml_path, raw.line_of("pass_mark"), "pretest: pass_mark must be 0 (a "
                                                                         "pre-test is not passed or failed)")
            if raw.get("opens") is not None or raw.get("closes") is not None:
                problems.add(course.yaml_path, line, "pretest: a pre-test has no opens or closes date (it is "
                                                     "open until the final assessment is first attempted)")
        spec = _read_spec(course, raw, line, course.path, PRETEST_KEY, None, "pretest", problems)
        if spec is not None:
            spec.attempts, spec.pass_mark = 1, 0
        return spec

    def _check_completion(self, course: CourseSpec, specs: dict[str, QuizSpec], problems: Problems) -> None:
        path = course.yaml_path
        rule = course.completion.get("quizzes")
        line = course.completion_lines.get("quizzes", 1)
        with_quiz = [m.slug for m in course.modules if "quiz" in m.sections]
        if rule is not None and rule not in ("all", "none") and not isinstance(rule, list):
            problems.add(path, line, "completion: quizzes must be 'all', 'none' or a list of module slugs")
        if isinstance(rule, list):
            for index, slug in enumerate(rule):
                item_line = rule.line_of(index) if isinstance(rule, LineList) else line
                if slug not in with_quiz:
                    problems.add(path, item_line, f"completion: quizzes names '{slug}', which is not a module "
                                                  f"with a quiz (modules with a quiz: {', '.join(with_quiz) or 'none'})")
        final = course.completion.get("final_assessment")
        final_line = course.completion_lines.get("final_assessment", 1)
        if final is not None and not isinstance(final, bool):
            problems.add(path, final_line, "completion: final_assessment must be true or false")
        elif final and "final_assessment" not in course.sections:
            problems.add(path, final_line, "completion: final_assessment is true but the course has no "
                                           "final_assessment section")

    def requirements(self, course: CourseSpec) -> list[tuple[str, str, int]]:
        rule = course.completion.get("quizzes")
        with_quiz = [m for m in course.modules if "quiz" in m.sections and m.slug != FINAL_KEY]
        if rule == "all":
            chosen = with_quiz
        elif isinstance(rule, list):
            chosen = [m for m in with_quiz if m.slug in rule]
        else:
            chosen = []
        wanted = [(REQUIREMENT_KIND, m.slug, m.position * 100 + 50) for m in chosen]
        if course.completion.get("final_assessment") is True and "final_assessment" in course.sections:
            wanted.append((REQUIREMENT_KIND, FINAL_KEY, FINAL_ORDER))
        return wanted

    # --- import -----------------------------------------------------------------------
    def apply(self, session: Session, course, spec: CourseSpec, modules: dict) -> None:
        specs: dict[str, QuizSpec] = spec.extension_data.get("quizzes", {})
        existing_quizzes = {q.key: q for q in session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
        content_questions = {q.source_key: q for q in session.scalars(select(Question).where(
            Question.course_id == course.id, Question.source_key.is_not(None)))}
        kept_keys: set[str] = set()
        for key, quiz_spec in specs.items():
            category = ensure_category(session, course.id, quiz_spec.storage_category)
            question_ids = []
            for position, (source_key, stored, line) in enumerate(quiz_spec.questions, start=1):
                question = _sync_question(session, course.id, category.id, content_questions.get(source_key),
                                          source_key, stored, position, line)
                content_questions[source_key] = question
                kept_keys.add(source_key)
                question_ids.append(question.id)
            pool = ensure_category(session, course.id, quiz_spec.category).id if quiz_spec.category else None
            module = modules.get(quiz_spec.module_slug) if quiz_spec.module_slug else None
            quiz = existing_quizzes.get(key) or Quiz(course_id=course.id, key=key)
            _write_quiz(quiz, quiz_spec, module.id if module is not None else None, pool)
            session.add(quiz)
            session.flush()
            _write_slots(session, quiz, question_ids)
        for key, quiz in existing_quizzes.items():
            if key not in specs:
                quiz.is_retired = True
        for source_key, question in content_questions.items():
            if source_key not in kept_keys and not question.is_retired:
                question.is_retired = True
        session.flush()


def _sync_question(session: Session, course_id: int, category_id: int, old: Question | None, source_key: str,
                   stored: StoredQuestion, position: int, line: int) -> Question:
    if old is not None and old.content_hash == stored.content_hash:
        old.category_id, old.position, old.source_line, old.is_retired = category_id, position, line, False
        return old
    if old is not None:
        # Attempts keep the question they were given: retire it and write the new version beside it.
        old.source_key, old.is_retired = None, True
        session.flush()
    question = Question(course_id=course_id, category_id=category_id, name=stored.name, qtype=stored.qtype,
                        text=stored.text, general_feedback=stored.general_feedback,
                        definition=stored.definition, default_mark=stored.default_mark, moodle=stored.moodle,
                        position=position, source_key=source_key, source_line=line, content_hash=stored.content_hash)
    session.add(question)
    session.flush()
    return question


def _write_quiz(quiz: Quiz, spec: QuizSpec, module_id: int | None, pool_category_id: int | None) -> None:
    quiz.module_id = module_id
    quiz.is_retired = False
    settings = spec.settings_hash()
    if quiz.settings_hash == settings:
        return
    quiz.title = dict(spec.title)
    quiz.pass_mark = spec.pass_mark
    quiz.attempts_allowed = spec.attempts
    quiz.time_limit_minutes = spec.time_limit
    quiz.grading_method = spec.grading
    quiz.review = spec.review
    quiz.shuffle_questions = spec.shuffle_questions
    quiz.shuffle_answers = spec.shuffle_answers
    quiz.draw_count = spec.draw_count
    quiz.pool_category_id = pool_category_id
    quiz.opens_at, quiz.closes_at = spec.opens, spec.closes
    quiz.settings_hash = settings


def _write_slots(session: Session, quiz: Quiz, question_ids: list[int]) -> None:
    current = list(session.execute(select(QuizSlot.position, QuizSlot.question_id)
                                   .where(QuizSlot.quiz_id == quiz.id).order_by(QuizSlot.position)).all())
    wanted = list(enumerate(question_ids, start=1))
    if [tuple(row) for row in current] == wanted:
        return
    session.execute(delete(QuizSlot).where(QuizSlot.quiz_id == quiz.id))
    session.add_all(QuizSlot(quiz_id=quiz.id, position=position, question_id=question_id)
                    for position, question_id in wanted)
    session.flush()


# --- reading a quiz section ------------------------------------------------------------

def _read_spec(course: CourseSpec, raw, line: int, folder: Path, key: str, module_slug: str | None,
               what: str, problems: Problems, yaml_path: Path | None = None) -> QuizSpec | None:
    path = yaml_path or course.yaml_path
    if not isinstance(raw, LineDict):
        problems.add(path, line, f"{what} must be a mapping with file, title, pass_mark …")
        return None
    for name in raw:
        if name not in QUIZ_KEYS:
            problems.add(path, raw.line_of(name), f"unknown key '{name}' in {what} "
                                                  f"(allowed: {', '.join(sorted(QUIZ_KEYS))})")
    spec = QuizSpec(key=key, module_slug=module_slug, line=line)
    spec.title = check_locale_map(raw.get("title"), path=path, line=raw.line_of("title"), what=f"{what} title",
                                  required=course.default_language, problems=problems)
    spec.pass_mark = course.pass_mark
    if "pass_mark" in raw:
        value = _int(raw["pass_mark"], 0, 100)
        if value is None:
            problems.add(path, raw.line_of("pass_mark"), f"{what}: pass_mark must be a whole percentage from 0 to 100")
        spec.pass_mark = value or 0
    if "attempts" in raw:
        value = _int(raw["attempts"], 0, 100)
        if value is None:
            problems.add(path, raw.line_of("attempts"), f"{what}: attempts must be a whole number from 0 "
                                                        "(unlimited) to 100")
        spec.attempts = value or 0
    if "time_limit" in raw and raw["time_limit"] is not None:
        value = _int(raw["time_limit"], 1, 1440)
        if value is None:
            problems.add(path, raw.line_of("time_limit"), f"{what}: time_limit must be a whole number of "
                                                          "minutes from 1 to 1440")
        spec.time_limit = value
    for name, allowed in (("grading", GRADING_METHODS), ("review", REVIEW_OPTIONS)):
        if name in raw:
            if raw[name] not in allowed:
                problems.add(path, raw.line_of(name), f"{what}: {name} must be one of {', '.join(allowed)}")
            else:
                setattr(spec, name, raw[name])
    for name in ("shuffle_questions", "shuffle_answers"):
        if name in raw:
            if not isinstance(raw[name], bool):
                problems.add(path, raw.line_of(name), f"{what}: {name} must be true or false")
            else:
                setattr(spec, name, raw[name])
    questions = raw.get("questions", "all")
    if questions != "all":
        value = _int(questions, 1, 1000)
        if value is None:
            problems.add(path, raw.line_of("questions"), f"{what}: questions must be 'all' or a number of "
                                                         "questions to draw at random for each attempt")
        spec.draw_count = value
    if "category" in raw:
        if not isinstance(raw["category"], str) or not join_path(raw["category"]):
            problems.add(path, raw.line_of("category"), f"{what}: category must be a question-bank category "
                                                        "path such as 'rights/extra'")
        else:
            spec.category = join_path(raw["category"])
    for name, end_of_day in (("opens", False), ("closes", True)):
        if name in raw:
            moment = _moment(raw[name], end_of_day=end_of_day)
            if moment is None:
                problems.add(path, raw.line_of(name), f"{what}: {name} must be a date (2025-03-01) or a date "
                                                      "and time (2025-03-01T09:00:00Z)")
            setattr(spec, name, moment)
    if spec.opens and spec.closes and spec.closes <= spec.opens:
        problems.add(path, raw.line_of("closes"), f"{what}: closes must come after opens")

    if "file" in raw:
        file = raw["file"]
        if not isinstance(file, str) or not FILE_RE.match(file):
            problems.add(path, raw.line_of("file"), f"{what}: file must be the name of a .gift file in "
                                                    f"{'the module' if module_slug else 'the course'} folder")
        else:
            _read_files(course, spec, folder, file, raw.line_of("file"), what, problems, path)
    elif spec.category is None:
        problems.add(path, line, f"{what} needs a file of questions or a bank category to draw from")
    if spec.file and spec.draw_count and spec.category is None:
        gradable = sum(1 for _k, q, _l in spec.questions if QUESTION_TYPES[q.qtype].gradable)
        if spec.questions and spec.draw_count > gradable:
            problems.add(path, raw.line_of("questions"), f"{what}: questions asks for {spec.draw_count} "
                                                         f"questions but {spec.file} has {gradable}")
    return spec


def _read_files(course: CourseSpec, spec: QuizSpec, folder: Path, file: str, line: int, what: str,
                problems: Problems, yaml_path: Path) -> None:
    files = course.localized_file(folder, file)
    for found in files.values():
        course.claim(found)
    stem = file[: -len(".gift")]
    own_default = folder / f"{stem}.{course.default_language}.gift"
    if own_default.is_file():
        course.claim(own_default)
        problems.add(own_default, 1, f"the default language's questions belong in {file}")
    default_path = folder / file
    if not default_path.is_file():
        problems.add(yaml_path, line, f"{what}: the file {default_path.relative_to(course.path)} is missing")
        return
    relative = str(default_path.relative_to(course.path))
    spec.file = relative
    parsed = {}
    for language, file_path in sorted(files.items()):
        if language != course.default_language and language not in course.languages:
            problems.add(file_path, 1, f"questions in language '{language}', which course.yaml does not "
                                       f"declare in `languages` ({', '.join(course.languages)})")
            continue
        questions = _parse_content_file(file_path, problems)
        if questions is not None:
            parsed[language] = (file_path, questions)
    for language in course.languages:
        if language not in files:
            problems.add(yaml_path, line, f"{what} has no '{language}' questions ({stem}.{language}.gift), "
                                                 f"but `languages` declares '{language}' complete")
    if course.default_language not in parsed:
        return
    default_file, default_questions = parsed[course.default_language]
    consistent = all(_same_questions(default_file, default_questions, other_file, other, problems)
                     for language, (other_file, other) in parsed.items() if language != course.default_language)
    if not consistent or len(parsed) != len(files):
        return
    for index, question in enumerate(default_questions):
        variants = {language: questions[index] for language, (_file, questions) in parsed.items()}
        spec.questions.append((f"{relative}#{question.name}", build_question(variants, course.default_language),
                               question.line))


def _parse_content_file(path: Path, problems: Problems) -> list[ParsedQuestion] | None:
    text = read_text(path, problems)
    if text is None:
        return None
    result = parse_gift(text)
    for error in result.errors:
        problems.add(path, error.line, error.message)
    for declared in result.categories:
        problems.add(path, declared.line, "$CATEGORY is not used in course content: a quiz's questions go to "
                                          "its own category, or the one named by `category:` in course.yaml")
    seen: dict[str, int] = {}
    ok = not result.errors and not result.categories
    for question in result.questions:
        for message in _content_rules(question):
            problems.add(path, question.line, message)
            ok = False
        if question.named and question.name in seen:
            problems.add(path, question.line, f"the name '::{question.name}::' is already used on line "
                                              f"{seen[question.name]}: names are unique within a file")
            ok = False
        seen.setdefault(question.name, question.line)
    if not result.questions and not result.errors:
        problems.add(path, 1, "the file contains no questions")
        ok = False
    return result.questions if ok else None


def _content_rules(question: ParsedQuestion) -> list[str]:
    """docs/content-format.md: names; and what each question type asks (feedback on every answer…)."""
    messages = []
    if not question.named:
        messages.append("every question in course content needs a ::name::")
    return messages + QUESTION_TYPES[question.qtype].content_rules(question)


def _same_questions(default_file: Path, default: list[ParsedQuestion], other_file: Path,
                    other: list[ParsedQuestion], problems: Problems) -> bool:
    """A translation has the same questions: names, order, types, answer counts and weights."""
    ok = True
    if len(other) != len(default):
        problems.add(other_file, 1, f"the translation has {len(other)} questions but {default_file.name} "
                                    f"has {len(default)}")
        ok = False
    for index, (original, translated) in enumerate(zip(default, other, strict=False), start=1):
        if translated.name != original.name:
            problems.add(other_file, translated.line, f"question {index} is '::{translated.name}::' here but "
                                                      f"'::{original.name}::' in {default_file.name} "
                                                      f"(line {original.line}): same questions, same order")
            ok = False
            continue
        if translated.qtype != original.qtype:
            problems.add(other_file, translated.line, f"'::{original.name}::' is a {translated.qtype} question "
                                                      f"here but a {original.qtype} question in "
                                                      f"{default_file.name}")
            ok = False
            continue
        kind = QUESTION_TYPES[original.qtype]
        if kind.signature(translated) != kind.signature(original):
            problems.add(other_file, translated.line, f"'::{original.name}::' must have the same answers and "
                                                      f"weights as in {default_file.name} (line "
                                                      f"{original.line}): {kind.describe(translated)} here, "
                                                      f"{kind.describe(original)} there")
            ok = False
    return ok
