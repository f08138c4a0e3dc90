"""Read a course's modules: each one's keys (in course.yaml or its own module.yaml), its
lessons and their texts in every language, its outcomes, tutor guide, beneficiaries and
discussion prompts."""

from __future__ import annotations

import re
from pathlib import Path

from lms.core.i18n import LANGUAGES
from lms.courses.content.fields import (
    SLUG_RE,
    Problems,
    check_locale_map,
    read_page_text,
    read_text,
    slugged_mappings,
    whole_number,
)
from lms.courses.content.specs import CourseSpec, DiscussionPrompt, LessonSpec, ModuleSpec
from lms.courses.extension_points import CONTENT_SECTIONS
from lms.courses.yamlfile import LineDict, LineList, YamlProblem, load_yaml

BODY_FILE_RE = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<lang>[A-Za-z_]+))?\.md$")
MODULE_KEYS = {"slug", "title", "summary", "lessons", "outcomes", "tutor_guide", "beneficiaries",
               "discussion"}
LESSON_KEYS = {"slug", "title", "minutes"}
DISCUSSION_KEYS = {"slug", "title", "prompt"}
MODULE_FILE = "module.yaml"
# The six beneficiaries' codes (lms.accounts.reference): a module may be limited to some.
BENEFICIARY_CODES = ("AL", "BA", "XK", "ME", "MK", "RS")


def load_modules(spec: CourseSpec, modules, line: int, problems: Problems) -> None:
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
    module.outcomes = check_outcomes(raw, path=path, required=spec.default_language, problems=problems)
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


def check_outcomes(raw: LineDict, *, path: Path, required: str, problems: Problems) -> list[dict]:
    """The ``outcomes`` of a module or a course: a list of locale maps, each one outcome."""
    outcomes = raw.get("outcomes")
    if outcomes is None:
        return []
    if not isinstance(outcomes, list) or not outcomes:
        problems.add(path, raw.line_of("outcomes"), "outcomes must be a non-empty list of texts, "
                                                    "each a map of language → text")
        return []
    found = []
    for index, outcome in enumerate(outcomes):
        item_line = outcomes.line_of(index) if isinstance(outcomes, LineList) else raw.line_of("outcomes")
        text = check_locale_map(outcome, path=path, line=item_line, what=f"outcome {index + 1}",
                                required=required, problems=problems)
        if text:
            found.append(text)
    return found


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
        if minutes is not None and whole_number(minutes, low=1, high=600) is None:
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
        text = read_page_text(file, problems, what="lesson", title="title")
        if text is not None:
            lesson.bodies[code] = text
    if module.path.is_dir() and default_file.is_file():
        for code in spec.languages:
            if code not in files:
                problems.add(module.yaml_path, line,
                             f"lesson '{lesson.slug}' has no '{code}' text ({module.slug}/{lesson.slug}.{code}.md), "
                             f"but `languages` declares '{code}' complete")
