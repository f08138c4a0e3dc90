"""The ``assignment`` part of the course content format: case studies and their rubrics.

A module's ``assignment:`` names a scenario in Markdown (``case-study.md`` with its
translations ``case-study.<lang>.md``) and a rubric (``rubric.yaml``). ``completion:
assignments: all | none | [module slugs]`` makes accepted assignments requirements of
the kind ``assignment`` with the assignment's slug as ``ref``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from lms.core.i18n import LANGUAGES
from lms.core.markdown import render_markdown
from lms.courses.content import (
    SLUG_RE,
    ContentExtension,
    CourseSpec,
    ModuleSpec,
    Problems,
    check_keys,
    check_locale_map,
    read_page_text,
    read_text,
    slugged_mappings,
)
from lms.courses.models import SELF_PACED
from lms.courses.yamlfile import LineDict, LineList, YamlProblem, load_yaml
from lms.tutors.models import Assignment

ASSIGNMENT_KIND = "assignment"
ASSIGNMENT_KEYS = {"slug", "file", "rubric", "title"}
RUBRIC_KEYS = {"criteria"}
CRITERION_KEYS = {"slug", "title", "levels"}
LEVEL_KEYS = {"points", "title", "descriptor"}
MIN_LEVELS, MAX_LEVELS = 2, 5
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*\.(?P<ext>md|ya?ml)$")


@dataclass
class AssignmentSpec:
    slug: str
    module_slug: str
    module_position: int
    title: dict
    line: int
    scenario: dict[str, str] = field(default_factory=dict)
    rubric: dict = field(default_factory=dict)
    order: int = 0

    @property
    def max_points(self) -> int:
        return sum(criterion["levels"][-1]["points"] for criterion in self.rubric.get("criteria", []))

    @property
    def content_hash(self) -> str:
        payload = json.dumps({"title": self.title, "scenario": self.scenario, "rubric": self.rubric},
                             sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def module_assignments(module: ModuleSpec) -> list[tuple[object, int]]:
    """(raw mapping, line) of each case study of a module: ``assignment:`` names one,
    ``assignments:`` a list of them (a module with several cases)."""
    found = []
    if "assignment" in module.sections:
        found.append((module.sections["assignment"], module.section_lines["assignment"]))
    if "assignments" in module.sections:
        items, line = module.sections["assignments"], module.section_lines["assignments"]
        if not isinstance(items, list) or not items:
            found.append((items, line))  # reported as not a mapping
        else:
            found.extend((item, items.line_of(index) if isinstance(items, LineList) else line)
                         for index, item in enumerate(items))
    return found


class AssignmentContent(ContentExtension):
    name = "assignments"
    module_keys = ("assignment", "assignments")
    completion_keys = ("assignments",)

    def check(self, course: CourseSpec, problems: Problems) -> None:
        specs: dict[str, AssignmentSpec] = {}
        slugs: dict[str, int] = {}
        for module in course.modules:
            if "assignment" in module.sections and "assignments" in module.sections:
                problems.add(module.yaml_path, module.section_lines["assignments"],
                             f"module '{module.slug}' has both `assignment` and `assignments`: keep one")
            for offset, (raw, line) in enumerate(module_assignments(module)):
                spec = _check_assignment(course, module, raw, line, problems, slugs)
                if spec is not None:
                    spec.order = module.position * 100 + 60 + offset
                    specs[spec.slug] = spec
        course.extension_data[self.name] = specs
        _check_completion(course, specs, problems)

    def requirements(self, course: CourseSpec) -> list[tuple[str, str, int]]:
        specs: dict[str, AssignmentSpec] = course.extension_data.get(self.name, {})
        rule = course.completion.get("assignments")
        if rule == "all":
            chosen = list(specs.values())
        elif isinstance(rule, list):
            # A module slug stands for every case study of that module; an assignment slug for itself.
            names = {name for name in rule if isinstance(name, str)}
            chosen = [spec for spec in specs.values() if spec.slug in names or spec.module_slug in names]
        else:
            chosen = []
        # After the module's lessons (order 0) and quiz; before a final assessment.
        return [(ASSIGNMENT_KIND, spec.slug, spec.order) for spec in chosen]

    def apply(self, session, course, spec: CourseSpec, modules: dict) -> None:
        """Update assignments in place by slug, so submissions survive a new course version."""
        specs: dict[str, AssignmentSpec] = spec.extension_data.get(self.name, {})
        existing = {a.slug: a for a in session.scalars(
            select(Assignment).where(Assignment.course_id == course.id))}
        for assignment_spec in specs.values():
            module = modules[assignment_spec.module_slug]
            assignment = existing.pop(assignment_spec.slug, None)
            if assignment is None:
                assignment = Assignment(course_id=course.id, slug=assignment_spec.slug)
                session.add(assignment)
            assignment.module_id = module.id
            assignment.position = assignment_spec.order
            assignment.is_retired = False
            if assignment.content_hash != assignment_spec.content_hash:
                assignment.title = dict(assignment_spec.title)
                assignment.scenario = dict(assignment_spec.scenario)
                assignment.scenario_html = {code: render_markdown(text)
                                            for code, text in assignment_spec.scenario.items()}
                assignment.rubric = assignment_spec.rubric
                assignment.max_points = assignment_spec.max_points
                assignment.content_hash = assignment_spec.content_hash
        for assignment in existing.values():
            assignment.is_retired = True  # never deleted: its submissions stay readable
        session.flush()


def _check_assignment(course: CourseSpec, module: ModuleSpec, raw, line: int, problems: Problems,
                      slugs: dict[str, int]) -> AssignmentSpec | None:
    path = module.yaml_path
    if course.format == SELF_PACED:
        problems.add(path, line, "a case-study assignment is graded by a tutor: only a tutored course "
                                 "may have one (format: tutored)")
    if not isinstance(raw, LineDict):
        problems.add(path, line, f"module '{module.slug}' assignment must be a mapping with slug, file, "
                                 "rubric and title")
        return None
    check_keys(raw, ASSIGNMENT_KEYS, path=path, what="an assignment", problems=problems)
    slug = raw.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.add(path, raw.line_of("slug"), "assignment slug must be lower-case letters, digits and dashes")
        return None
    if slug in slugs:
        problems.add(path, raw.line_of("slug"),
                     f"duplicate assignment slug '{slug}' (first used on line {slugs[slug]})")
        return None
    slugs[slug] = raw.line_of("slug")
    spec = AssignmentSpec(
        slug=slug, module_slug=module.slug, module_position=module.position, line=raw.line,
        title=check_locale_map(raw.get("title"), path=path, line=raw.line_of("title"),
                               what=f"assignment '{slug}' title", required=course.default_language,
                               problems=problems))
    scenario_name = _file_name(raw, "file", "case-study.md", ("md",), path, problems)
    rubric_name = _file_name(raw, "rubric", "rubric.yaml", ("yaml", "yml"), path, problems)
    if not module.path.is_dir():
        return spec  # the missing folder is already reported
    if scenario_name:
        spec.scenario = _load_scenario(course, module, scenario_name, raw.line_of("file"), problems)
    if rubric_name:
        rubric_path = module.path / rubric_name
        if not rubric_path.is_file():
            problems.add(path, raw.line_of("rubric"), f"rubric file {module.slug}/{rubric_name} is missing")
        else:
            course.claim(rubric_path)
            spec.rubric = _load_rubric(rubric_path, course.default_language, problems)
    return spec


def _file_name(raw: LineDict, key: str, default: str, extensions: tuple[str, ...], path: Path,
               problems: Problems) -> str | None:
    name = raw.get(key, default)
    match = FILE_NAME_RE.match(name) if isinstance(name, str) else None
    if match is None or match["ext"] not in extensions:
        problems.add(path, raw.line_of(key),
                     f"assignment {key} must be a file name in the module folder ending in "
                     f".{extensions[0]}, e.g. {default}")
        return None
    return name


def _load_scenario(course: CourseSpec, module: ModuleSpec, name: str, line: int,
                   problems: Problems) -> dict[str, str]:
    stem = name[: -len(".md")]
    default_file = module.path / name
    files: dict[str, Path] = {}
    if default_file.is_file():
        files[course.default_language] = default_file
    else:
        problems.add(module.yaml_path, line, f"case study file {module.slug}/{name} is missing")
    for candidate in sorted(module.path.glob(f"{stem}.*.md")):
        code = candidate.name[len(stem) + 1: -len(".md")]
        if "." in code:
            continue  # another file's name (e.g. case-study.notes.sq.md); the stray-file check reports it
        course.claim(candidate)
        if code not in LANGUAGES:
            problems.add(candidate, 1, f"unknown language code '{code}' in the file name")
        elif code == course.default_language:
            problems.add(candidate, 1, f"the default language's text belongs in {name}")
        elif code not in course.languages:
            problems.add(candidate, 1, f"case study in language '{code}', which course.yaml does not "
                                       f"declare in `languages` ({', '.join(course.languages)})")
        else:
            files[code] = candidate
    scenario = {}
    for code, file in files.items():
        course.claim(file)
        text = read_page_text(file, problems, what="case study", title="assignment title")
        if text is not None:
            scenario[code] = text
    if default_file.is_file():
        for code in course.languages:
            if code not in files:
                problems.add(module.yaml_path, line,
                             f"case study '{module.slug}/{name}' has no '{code}' text "
                             f"({module.slug}/{stem}.{code}.md), but `languages` declares '{code}' complete")
    return scenario


def _load_rubric(path: Path, default_language: str, problems: Problems) -> dict:
    text = read_text(path, problems)
    if text is None:
        return {}
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        problems.add(path, exc.line, exc.message)
        return {}
    if not isinstance(data, LineDict):
        problems.add(path, 1, "a rubric must be a mapping with a list of criteria")
        return {}
    check_keys(data, RUBRIC_KEYS, path=path, what="the rubric", problems=problems)
    criteria = data.get("criteria")
    if not isinstance(criteria, LineList) or not criteria:
        problems.add(path, data.line_of("criteria"), "criteria must be a non-empty list")
        return {}
    result = []
    for _position, raw, slug in slugged_mappings(criteria, path=path, line=data.line_of("criteria"),
                                                 noun="criterion", allowed=CRITERION_KEYS, problems=problems):
        title = check_locale_map(raw.get("title"), path=path, line=raw.line_of("title"),
                                 what=f"criterion '{slug}' title", required=default_language, problems=problems)
        levels = _load_levels(path, slug, raw.get("levels"), raw.line_of("levels"), default_language, problems)
        result.append({"slug": slug, "title": title, "levels": levels})
    return {"criteria": result}


def _load_levels(path: Path, criterion: str, levels, line: int, default_language: str,
                 problems: Problems) -> list[dict]:
    if not isinstance(levels, LineList) or not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        problems.add(path, line, f"criterion '{criterion}' needs a list of {MIN_LEVELS} to {MAX_LEVELS} levels")
        if not isinstance(levels, LineList):
            return []
    result: list[dict] = []
    previous: int | None = None
    for index, raw in enumerate(levels):
        item_line = levels.line_of(index)
        if not isinstance(raw, LineDict):
            problems.add(path, item_line, "each level must be a mapping with points, title and descriptor")
            continue
        check_keys(raw, LEVEL_KEYS, path=path, what="a level", problems=problems)
        points = raw.get("points")
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            problems.add(path, raw.line_of("points"),
                         f"criterion '{criterion}': points must be a whole number of at least 0")
            continue
        if previous is not None and points <= previous:
            problems.add(path, raw.line_of("points"),
                         f"criterion '{criterion}': levels must be in ascending points "
                         f"({points} comes after {previous})")
        previous = points if previous is None else max(previous, points)
        what = f"criterion '{criterion}' level {points}"
        result.append({
            "points": points,
            "title": check_locale_map(raw.get("title"), path=path, line=raw.line_of("title"),
                                      what=f"{what} title", required=default_language, problems=problems),
            "descriptor": check_locale_map(raw.get("descriptor"), path=path, line=raw.line_of("descriptor"),
                                           what=f"{what} descriptor", required=default_language,
                                           problems=problems),
        })
    return result


def _check_completion(course: CourseSpec, specs: dict[str, AssignmentSpec], problems: Problems) -> None:
    if "assignments" not in course.completion:
        return
    rule = course.completion["assignments"]
    path, line = course.yaml_path, course.completion_lines["assignments"]
    if rule == "none":
        return
    if rule == "all":
        if not specs and not any("assignment" in m.sections for m in course.modules):
            problems.add(path, line, "completion: assignments is 'all', but no module has an assignment")
        return
    if not isinstance(rule, list) or not rule:
        problems.add(path, line, "completion: assignments must be 'all', 'none' or a list of module "
                                 "or assignment slugs")
        return
    seen = set()
    for index, slug in enumerate(rule):
        item_line = rule.line_of(index) if isinstance(rule, LineList) else line
        module = course.module(slug) if isinstance(slug, str) else None
        if module is None and slug not in specs:
            problems.add(path, item_line, f"completion: assignments names '{slug}', which is neither a module "
                                          "nor an assignment slug")
        elif module is not None and not module_assignments(module):
            problems.add(path, item_line, f"completion: module '{slug}' has no assignment")
        elif slug in seen:
            problems.add(path, item_line, f"completion: '{slug}' is listed twice")
        seen.add(slug)
