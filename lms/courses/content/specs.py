"""A course folder as read (a ``CourseSpec`` of ``ModuleSpec`` of ``LessonSpec``), and what
another feature implements to add its part to the content format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.core.i18n import LANGUAGES
from lms.core.markdown import render_markdown, word_count
from lms.courses.content.fields import Problems


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
    outcomes: list[dict] = field(default_factory=list)
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
