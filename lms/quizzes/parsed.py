"""What the GIFT and Moodle XML readers produce: questions in one language, with source lines.

A parsed question is plain data. The question types (``types/``) validate it and build
the stored definition from one or several languages of the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedAnswer:
    text: str = ""              # HTML of a choice or a matching stem; plain text of a short answer
    fraction: float = 0.0       # -1.0 … 1.0
    feedback: str = ""          # HTML
    line: int = 0
    low: float | None = None    # numerical: accepted range (None: any other answer, "*")
    high: float | None = None
    source: str = ""            # numerical: the answer as written ("1822:2", "3.141..3.142")
    match: str | None = None    # matching: the answer (plain text); ``text`` is the stem, "" for a distractor


@dataclass
class EmbeddedFile:
    name: str
    mime: str
    data: bytes
    sha256: str


@dataclass
class ParsedQuestion:
    qtype: str
    name: str
    text: str                   # HTML
    line: int
    general_feedback: str = ""  # HTML
    answers: list[ParsedAnswer] = field(default_factory=list)
    category: str | None = None
    options: dict = field(default_factory=dict)
    default_mark: float = 1.0
    named: bool = True          # the source gave a name (GIFT ``::name::``)
    notes: list[str] = field(default_factory=list)
    files: list[EmbeddedFile] = field(default_factory=list)
    # Moodle's data this platform does not use, kept to be written back on export.
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def moodle(self) -> dict:
        """The kept Moodle data as stored with the question ({} when there is none)."""
        kept = {}
        if self.idnumber:
            kept["idnumber"] = self.idnumber
        if self.tags:
            kept["tags"] = list(self.tags)
        return kept


def percent(fraction: float) -> str:
    """A weight as GIFT and Moodle XML write it, exact to the stored precision: 0.3333333 → "33.33333"."""
    text = f"{round(fraction * 100, 5):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class SourceProblem:
    line: int
    message: str


@dataclass
class SkippedQuestion:
    line: int
    name: str
    qtype: str
    reason: str


@dataclass
class CategoryDecl:
    path: str
    line: int
    info: str = ""


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    skipped: list[SkippedQuestion] = field(default_factory=list)
    errors: list[SourceProblem] = field(default_factory=list)
    categories: list[CategoryDecl] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append(SourceProblem(line, str(message)))


def join_path(*parts: str | None) -> str:
    """Join category paths, dropping empty parts: ("A", "B/C") → "A/B/C"."""
    segments = []
    for part in parts:
        segments.extend(split_path(part or ""))
    return "/".join(escape_segment(s) for s in segments)


def split_path(path: str) -> list[str]:
    """Moodle category paths separate levels with "/"; a literal slash is written "//"."""
    segments, current, i = [], [], 0
    while i < len(path):
        if path.startswith("//", i):
            current.append("/")
            i += 2
        elif path[i] == "/":
            segments.append("".join(current))
            current = []
            i += 1
        else:
            current.append(path[i])
            i += 1
    segments.append("".join(current))
    return [s.strip() for s in segments if s.strip()]


def escape_segment(name: str) -> str:
    return name.replace("/", "//")


def moodle_category(path: str) -> str:
    """Drop Moodle's context prefix ($course$, $system$…) and the "top" level."""
    segments = split_path(path.strip())
    if segments and segments[0].startswith("$") and segments[0].endswith("$"):
        segments = segments[1:]
    if segments and segments[0].lower() == "top":
        segments = segments[1:]
    return "/".join(escape_segment(s) for s in segments)
