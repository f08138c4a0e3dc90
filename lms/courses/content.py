"""Read and validate course folders (docs/content-format.md) without touching the database.

Every problem is collected, not just the first, and reported as ``file:line: message``.
Sections that belong to other features (``quiz``, ``assignment``, ``final_assessment``)
are checked by the content extensions those features register.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.core.i18n import LANGUAGES
from lms.core.markdown import render_markdown, word_count
from lms.courses.extension_points import CONTENT_FILES, CONTENT_SECTIONS
from lms.courses.models import SELF_PACED, TUTORED
from lms.courses.yamlfile import LineDict, LineList, YamlProblem, load_yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BODY_FILE_RE = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<lang>[A-Za-z_]+))?\.md$")
COURSE_KEYS = {"slug", "version", "format", "default_language", "languages", "hours",
               "pass_mark", "title", "summary", "modules", "completion"}
MODULE_KEYS = {"slug", "title", "summary", "lessons", "outcomes", "tutor_guide", "beneficiaries",
               "discussion"}
LESSON_KEYS = {"slug", "title", "minutes"}
DISCUSSION_KEYS = {"slug", "title", "prompt"}
MODULE_FILE = "module.yaml"
# The six beneficiaries' codes (lms.accounts.reference): a module may be limited to some.
BENEFICIARY_CODES = ("AL", "BA", "XK", "ME", "MK", "RS")


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        try:
            shown = self.path.resolve().relative_to(Path.cwd())
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.message}"


class Problems(list):
    def add(self, path: Path, line: int, message: str) -> None:
        self.append(Problem(Path(path), int(line or 1), message))


class ContentInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the course content")


@dataclass
class LessonSpec:
    slug: str
    title: dict
    minutes: int | None
    position: int
    line: int
    bodies: dict[str, str] = field(default_factory=dict)

    def html(self, language: str) -> str:
        return render_markdown(self.bodies[language])

    def words(self, language: str) -> int:
        return word_count(self.bodies[language])

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256(repr(sorted(self.title.items())).encode())
        for language in sorted(self.bodies):
            digest.update(language.encode() + b"\0" + self.bodies[language].encode())
        return digest.hexdigest()


@dataclass
class DiscussionPrompt:
    slug: str
    title: dict
    prompt: dict


@dataclass
class ModuleSpec:
    slug: str
    title: dict
    summary: dict
    position: int
    line: int
    path: Path
    # The file the module's keys were read from: its own module.yaml, or course.yaml.
    yaml_path: Path = Path("course.yaml")
    lessons: list[LessonSpec] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    tutor_guide: dict[str, str] = field(default_factory=dict)
    beneficiaries: list[str] = field(default_factory=list)
    discussion: list[DiscussionPrompt] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)
    section_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class CourseSpec:
    path: Path
    yaml_path: Path
    slug: str = ""
    version: int = 0
    version_line: int = 1
    format: str = ""
    default_language: str = "en"
    languages: list[str] = field(default_factory=list)
    hours: float = 0
    pass_mark: int = 0
    title: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    modules: list[ModuleSpec] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)
    section_lines: dict[str, int] = field(default_factory=dict)
    completion: dict = field(default_factory=dict)
    completion_lines: dict[str, int] = field(default_factory=dict)
    claimed_files: set[Path] = field(default_factory=set)
    # Parsed results that extensions keep between check() and apply().
    extension_data: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""

    def module(self, slug: str) -> ModuleSpec | None:
        return next((m for m in self.modules if m.slug == slug), None)

    def claim(self, path: Path) -> None:
        self.claimed_files.add(path.resolve())

    def localized_file(self, folder: Path, name: str) -> dict[str, Path]:
        """``case-study.md`` → {default language: case-study.md, 'sq': case-study.sq.md, …}."""
        stem, dot, ext = name.rpartition(".")
        found = {}
        if (folder / name).is_file():
            found[self.default_language] = folder / name
        for code in LANGUAGES:
            candidate = folder / f"{stem}.{code}.{ext}" if dot else folder / f"{name}.{code}"
            if candidate.is_file():
                found[code] = candidate
        return found


class ContentExtension:
    """A feature's part of the content format. Subclasses override what they need."""

    name = "extension"
    module_keys: tuple[str, ...] = ()
    course_keys: tuple[str, ...] = ()
    completion_keys: tuple[str, ...] = ()

    def check(self, course: CourseSpec, problems: Problems) -> None:
        """Validate this extension's sections, claim their files, stash parsed data."""

    def requirements(self, course: CourseSpec) -> list[tuple[str, str, int]]:
        """(kind, ref, order) completion requirements from ``course.completion``.

        ``order`` lists requirements module by module: module position × 100 plus an offset
        (a quiz 50, a case study 60); course-level ones (a final assessment) after every module.
        """
        return []

    def apply(self, session, course, spec: CourseSpec, modules: dict) -> None:
        """Write this extension's part of an imported course into the database."""


class ContentFile:
    """A feature's file at the top of the content folder, beside the course folders
    (``glossary.yaml``): checked with the courses, imported in the same transaction."""

    name = "file.yaml"

    def check(self, path: Path, problems: Problems) -> Any:
        """Validate the file (it exists); return what ``apply`` needs."""

    def apply(self, session, data: Any) -> str:
        """Write the file's data into the database; return what happened (for the CLI)."""
        return ""


# --- field checks ----------------------------------------------------------------------

def check_locale_map(value, *, path: Path, line: int, what: str, required: str,
                     problems: Problems, allowed: set[str] | None = None) -> dict:
    """A ``{locale: text}`` map with the required language present."""
    if not isinstance(value, dict) or not value:
        problems.add(path, line, f"{what} must be a map of language → text, e.g. {{{required}: …}}")
        return {}
    result = {}
    for code, text in value.items():
        code_line = value.line_of(code) if isinstance(value, LineDict) else line
        if code not in LANGUAGES:
            problems.add(path, code_line, f"{what}: unknown language code '{code}' "
                                          f"(known: {', '.join(LANGUAGES)})")
        elif allowed is not None and code not in allowed:
            problems.add(path, code_line, f"{what}: language '{code}' is not declared in `languages`")
        elif not isinstance(text, str) or not text.strip():
            problems.add(path, code_line, f"{what} ({code}) must be non-empty text")
        else:
            result[code] = text.strip()
    if required not in result and not any(p.line == line for p in problems if p.path == path):
        problems.add(path, line, f"{what} has no text in the default language '{required}'")
    return result


def check_keys(mapping: LineDict, allowed: set[str], *, path: Path, what: str, problems: Problems) -> None:
    """Report keys a mapping should not have (usually a typo), each at its line."""
    for key in mapping:
        if key not in allowed:
            problems.add(path, mapping.line_of(key),
                         f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})")


def slugged_mappings(items, *, path: Path, line: int, noun: str, allowed: set[str], problems: Problems,
                     within: str = "") -> Iterator[tuple[int, LineDict, str]]:
    """(position, mapping, slug) for each item of a YAML list of mappings with unique slugs.

    Items that are not mappings, slugs that are malformed or used twice are reported as
    problems and skipped; unknown keys are reported and the item kept.
    """
    seen: dict[str, int] = {}
    for position, raw in enumerate(items, start=1):
        item_line = items.line_of(position - 1) if isinstance(items, LineList) else line
        if not isinstance(raw, LineDict):
            problems.add(path, item_line, f"each {noun} must be a mapping with a slug")
            continue
        check_keys(raw, allowed, path=getattr(raw, "source_path", path), what=f"a {noun}", problems=problems)
        slug = raw.get("slug")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.add(path, raw.line_of("slug"), f"{noun} slug must be lower-case letters, digits and dashes")
            continue
        if slug in seen:
            problems.add(path, raw.line_of("slug"),
                         f"duplicate {noun} slug '{slug}'{within} (first used on line {seen[slug]})")
            continue
        seen[slug] = raw.line_of("slug")
        yield position, raw, slug


def _int(value, *, low: int, high: int | None = None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if value < low or (high is not None and value > high):
        return None
    return value


def read_text(path: Path, problems: Problems) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        problems.add(path, line, "the file is not UTF-8 text")
        return None
    except OSError as exc:
        problems.add(path, 1, f"cannot read the file: {exc.strerror}")
        return None
    return text.replace("\r\n", "\n").lstrip("\ufeff")


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


# --- loading ---------------------------------------------------------------------------

def load_course(folder: Path, problems: Problems) -> CourseSpec | None:
    """Read one course folder; add every problem found; return the spec if it could be read."""
    folder = Path(folder)
    yaml_path = folder / "course.yaml"
    if not yaml_path.is_file():
        problems.add(folder, 1, "course.yaml is missing")
        return None
    text = read_text(yaml_path, problems)
    if text is None:
        return None
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        problems.add(yaml_path, exc.line, exc.message)
        return None
    if not isinstance(data, LineDict):
        problems.add(yaml_path, 1, "course.yaml must be a mapping of keys to values")
        return None

    spec = CourseSpec(path=folder, yaml_path=yaml_path)
    extension_course_keys = {key for ext in CONTENT_SECTIONS for key in ext.course_keys}
    check_keys(data, COURSE_KEYS | extension_course_keys, path=yaml_path, what="course.yaml",
                problems=problems)
    for key in ("slug", "version", "format", "default_language", "languages", "hours",
                "pass_mark", "title", "modules"):
        if key not in data:
            problems.add(yaml_path, data.line, f"required key '{key}' is missing")

    spec.slug = data.get("slug") or ""
    if "slug" in data and spec.slug != folder.name:
        problems.add(yaml_path, data.line_of("slug"),
                     f"slug '{spec.slug}' must equal the folder name '{folder.name}'")
    version = _int(data.get("version"), low=1)
    if "version" in data and version is None:
        problems.add(yaml_path, data.line_of("version"), "version must be a whole number of at least 1")
    spec.version, spec.version_line = version or 0, data.line_of("version")
    spec.format = data.get("format") or ""
    if "format" in data and spec.format not in (TUTORED, SELF_PACED):
        problems.add(yaml_path, data.line_of("format"), f"format must be '{TUTORED}' or '{SELF_PACED}'")
    spec.default_language = data.get("default_language") or "en"
    if spec.default_language not in LANGUAGES:
        problems.add(yaml_path, data.line_of("default_language"),
                     f"default_language: unknown language code '{spec.default_language}'")
    languages = data.get("languages")
    if "languages" in data:
        if not isinstance(languages, list) or not languages:
            problems.add(yaml_path, data.line_of("languages"), "languages must be a list, e.g. [en, sq]")
            languages = []
        for index, code in enumerate(languages):
            line = languages.line_of(index) if isinstance(languages, LineList) else data.line_of("languages")
            if code not in LANGUAGES:
                problems.add(yaml_path, line, f"languages: unknown language code '{code}'")
            elif code in spec.languages:
                problems.add(yaml_path, line, f"languages: '{code}' is listed twice")
            else:
                spec.languages.append(code)
        if spec.default_language not in spec.languages:
            problems.add(yaml_path, data.line_of("languages"),
                         f"languages must include the default language '{spec.default_language}'")
    hours = data.get("hours")
    if "hours" in data and (isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0):
        problems.add(yaml_path, data.line_of("hours"), "hours must be a positive number")
    spec.hours = float(hours) if isinstance(hours, int | float) else 0
    pass_mark = _int(data.get("pass_mark"), low=0, high=100)
    if "pass_mark" in data and pass_mark is None:
        problems.add(yaml_path, data.line_of("pass_mark"), "pass_mark must be a whole percentage from 0 to 100")
    spec.pass_mark = pass_mark or 0
    if "title" in data:
        spec.title = check_locale_map(data["title"], path=yaml_path, line=data.line_of("title"),
                                      what="title", required=spec.default_language, problems=problems)
    if "summary" in data:
        spec.summary = check_locale_map(data["summary"], path=yaml_path, line=data.line_of("summary"),
                                        what="summary", required=spec.default_language, problems=problems)
    for key in extension_course_keys & set(data):
        spec.sections[key] = data[key]
        spec.section_lines[key] = data.line_of(key)

    _load_modules(spec, data.get("modules"), data.line_of("modules"), problems)
    _load_completion(spec, data.get("completion"), data.line_of("completion"), problems)
    for extension in CONTENT_SECTIONS:
        extension.check(spec, problems)
    _check_stray_files(spec, problems)
    if spec.completion is not None and not completion_requirements(spec) and "completion" in data:
        problems.add(yaml_path, data.line_of("completion"),
                     "completion names nothing to do: nobody could ever complete this course")
    spec.content_hash = folder_hash(folder)
    return spec


def _load_modules(spec: CourseSpec, modules, line: int, problems: Problems) -> None:
    path = spec.yaml_path
    if modules is None:
        return
    if not isinstance(modules, list) or not modules:
        problems.add(path, line, "modules must be a non-empty list")
        return
    extension_keys = {key for ext in CONTENT_SECTIONS for key in ext.module_keys}
    entries = _module_entries(spec, modules, problems)
    for position, raw, slug in slugged_mappings(entries, path=path, line=line, noun="module",
                                                allowed=MODULE_KEYS | extension_keys, problems=problems):
        module_path = getattr(raw, "source_path", path)
        module = ModuleSpec(
            slug=slug, position=position, line=raw.line, path=spec.path / slug, yaml_path=module_path,
            title=check_locale_map(raw.get("title"), path=module_path, line=raw.line_of("title"),
                                   what=f"module '{slug}' title", required=spec.default_language,
                                   problems=problems),
            summary=check_locale_map(raw["summary"], path=module_path, line=raw.line_of("summary"),
                                     what=f"module '{slug}' summary", required=spec.default_language,
                                     problems=problems) if "summary" in raw else {})
        for key in extension_keys & set(raw):
            module.sections[key] = raw[key]
            module.section_lines[key] = raw.line_of(key)
        if not module.path.is_dir():
            problems.add(path, raw.line_of("slug"), f"module folder '{slug}/' is missing")
        _load_lessons(spec, module, raw.get("lessons"), raw.line_of("lessons"), problems)
        _load_module_extras(spec, module, raw, problems)
        spec.modules.append(module)


def _module_entries(spec: CourseSpec, modules: list, problems: Problems) -> LineList:
    """The modules as mappings: a bare slug in course.yaml reads ``<slug>/module.yaml``.

    A mapping read from a module's own file remembers that file (``source_path``) so that
    every problem in it is reported there; its slug is the folder's name.
    """
    entries = LineList()
    entries.line = getattr(modules, "line", 1)
    entries.item_lines = []
    for index, item in enumerate(modules):
        item_line = modules.line_of(index) if isinstance(modules, LineList) else entries.line
        if isinstance(item, str) and SLUG_RE.match(item):
            module_file = spec.path / item / MODULE_FILE
            raw = _read_module_file(module_file, item, problems) if module_file.is_file() else None
            if raw is None:
                if not module_file.is_file():
                    problems.add(spec.yaml_path, item_line,
                                 f"module '{item}' has no {item}/{MODULE_FILE}")
                continue
            spec.claim(module_file)
            raw.key_lines.setdefault("slug", item_line)
            item = raw
        entries.append(item)
        entries.item_lines.append(item_line)
    return entries


def _read_module_file(path: Path, slug: str, problems: Problems) -> LineDict | None:
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        problems.add(path, exc.line, exc.message)
        return None
    if not isinstance(data, LineDict):
        problems.add(path, 1, f"{MODULE_FILE} must be a mapping of keys to values")
        return None
    if "slug" in data:
        problems.add(path, data.line_of("slug"), "a module's slug is its folder's name: leave it out of "
                                                 f"{MODULE_FILE}")
    data["slug"] = slug
    data.source_path = path
    return data


def _load_module_extras(spec: CourseSpec, module: ModuleSpec, raw: LineDict, problems: Problems) -> None:
    """Learning outcomes, the tutor guide, the beneficiaries a module is limited to, and the
    prompts that open its discussion threads."""
    path = module.yaml_path
    outcomes = raw.get("outcomes")
    if outcomes is not None:
        if not isinstance(outcomes, list) or not outcomes:
            problems.add(path, raw.line_of("outcomes"), "outcomes must be a non-empty list of texts, "
                                                        "each a map of language → text")
        else:
            for index, outcome in enumerate(outcomes):
                item_line = outcomes.line_of(index) if isinstance(outcomes, LineList) else raw.line_of("outcomes")
                text = check_locale_map(outcome, path=path, line=item_line, what=f"outcome {index + 1}",
                                        required=spec.default_language, problems=problems)
                if text:
                    module.outcomes.append(text)
    if "tutor_guide" in raw:
        _load_tutor_guide(spec, module, raw["tutor_guide"], raw.line_of("tutor_guide"), problems)
    beneficiaries = raw.get("beneficiaries")
    if beneficiaries is not None:
        line = raw.line_of("beneficiaries")
        if not isinstance(beneficiaries, list) or not beneficiaries:
            problems.add(path, line, "beneficiaries must be a list of codes, e.g. [AL]")
        else:
            for code in beneficiaries:
                if code not in BENEFICIARY_CODES:
                    problems.add(path, line, f"beneficiaries: unknown code '{code}' "
                                             f"(known: {', '.join(BENEFICIARY_CODES)})")
                elif code in module.beneficiaries:
                    problems.add(path, line, f"beneficiaries: '{code}' is listed twice")
                else:
                    module.beneficiaries.append(code)
    discussion = raw.get("discussion")
    if discussion is not None:
        line = raw.line_of("discussion")
        if not isinstance(discussion, list) or not discussion:
            problems.add(path, line, "discussion must be a non-empty list of prompts with slug, title and prompt")
            return
        for _position, item, slug in slugged_mappings(discussion, path=path, line=line, noun="discussion prompt",
                                                      allowed=DISCUSSION_KEYS, problems=problems,
                                                      within=f" in module '{module.slug}'"):
            title = check_locale_map(item.get("title"), path=path, line=item.line_of("title"),
                                     what=f"discussion prompt '{slug}' title", required=spec.default_language,
                                     problems=problems)
            prompt = check_locale_map(item.get("prompt"), path=path, line=item.line_of("prompt"),
                                      what=f"discussion prompt '{slug}' prompt",
                                      required=spec.default_language, problems=problems)
            module.discussion.append(DiscussionPrompt(slug, title, prompt))


def _load_tutor_guide(spec: CourseSpec, module: ModuleSpec, name, line: int, problems: Problems) -> None:
    path = module.yaml_path
    if not isinstance(name, str) or not BODY_FILE_RE.match(name) or BODY_FILE_RE.match(name)["lang"]:
        problems.add(path, line, "tutor_guide must be a Markdown file name in the module folder, "
                                 "e.g. tutor-guide.md")
        return
    files = spec.localized_file(module.path, name)
    if spec.default_language not in files:
        problems.add(path, line, f"the tutor guide {module.slug}/{name} is missing")
    stem = name[:-3]
    for code, file in files.items():
        if code != spec.default_language and code not in spec.languages:
            problems.add(file, 1, f"tutor guide in language '{code}', which course.yaml does not declare "
                                  f"in `languages` ({', '.join(spec.languages)})")
            continue
        spec.claim(file)
        text = read_text(file, problems)
        if text is None:
            continue
        if not text.strip():
            problems.add(file, 1, "the tutor guide is empty")
            continue
        module.tutor_guide[code] = text
    for code in spec.languages:
        if code not in files and spec.default_language in files:
            problems.add(path, line, f"the tutor guide has no '{code}' text ({module.slug}/{stem}.{code}.md), "
                                     f"but `languages` declares '{code}' complete")


def _load_lessons(spec: CourseSpec, module: ModuleSpec, lessons, line: int, problems: Problems) -> None:
    path = module.yaml_path
    if not isinstance(lessons, list) or not lessons:
        problems.add(path, line, f"module '{module.slug}' needs a non-empty list of lessons")
        return
    for position, raw, slug in slugged_mappings(lessons, path=path, line=line, noun="lesson", allowed=LESSON_KEYS,
                                                problems=problems, within=f" in module '{module.slug}'"):
        minutes = raw.get("minutes")
        if minutes is not None and _int(minutes, low=1, high=600) is None:
            problems.add(path, raw.line_of("minutes"), "minutes must be a whole number from 1 to 600")
            minutes = None
        lesson = LessonSpec(
            slug=slug, position=position, line=raw.line, minutes=minutes,
            title=check_locale_map(raw.get("title"), path=path, line=raw.line_of("title"),
                                   what=f"lesson '{slug}' title", required=spec.default_language,
                                   problems=problems))
        _load_bodies(spec, module, lesson, raw.line_of("slug"), problems)
        module.lessons.append(lesson)


def _load_bodies(spec: CourseSpec, module: ModuleSpec, lesson: LessonSpec, line: int,
                 problems: Problems) -> None:
    default_file = module.path / f"{lesson.slug}.md"
    if module.path.is_dir() and not default_file.is_file():
        problems.add(module.yaml_path, line,
                     f"lesson file {module.slug}/{lesson.slug}.md is missing")
    files = {spec.default_language: default_file} if default_file.is_file() else {}
    if module.path.is_dir():
        for candidate in sorted(module.path.glob(f"{lesson.slug}.*.md")):
            match = BODY_FILE_RE.match(candidate.name)
            if not match or match["slug"] != lesson.slug or not match["lang"]:
                continue
            code = match["lang"]
            if code not in LANGUAGES:
                problems.add(candidate, 1, f"unknown language code '{code}' in the file name")
            elif code not in spec.languages:
                problems.add(candidate, 1, f"lesson in language '{code}', which course.yaml does not "
                                           f"declare in `languages` ({', '.join(spec.languages)})")
            elif code == spec.default_language:
                problems.add(candidate, 1, f"the default language's text belongs in {lesson.slug}.md")
            else:
                files[code] = candidate
    for code, file in files.items():
        spec.claim(file)
        text = read_text(file, problems)
        if text is None:
            continue
        if not text.strip():
            problems.add(file, 1, "the lesson text is empty")
            continue
        for number, text_line in enumerate(text.splitlines(), start=1):
            if text_line.startswith("# "):
                problems.add(file, number, "a lesson must not start a '# ' title: the page shows "
                                           "the title from course.yaml; use '## ' for sections")
                break
        lesson.bodies[code] = text
    if module.path.is_dir() and default_file.is_file():
        for code in spec.languages:
            if code not in files:
                problems.add(module.yaml_path, line,
                             f"lesson '{lesson.slug}' has no '{code}' text ({module.slug}/{lesson.slug}.{code}.md), "
                             f"but `languages` declares '{code}' complete")


def _load_completion(spec: CourseSpec, completion, line: int, problems: Problems) -> None:
    path = spec.yaml_path
    if completion is None:
        problems.add(path, line, "completion is missing: say what a trainee must do to complete")
        return
    if not isinstance(completion, LineDict):
        problems.add(path, line, "completion must be a mapping, e.g. {lessons: all}")
        return
    known = {"lessons"} | {key for ext in CONTENT_SECTIONS for key in ext.completion_keys}
    for key, value in completion.items():
        key_line = completion.line_of(key)
        if key not in known:
            problems.add(path, key_line, f"completion: unknown rule '{key}' (known: {', '.join(sorted(known))})")
            continue
        spec.completion[key] = value
        spec.completion_lines[key] = key_line
    if spec.completion.get("lessons", "none") not in ("all", "none"):
        problems.add(path, spec.completion_lines.get("lessons", line), "completion: lessons must be 'all' or 'none'")


def _check_stray_files(spec: CourseSpec, problems: Problems) -> None:
    """Files in a module folder that nothing in course.yaml refers to are probably typos."""
    for module in spec.modules:
        if not module.path.is_dir():
            continue
        for file in sorted(module.path.iterdir()):
            if file.is_file() and not file.name.startswith(".") and file.resolve() not in spec.claimed_files:
                match = BODY_FILE_RE.match(file.name)
                if match and match["lang"] and match["slug"] in {les.slug for les in module.lessons}:
                    continue  # already reported as an undeclared or unknown language
                problems.add(file, 1, f"this file is not referred to by course.yaml (module '{module.slug}')")


def course_folders(root: Path) -> list[Path]:
    root = Path(root)
    if (root / "course.yaml").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


@dataclass
class Content:
    """A content folder as read: its courses, the data of its top-level files, every problem."""

    specs: list[CourseSpec]
    files: dict[str, Any]
    problems: Problems


def load_content(root: Path) -> Content:
    problems = Problems()
    root = Path(root)
    if not root.is_dir():
        problems.add(root, 1, "no such content folder")
        return Content([], {}, problems)
    specs = [spec for folder in course_folders(root) if (spec := load_course(folder, problems))]
    files = {}
    if not (root / "course.yaml").is_file():  # a single course folder has no top-level files
        for handler in CONTENT_FILES:
            path = root / handler.name
            if path.is_file():
                files[handler.name] = handler.check(path, problems)
    return Content(specs, files, problems)


def load_all(root: Path) -> tuple[list[CourseSpec], Problems]:
    content = load_content(root)
    return content.specs, content.problems


def check_content(root: Path | str) -> Problems:
    return load_all(Path(root))[1]


def completion_requirements(spec: CourseSpec) -> list[tuple[str, str, int]]:
    requirements = []
    if spec.completion.get("lessons") == "all":
        requirements.append(("lessons", "", 0))
    for extension in CONTENT_SECTIONS:
        requirements.extend(extension.requirements(spec))
    return sorted(requirements, key=lambda item: item[2])

