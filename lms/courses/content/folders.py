"""Read and validate course folders (docs/content-format.md) without touching the database:
course.yaml, its completion rules, the files nobody refers to, and a content folder's
courses with the files beside them (``CONTENT_FILES``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms.core.i18n import LANGUAGES
from lms.courses.content.fields import (
    Problems,
    check_keys,
    check_locale_map,
    read_text,
    whole_number,
)
from lms.courses.content.modules import BODY_FILE_RE, check_outcomes, load_modules
from lms.courses.content.specs import CourseSpec
from lms.courses.extension_points import CONTENT_FILES, CONTENT_SECTIONS
from lms.courses.models import SELF_PACED, TUTORED
from lms.courses.yamlfile import LineDict, LineList, YamlProblem, load_yaml

COURSE_KEYS = {"slug", "version", "format", "default_language", "languages", "hours",
               "pass_mark", "title", "summary", "outcomes", "modules", "completion"}


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
    version = whole_number(data.get("version"), low=1)
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
    pass_mark = whole_number(data.get("pass_mark"), low=0, high=100)
    if "pass_mark" in data and pass_mark is None:
        problems.add(yaml_path, data.line_of("pass_mark"), "pass_mark must be a whole percentage from 0 to 100")
    spec.pass_mark = pass_mark or 0
    if "title" in data:
        spec.title = check_locale_map(data["title"], path=yaml_path, line=data.line_of("title"),
                                      what="title", required=spec.default_language, problems=problems)
    if "summary" in data:
        spec.summary = check_locale_map(data["summary"], path=yaml_path, line=data.line_of("summary"),
                                        what="summary", required=spec.default_language, problems=problems)
    spec.outcomes = check_outcomes(data, path=yaml_path, required=spec.default_language, problems=problems)
    for key in extension_course_keys & set(data):
        spec.sections[key] = data[key]
        spec.section_lines[key] = data.line_of(key)

    load_modules(spec, data.get("modules"), data.line_of("modules"), problems)
    _load_completion(spec, data.get("completion"), data.line_of("completion"), problems)
    for extension in CONTENT_SECTIONS:
        extension.check(spec, problems)
    _check_stray_files(spec, problems)
    if spec.completion is not None and not completion_requirements(spec) and "completion" in data:
        problems.add(yaml_path, data.line_of("completion"),
                     "completion names nothing to do: nobody could ever complete this course")
    spec.content_hash = folder_hash(folder)
    return spec


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


def completion_requirements(spec: CourseSpec) -> list[tuple[str, str, int]]:
    requirements = []
    if spec.completion.get("lessons") == "all":
        requirements.append(("lessons", "", 0))
    for extension in CONTENT_SECTIONS:
        requirements.extend(extension.requirements(spec))
    return sorted(requirements, key=lambda item: item[2])


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


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
