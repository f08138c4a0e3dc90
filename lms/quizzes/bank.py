"""The question bank: categories, stored questions, and importing GIFT or Moodle XML files.

An import is all or nothing: a file with any error imports nothing, and the report says
what and where. Questions of an unsupported type are skipped and named, never dropped
silently. The caller commits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import PurePath

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.core.errors import TooLarge
from lms.core.i18n import _
from lms.core.input_gate import FORBIDDEN_MESSAGE, first_bad_line, normalise
from lms.courses.models import Course
from lms.quizzes.gift import parse_gift
from lms.quizzes.models import Question, QuestionCategory, QuestionFile
from lms.quizzes.moodlexml import parse_moodle_xml
from lms.quizzes.parsed import (
    ParsedQuestion,
    ParseResult,
    SourceProblem,
    join_path,
    split_path,
)
from lms.quizzes.types import QUESTION_TYPES, QuestionType

GIFT, XML = "gift", "xml"
DEFAULT_CATEGORY = "Imported"

IMPORTED, UNCHANGED, SKIPPED, WOULD_IMPORT = "imported", "unchanged", "skipped", "would_import"


def import_limit_bytes() -> int:
    return current_app.config["LMS_QUESTION_IMPORT_MAX_MB"] * 1024 * 1024


def too_large(size: int) -> TooLarge:
    limit = current_app.config["LMS_QUESTION_IMPORT_MAX_MB"]
    return TooLarge(_("The file is {size} MB; the largest question file accepted is {limit} MB. "
                      "Split it into smaller files.").format(size=f"{size / 1024 / 1024:.1f}", limit=limit))


# --- stored questions ------------------------------------------------------------------

@dataclass
class StoredQuestion:
    """The columns of a question row, built from one or several languages of it."""

    qtype: str
    name: str
    text: dict
    general_feedback: dict
    definition: dict
    default_mark: float
    moodle: dict = field(default_factory=dict)
    content_hash: str = ""

    def __post_init__(self):
        fields = [self.qtype, self.name, self.text, self.general_feedback, self.definition, self.default_mark]
        if self.moodle:  # only when there is some: a question without keeps the hash it always had
            fields.append(self.moodle)
        payload = json.dumps(fields, sort_keys=True, ensure_ascii=False)
        self.content_hash = hashlib.sha256(payload.encode()).hexdigest()


def build_question(variants: dict[str, ParsedQuestion], default: str) -> StoredQuestion:
    base = variants[default]
    qtype = QUESTION_TYPES[base.qtype]
    return StoredQuestion(
        qtype=base.qtype, name=base.name[:255],
        text={lang: q.text for lang, q in variants.items() if q.text},
        general_feedback={lang: q.general_feedback for lang, q in variants.items() if q.general_feedback},
        definition=qtype.build(variants, default),
        default_mark=0.0 if not qtype.gradable else round(base.default_mark or 1.0, 4),
        moodle=base.moodle)


def ensure_category(session: Session, course_id: int, path: str, info: str = "") -> QuestionCategory:
    """The category at ``path`` and its ancestors, created as needed."""
    segments = split_path(path) or [DEFAULT_CATEGORY]
    wanted = ["/".join(s.replace("/", "//") for s in segments[: i + 1]) for i in range(len(segments))]
    existing = {c.path: c for c in session.scalars(select(QuestionCategory).where(
        QuestionCategory.course_id == course_id, QuestionCategory.path.in_(wanted)))}
    parent = None
    for index, category_path in enumerate(wanted):
        category = existing.get(category_path)
        if category is None:
            category = QuestionCategory(course_id=course_id, path=category_path, name=segments[index][:255],
                                        parent_id=parent.id if parent else None, info="")
            session.add(category)
            session.flush()
        parent = category
    if info and not parent.info:
        parent.info = info
    return parent


def store_files(session: Session, question: ParsedQuestion) -> None:
    if not question.files:
        return
    hashes = {f.sha256 for f in question.files}
    known = set(session.scalars(select(QuestionFile.sha256).where(QuestionFile.sha256.in_(hashes))))
    for embedded in question.files:
        if embedded.sha256 not in known:
            session.add(QuestionFile(sha256=embedded.sha256, name=embedded.name[:255], mime=embedded.mime,
                                     size=len(embedded.data), data=embedded.data))
            known.add(embedded.sha256)


# --- reading files ---------------------------------------------------------------------

def detect_format(filename: str, data: bytes) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xml":
        return XML
    if suffix in (".gift", ".txt"):
        return GIFT
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    return XML if head.startswith(b"<") else GIFT


def parse_file(data: bytes, fmt: str) -> ParseResult:
    if fmt == XML:
        return parse_moodle_xml(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        result = ParseResult()
        result.error(data[: exc.start].count(b"\n") + 1, _(
            "The file is not UTF-8 text; save it as UTF-8 and import it again."))
        return result
    bad_line = first_bad_line(text)
    if bad_line is not None:
        result = ParseResult()
        result.error(bad_line, str(FORBIDDEN_MESSAGE))
        return result
    return parse_gift(normalise(text))


# --- import ----------------------------------------------------------------------------

@dataclass
class ReportRow:
    line: int
    name: str
    qtype: str
    category: str
    status: str
    reason: str = ""


@dataclass
class ImportReport:
    filename: str
    format: str
    dry_run: bool
    rows: list[ReportRow] = field(default_factory=list)
    errors: list[SourceProblem] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, *statuses: str) -> int:
        return sum(1 for row in self.rows if row.status in statuses)

    def lines(self) -> list[str]:
        """The report as text, one line per question or error."""
        error = _("error")  # i18n: a line of the import report, "file:line: error: message"
        out = [f"{self.filename}:{e.line}: {error}: {e.message}" for e in self.errors]
        labels = {IMPORTED: _("imported"), UNCHANGED: _("already in the bank"),
                  SKIPPED: _("skipped"), WOULD_IMPORT: _("would be imported")}
        for row in self.rows:
            text = f"{self.filename}:{row.line}: {labels[row.status]}: {row.name} ({row.qtype}) → {row.category}"
            out.append(f"{text} — {row.reason}" if row.reason else text)
        return out


def import_questions(session: Session, course_id: int, data: bytes, *, filename: str,
                     fmt: str | None = None, category: str | None = None,
                     dry_run: bool = False) -> ImportReport:
    """Import a GIFT or Moodle XML file into a course's bank; nothing at all when it has an error."""
    if len(data) > import_limit_bytes():
        raise too_large(len(data))
    fmt = fmt or detect_format(filename, data)
    report = ImportReport(filename=filename, format=fmt, dry_run=dry_run)
    base = join_path(category) if category else ""
    result = parse_file(data, fmt)
    report.errors = sorted(result.errors, key=lambda e: e.line)
    if not result.questions and not result.skipped and not result.errors:
        report.errors.append(SourceProblem(1, _("The file contains no questions.")))
    for skipped in result.skipped:
        report.rows.append(ReportRow(skipped.line, skipped.name, skipped.qtype,
                                     join_path(base, None) or DEFAULT_CATEGORY, SKIPPED, skipped.reason))
    if report.errors:
        return report

    for declared in result.categories:
        path = join_path(base, declared.path) or base or DEFAULT_CATEGORY
        if path not in report.categories:
            report.categories.append(path)
        if not dry_run:
            ensure_category(session, course_id, path, declared.info)
    positions: dict[int, int] = {}
    added: set[tuple[int, str]] = set()
    # Texts are stored by language; a bank import is in the course's default language.
    language = _course_language(session, course_id)
    for parsed in result.questions:
        path = join_path(base, parsed.category) or DEFAULT_CATEGORY
        stored = build_question({language: parsed}, language)
        row = ReportRow(parsed.line, stored.name, stored.qtype, path,
                        WOULD_IMPORT if dry_run else IMPORTED, " ".join(str(n) for n in parsed.notes))
        report.rows.append(row)
        if dry_run:
            continue
        target = ensure_category(session, course_id, path)
        # Importing a file again adds nothing; two identical questions within one file are both kept.
        key = (target.id, stored.content_hash)
        if key not in added and session.scalar(select(Question.id).where(
                Question.category_id == target.id, Question.content_hash == stored.content_hash,
                Question.is_retired.is_(False)).limit(1)) is not None:
            row.status, row.reason = UNCHANGED, _("An identical question is already in this category.")
            continue
        added.add(key)
        if target.id not in positions:
            positions[target.id] = session.scalar(select(func.coalesce(func.max(Question.position), 0)).where(
                Question.category_id == target.id)) or 0
        positions[target.id] += 1
        store_files(session, parsed)
        session.add(Question(course_id=course_id, category_id=target.id, name=stored.name, qtype=stored.qtype,
                             text=stored.text, general_feedback=stored.general_feedback,
                             definition=stored.definition, default_mark=stored.default_mark,
                             moodle=stored.moodle, position=positions[target.id], source_line=parsed.line,
                             content_hash=stored.content_hash))
    report.rows.sort(key=lambda row: row.line)
    session.flush()
    return report


def _course_language(session: Session, course_id: int) -> str:
    return session.scalar(select(Course.default_language).where(Course.id == course_id)) or "en"


@dataclass
class BankEntry:
    """A question as the bank page lists it: its type and its answer key."""

    question: Question
    kind: QuestionType
    review: dict


def questions_in(session: Session, category: QuestionCategory, language: str) -> list[BankEntry]:
    """The current questions of one category, in order, with their answers and weights."""
    entries = []
    for question in session.scalars(select(Question).where(
            Question.category_id == category.id, Question.is_retired.is_(False))
            .order_by(Question.position, Question.id)):
        kind = QUESTION_TYPES[question.qtype]
        entries.append(BankEntry(question, kind, kind.review(question.definition, language, None, None)))
    return entries


def categories_of(session: Session, course_id: int) -> list[tuple[QuestionCategory, int]]:
    """Every category of a course's bank with its number of current questions, by path."""
    counts = dict(session.execute(
        select(Question.category_id, func.count(Question.id))
        .where(Question.course_id == course_id, Question.is_retired.is_(False))
        .group_by(Question.category_id)).all())
    categories = session.scalars(select(QuestionCategory).where(QuestionCategory.course_id == course_id)
                                 .order_by(QuestionCategory.path))
    return [(c, counts.get(c.id, 0)) for c in categories]
