"""The ``survey`` part of the course content format: a course's end-of-course evaluation.

``survey.yaml`` beside ``course.yaml`` defines it (docs/content-format.md); course.yaml may say
whether the certificate waits for an answer:

```yaml
survey:
  required_for_certificate: true   # default false: offered, not required
```

Every text is a ``{language: text}`` map like course.yaml's, with a text for each language
the course declares complete in ``languages``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses.content import (
    ContentExtension,
    CourseSpec,
    Problems,
    check_keys,
    check_locale_map,
    read_text,
)
from lms.courses.content.fields import slugged_mappings
from lms.courses.yamlfile import LineDict, LineList, YamlProblem, load_yaml
from lms.surveys.models import CHOICE, KINDS, LIKERT, SCALE_POINTS, TEXT, Survey

SECTION = "survey"
FILE_NAME = "survey.yaml"
SECTION_KEYS = {"required_for_certificate"}
SURVEY_KEYS = {"title", "intro", "scale", "items"}
ITEM_KEYS = {"slug", "kind", "required", "text", "options"}
OPTION_KEYS = {"slug", "label"}
MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_ITEMS = 40


@dataclass
class SurveySpec:
    required_for_certificate: bool = False
    title: dict = field(default_factory=dict)
    intro: dict = field(default_factory=dict)
    scale: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        payload = json.dumps({"title": self.title, "intro": self.intro, "scale": self.scale, "items": self.items,
                              "required": self.required_for_certificate}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


class SurveyContent(ContentExtension):
    name = "surveys"
    course_keys = (SECTION,)

    def check(self, course: CourseSpec, problems: Problems) -> None:
        path = course.path / FILE_NAME
        required = _check_section(course, problems)
        if not path.is_file():
            if SECTION in course.sections:
                problems.add(course.yaml_path, course.section_lines[SECTION],
                             f"course.yaml has a `survey` section, but {course.path.name}/{FILE_NAME} is missing")
            return
        course.claim(path)
        spec = _load_survey(path, course, problems)
        if spec is not None:
            spec.required_for_certificate = required
            course.extension_data[SECTION] = spec

    def apply(self, session: Session, course, spec: CourseSpec, modules: dict) -> None:
        survey_spec: SurveySpec | None = spec.extension_data.get(SECTION)
        survey = session.scalar(select(Survey).where(Survey.course_id == course.id))
        if survey_spec is None:
            if survey is not None:  # answers already given stay; the survey is no longer offered
                session.delete(survey)
            return
        if survey is None:
            survey = Survey(course_id=course.id)
            session.add(survey)
        if survey.content_hash != survey_spec.content_hash:
            survey.required_for_certificate = survey_spec.required_for_certificate
            survey.title = survey_spec.title
            survey.intro = survey_spec.intro
            survey.scale = survey_spec.scale
            survey.items = survey_spec.items
            survey.content_hash = survey_spec.content_hash
        session.flush()


def _check_section(course: CourseSpec, problems: Problems) -> bool:
    if SECTION not in course.sections:
        return False
    data, line = course.sections[SECTION], course.section_lines[SECTION]
    if not isinstance(data, LineDict):
        problems.add(course.yaml_path, line, "survey must be a mapping, e.g. {required_for_certificate: true}")
        return False
    check_keys(data, SECTION_KEYS, path=course.yaml_path, what="survey", problems=problems)
    required = data.get("required_for_certificate", False)
    if not isinstance(required, bool):
        problems.add(course.yaml_path, data.line_of("required_for_certificate"),
                     "survey: required_for_certificate must be true or false")
        return False
    return required


class _Texts:
    """Checks a survey's locale maps: the default language required, every declared one present."""

    def __init__(self, path: Path, course: CourseSpec, problems: Problems):
        self.path, self.course, self.problems = path, course, problems

    def __call__(self, value, line: int, what: str) -> dict:
        texts = check_locale_map(value, path=self.path, line=line, what=what, required=self.course.default_language,
                                 problems=self.problems, allowed=set(self.course.languages))
        if texts:
            missing = [code for code in self.course.languages if code not in texts]
            if missing:
                self.problems.add(self.path, line, f"{what} has no text in {', '.join(missing)}, but course.yaml "
                                                   "declares these languages complete in `languages`")
        return texts


def _load_survey(path: Path, course: CourseSpec, problems: Problems) -> SurveySpec | None:
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        problems.add(path, exc.line, exc.message)
        return None
    if not isinstance(data, LineDict):
        problems.add(path, 1, "a survey must be a mapping with title, scale and items")
        return None
    check_keys(data, SURVEY_KEYS, path=path, what="the survey", problems=problems)
    texts = _Texts(path, course, problems)
    spec = SurveySpec(title=texts(data.get("title"), data.line_of("title"), "survey title"))
    if "intro" in data:
        spec.intro = texts(data.get("intro"), data.line_of("intro"), "survey intro")
    items = data.get("items")
    if not isinstance(items, LineList) or not items:
        problems.add(path, data.line_of("items"), "items must be a non-empty list of questions")
        return spec
    if len(items) > MAX_ITEMS:
        problems.add(path, data.line_of("items"), f"a survey has at most {MAX_ITEMS} items")
    for _position, raw, slug in slugged_mappings(items, path=path, line=data.line_of("items"), noun="survey item",
                                                 allowed=ITEM_KEYS, problems=problems):
        item = _check_item(raw, slug, path, texts, problems)
        if item is not None:
            spec.items.append(item)
    if any(item["kind"] == LIKERT for item in spec.items):
        spec.scale = _check_scale(data, path, texts, problems)
    elif "scale" in data:
        problems.add(path, data.line_of("scale"), "scale is only for likert items, and the survey has none")
    return spec


def _check_item(raw: LineDict, slug: str, path: Path, texts: _Texts, problems: Problems) -> dict | None:
    kind = raw.get("kind")
    if kind not in KINDS:
        problems.add(path, raw.line_of("kind"),
                     f"survey item '{slug}': kind must be one of {', '.join(KINDS)}")
        return None
    required = raw.get("required", kind != TEXT)
    if not isinstance(required, bool):
        problems.add(path, raw.line_of("required"), f"survey item '{slug}': required must be true or false")
        required = False
    item = {"slug": slug, "kind": kind, "required": required,
            "text": texts(raw.get("text"), raw.line_of("text"), f"survey item '{slug}' text"), "options": []}
    if kind != CHOICE:
        if "options" in raw:
            problems.add(path, raw.line_of("options"), f"survey item '{slug}': only a choice item has options")
        return item
    options = raw.get("options")
    if not isinstance(options, LineList) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        problems.add(path, raw.line_of("options"),
                     f"survey item '{slug}': a choice item needs a list of {MIN_OPTIONS} to {MAX_OPTIONS} options")
        return item if isinstance(options, LineList) else None
    for _position, option, option_slug in slugged_mappings(
            options, path=path, line=raw.line_of("options"), noun="option", allowed=OPTION_KEYS,
            problems=problems, within=f" in survey item '{slug}'"):
        item["options"].append({"slug": option_slug, "label": texts(
            option.get("label"), option.line_of("label"), f"survey item '{slug}' option '{option_slug}' label")})
    return item


def _check_scale(data: LineDict, path: Path, texts: _Texts, problems: Problems) -> list[dict]:
    scale = data.get("scale")
    if not isinstance(scale, LineList) or len(scale) != SCALE_POINTS:
        problems.add(path, data.line_of("scale"),
                     f"scale must list the labels of the {SCALE_POINTS} points of the likert items, from 1 to "
                     f"{SCALE_POINTS}")
        return []
    return [texts(label, scale.line_of(index), f"scale point {index + 1}") for index, label in enumerate(scale)]
