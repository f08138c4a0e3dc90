"""Which English text each translation was made from, so that a stale one is found.

Every translated Markdown or GIFT file ends with one line recording the English file it
translates, paragraph by paragraph (a paragraph is text between blank lines; in GIFT, a
question):

    <!-- source en 3f2a9b1c0d4e: 1a2b3c4d 5e6f7a8b … -->      (Markdown)
    // source en 3f2a9b1c0d4e: 1a2b3c4d 5e6f7a8b …            (GIFT)

``lms content reviewed`` writes the line once a translator has brought the file in step;
``lms content check`` compares it with the English file as it is now and names the
paragraphs that changed since. The line survives the Serbian transliteration (an HTML
comment and a GIFT comment are never converted) and is never shown: ``read_text`` blanks it.
At the end, it leaves every line of the translation where it was, as a translator (and the
checker's ``file:line``) expects.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lms.core.i18n import LANGUAGES

SUFFIXES = (".md", ".gift")
_RECORD = re.compile(r"(?m)^(?:<!--|//) source (?P<language>[A-Za-z_]+) (?P<digest>[0-9a-f]{12}):"
                     r"(?P<paragraphs>(?: [0-9a-f]{8})*) ?(?:-->)?[ \t]*\n?\Z")
_TRANSLATION = re.compile(r"^(?P<stem>.+)\.(?P<language>[A-Za-z_]+)(?P<suffix>\.md|\.gift)$")


@dataclass(frozen=True)
class Paragraph:
    line: int
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(" ".join(self.text.split()).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Record:
    language: str
    digest: str
    paragraphs: tuple[str, ...]


@dataclass
class Translation:
    """A translated file and the source file it translates."""

    path: Path
    source: Path
    language: str
    source_language: str = "en"
    record: Record | None = None
    changed: list[Paragraph] = field(default_factory=list)  # English paragraphs new or changed since
    removed: int = 0  # English paragraphs gone since

    @property
    def is_current(self) -> bool:
        return self.record is not None and not self.changed and not self.removed


def split_record(text: str) -> tuple[Record | None, str]:
    """The record line of a translation (or None) and the text with that line blanked (line
    numbers stay as in the file)."""
    match = _RECORD.search(text)
    if match is None:
        return None, text
    record = Record(match["language"], match["digest"], tuple(match["paragraphs"].split()))
    return record, text[:match.start()]


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of a text (its record line left out), with the line each starts on."""
    _record, text = split_record(text)
    found, lines, start = [], [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            found.append(Paragraph(start, "\n".join(lines)))
            lines = []
    if lines:
        found.append(Paragraph(start, "\n".join(lines)))
    return found


def _digest(parts: list[Paragraph]) -> str:
    return hashlib.sha256(" ".join(part.digest for part in parts).encode()).hexdigest()[:12]


def record_line(source_text: str, language: str, suffix: str) -> str:
    """The record line for a translation of ``source_text`` (in ``language``) as it is now."""
    parts = paragraphs(source_text)
    body = f"source {language} {_digest(parts)}:" + "".join(f" {part.digest}" for part in parts)
    return f"<!-- {body} -->" if suffix == ".md" else f"// {body}"


def translations_in(folder: Path, default_language: str) -> list[Translation]:
    """Every translated Markdown and GIFT file under ``folder`` whose English file exists."""
    found = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.suffix in SUFFIXES and p.is_file()):
        match = _TRANSLATION.match(path.name)
        if not match or match["language"] not in LANGUAGES or match["language"] == default_language:
            continue
        source = path.with_name(match["stem"] + match["suffix"])
        if not source.is_file():
            source = path.with_name(f"{match['stem']}.{default_language}{match['suffix']}")
        if source.is_file():
            found.append(Translation(path, source, match["language"], default_language))
    return found


def sources_in(folder: Path) -> list[Path]:
    """The files of the default language that translations are made from."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix in SUFFIXES and p.is_file()
                  and not (_TRANSLATION.match(p.name) and _TRANSLATION.match(p.name)["language"] in LANGUAGES))


def compare(translation: Translation) -> Translation:
    """Fill in what changed in the English file since the translation was recorded."""
    record, _text = split_record(translation.path.read_text(encoding="utf-8").lstrip("\ufeff"))
    translation.record = record
    current = paragraphs(translation.source.read_text(encoding="utf-8").lstrip("\ufeff"))
    if record is None:
        translation.changed = current
        return translation
    if record.digest == _digest(current):
        return translation
    recorded = set(record.paragraphs)
    translation.changed = [part for part in current if part.digest not in recorded]
    translation.removed = len(recorded - {part.digest for part in current})
    return translation


def stale_translations(folder: Path, default_language: str) -> list[Translation]:
    return [t for t in map(compare, translations_in(folder, default_language)) if not t.is_current]


def mark_reviewed(translation: Translation) -> bool:
    """Record that ``translation`` is in step with its English file as it is now; True if changed."""
    text = translation.path.read_text(encoding="utf-8").lstrip("\ufeff")
    _record, body = split_record(text)
    line = record_line(translation.source.read_text(encoding="utf-8"), translation.source_language,
                       translation.path.suffix)
    body = body.rstrip("\n")
    updated = f"{body}\n\n{line}\n"
    if updated == text:
        return False
    translation.path.write_text(updated, encoding="utf-8")
    return True


@dataclass(frozen=True)
class Completeness:
    """How much of a course exists in one language: files translated, and those in step."""

    language: str
    total: int
    present: int
    current: int

    @property
    def percent(self) -> int:
        """Files translated and in step with their English source, as a whole percentage."""
        return 100 if not self.total else self.current * 100 // self.total


def completeness(folder: Path, default_language: str) -> dict[str, Completeness]:
    """For every language, the share of the course's text files that exist in it and are current."""
    total = len(sources_in(folder))
    translations = [compare(t) for t in translations_in(folder, default_language)]
    result = {default_language: Completeness(default_language, total, total, total)}
    for code in LANGUAGES:
        if code != default_language:
            mine = [t for t in translations if t.language == code]
            result[code] = Completeness(code, total, len(mine), sum(t.is_current for t in mine))
    return result
