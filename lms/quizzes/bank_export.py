"""Export a course's question bank, or one category of it with its subcategories, as GIFT or
Moodle XML, so that a bank can go back to Moodle.

Importing the file again gives the same questions: texts, answers, weights, feedback, and
the Moodle data kept on import (idnumber, tags, essay options). Only current questions are
written (a retired version stays with the attempts that used it). Everything here reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.core.errors import ValidationFailed
from lms.core.i18n import _
from lms.courses.models import Course
from lms.quizzes.exported import ExportedBank, ExportedCategory, ExportedQuestion
from lms.quizzes.gift_writer import write_gift
from lms.quizzes.models import Question, QuestionCategory, QuestionFile
from lms.quizzes.moodle_xml_writer import write_moodle_xml
from lms.quizzes.parsed import join_path

GIFT, XML = "gift", "xml"
FORMATS = (GIFT, XML)


def may_export(user) -> bool:
    """Staff who manage content (managers, administrators): the same who may import."""
    return user.is_authenticated and (user.is_manager or user.is_admin)


@dataclass
class ExportFile:
    filename: str
    mimetype: str
    data: bytes
    questions: int


def export_bank(session: Session, course: Course, fmt: str, *, category: QuestionCategory | None = None,
                language: str | None = None) -> ExportFile:
    """The course's bank (or ``category`` and its subcategories) as a GIFT or Moodle XML file."""
    errors = {}
    if fmt not in FORMATS:
        errors["format"] = [_("Choose GIFT or Moodle XML.")]
    language = language or course.default_language
    if language not in (course.languages or [course.default_language]):
        errors["language"] = [_("The course is not written in this language; choose one of: {languages}.").format(
            languages=", ".join(course.languages or [course.default_language]))]
    if category is not None and category.course_id != course.id:
        errors["category"] = [_("This category is not in the course's question bank.")]
    if errors:
        raise ValidationFailed(errors)
    bank = ExportedBank(_categories(session, course.id, category), language, _file_reader(session))
    if fmt == GIFT:
        data, extension, mimetype = write_gift(bank).encode("utf-8"), "gift.txt", "text/plain; charset=utf-8"
    else:
        data, extension, mimetype = write_moodle_xml(bank), "moodle.xml", "application/xml"
    scope = course.slug if category is None else f"{course.slug}-{_slug(category.path)}"
    return ExportFile(f"{scope}-{language}.{extension}", mimetype, data, bank.question_count)


def category_by_id(session: Session, course: Course, category_id: int | None) -> QuestionCategory | None:
    """The category asked for by its id (None: the whole bank); one of another course is no category."""
    if category_id is None:
        return None
    category = session.get(QuestionCategory, category_id)
    if category is None or category.course_id != course.id:
        raise ValidationFailed({"category": [_("This category is not in the course's question bank.")]})
    return category


def category_by_path(session: Session, course: Course, path: str | None) -> QuestionCategory | None:
    """The category at a path such as "Moodle/Week 1" (None: the whole bank)."""
    if not path:
        return None
    category = session.scalar(select(QuestionCategory).where(
        QuestionCategory.course_id == course.id, QuestionCategory.path == join_path(path)))
    if category is None:
        raise ValidationFailed({"category": [_("This category is not in the course's question bank.")]})
    return category


def _categories(session: Session, course_id: int, root: QuestionCategory | None) -> list[ExportedCategory]:
    categories = list(session.scalars(select(QuestionCategory).where(QuestionCategory.course_id == course_id)
                                      .order_by(QuestionCategory.path)))
    if root is not None:
        wanted, children = {root.id}, {}
        for category in categories:
            children.setdefault(category.parent_id, []).append(category.id)
        pending = [root.id]
        while pending:
            for child in children.get(pending.pop(), []):
                if child not in wanted:
                    wanted.add(child)
                    pending.append(child)
        categories = [c for c in categories if c.id in wanted]
    exported = {c.id: ExportedCategory(c.path, c.info or "") for c in categories}
    for question in session.scalars(select(Question).where(
            Question.category_id.in_(list(exported)), Question.is_retired.is_(False))
            .order_by(Question.position, Question.id)):
        exported[question.category_id].questions.append(ExportedQuestion(
            qtype=question.qtype, name=question.name, text=question.text,
            general_feedback=question.general_feedback or {}, definition=question.definition,
            default_mark=question.default_mark, moodle=question.moodle or {}))
    return list(exported.values())


def _file_reader(session: Session):
    def stored_file(sha256: str) -> tuple[str, bytes] | None:
        found = session.scalar(select(QuestionFile).where(QuestionFile.sha256 == sha256))
        return (found.name, found.data) if found is not None else None

    return stored_file


def _slug(path: str) -> str:
    text = "".join(char if char.isascii() and char.isalnum() else "-" for char in path.lower())
    return "-".join(part for part in text.split("-") if part)[:60] or "category"
