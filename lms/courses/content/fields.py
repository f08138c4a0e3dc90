"""Checks of the fields of course YAML files, and the problems they report.

Every problem is collected, not just the first, and reported as ``file:line: message``.
The features that add sections to the content format check them with the same helpers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lms.core.i18n import LANGUAGES
from lms.core.input_gate import first_bad_line, normalise
from lms.courses.content.translation_records import split_record
from lms.courses.yamlfile import LineDict, LineList

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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


def whole_number(value, *, low: int, high: int | None = None) -> int | None:
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
    bad_line = first_bad_line(text)
    if bad_line is not None:
        problems.add(path, bad_line, "a NUL character or half of a surrogate pair (not allowed in content)")
        return None
    text = normalise(text.replace("\r\n", "\n").lstrip("\ufeff"))
    if path.suffix in (".md", ".gift"):
        # A translation's record of its English source is not text: blanked, lines kept.
        text = split_record(text)[1]
    return text


def read_page_text(file: Path, problems: Problems, *, what: str, title: str) -> str | None:
    """The Markdown of a page's body (a lesson, a case study): not empty, and with no '# '
    title of its own, since the page shows ``title`` from course.yaml. None when unreadable."""
    text = read_text(file, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(file, 1, f"the {what} text is empty")
        return None
    for number, text_line in enumerate(text.splitlines(), start=1):
        if text_line.startswith("# "):
            problems.add(file, number, f"a {what} must not start a '# ' title: the page shows the "
                                       f"{title} from course.yaml; use '## ' for sections")
            break
    return text
