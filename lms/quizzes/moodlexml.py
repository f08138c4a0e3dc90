"""Read Moodle XML question exports into parsed questions, with the source line of each.

This reader knows the file: categories (nested paths), questions and their embedded
files. Each question element goes to the question type whose Moodle XML mapping
(``lms/quizzes/types/<type>/moodle_xml.py``) claims it; other types (calculated, cloze,
drag-and-drop…) are reported by name and skipped. Embedded base64 images are kept and
shown; any other embedded file makes its question skipped, with the reason. A Moodle 1.9
picture (``<image>`` with ``<image_base64>``) is shown below the question's text, as Moodle
does when it imports one; an ``<image>`` without its data is named in the report.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from urllib.parse import quote

from lms.core.i18n import _
from lms.quizzes.formats import HTML, default_name, to_html
from lms.quizzes.moodle_xml_elements import FILES_PREFIX, MoodleQuestion, Node, text_html, tree
from lms.quizzes.parsed import (
    CategoryDecl,
    EmbeddedFile,
    ParseResult,
    SkippedQuestion,
    moodle_category,
)
from lms.quizzes.types import QUESTION_TYPES, QuestionType

IMAGE_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
# Moodle's types no question type here reads, by the name Moodle's interface gives them.
TYPE_NAMES = {
    "calculated": "calculated", "calculatedsimple": "calculated simple",
    "calculatedmulti": "calculated multichoice", "multianswer": "embedded answers (cloze)",
    "ddwtos": "drag and drop into text", "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers", "gapselect": "select missing words",
    "randomsamatch": "random short-answer matching", "random": "random", "ordering": "ordering",
}


def image_type(data: bytes) -> str | None:
    for mime, signatures in IMAGE_SIGNATURES.items():
        if data.startswith(signatures):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def parse_moodle_xml(data: bytes) -> ParseResult:
    """Parse a Moodle XML export; every problem is collected with its line."""
    result = ParseResult()
    root = tree(data, result)
    if root is None:
        if not result.errors:
            result.error(1, _("The file contains no XML element."))
        return result
    if root.tag != "quiz":
        result.error(root.line, _("A Moodle XML question file starts with <quiz>, not <{tag}>.").format(tag=root.tag))
        return result
    category: str | None = None
    for node in root.findall("question"):
        element_type = node.attrs.get("type", "")
        if element_type == "category":
            category = moodle_category(node.text_of("category/text"))
            result.categories.append(CategoryDecl(category, node.line, text_html(node.find("info"))))
            continue
        name = " ".join(node.text_of("name/text").split())
        if not any(kind.moodle_xml.element_type == element_type for kind in _with_moodle_xml()):
            shown = TYPE_NAMES.get(element_type, element_type or _("(no type)"))
            result.skipped.append(SkippedQuestion(node.line, name, element_type, _(
                "The question type '{type}' is not supported here.").format(type=shown)))
            continue
        try:
            files = _files(node)
            picture = _legacy_image(node)
        except ValueError as exc:
            result.skipped.append(SkippedQuestion(node.line, name, element_type, str(exc)))
            continue
        element = MoodleQuestion(node, files)
        kind = next(kind for kind in _with_moodle_xml()
                    if kind.moodle_xml.element_type == element_type and kind.moodle_xml.claims(element))
        question = kind.moodle_xml.read(element)
        question.qtype = kind.name
        question.category = category
        if picture is not None:
            files[picture.name] = picture
            question.text = to_html(f'{question.text} <p><img src="{FILES_PREFIX}{picture.sha256}/'
                                    f'{quote(picture.name)}" alt=""></p>', HTML)
        elif node.text_of("image").strip():
            question.notes.append(_("The picture '{name}' (Moodle 1.9 <image>) is not in the file: the question "
                                    "was imported without it.").format(name=node.text_of("image").strip()))
        question.files = list(files.values())
        if not question.name:
            question.name = default_name(question.text) or _("Question on line {line}").format(line=node.line)
        problems = kind.validate(question)
        if problems:
            result.errors.extend(problems)
        else:
            result.questions.append(question)
    return result


def _with_moodle_xml() -> list[QuestionType]:
    """The question types Moodle XML can hold, the most particular first (by priority)."""
    return sorted((kind for kind in QUESTION_TYPES.values() if kind.moodle_xml is not None),
                  key=lambda kind: kind.moodle_xml.priority)


def _files(question: Node) -> dict[str, EmbeddedFile]:
    """Embedded files by name; refuse anything that is not an image we can show."""
    files = {}
    for node in question.descendants("file"):
        name = node.attrs.get("name", "")
        try:
            data = base64.b64decode("".join(node.text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(_("The embedded file '{name}' is not valid base64.").format(name=name)) from None
        mime = image_type(data)
        if mime is None:
            raise ValueError(_("The embedded file '{name}' is not an image this platform shows "
                               "(PNG, JPEG, GIF or WebP); the question was not imported.").format(name=name))
        key = f"{node.attrs.get('path', '/').strip('/')}/{name}".lstrip("/")
        files[key] = EmbeddedFile(name=name, mime=mime, data=data, sha256=hashlib.sha256(data).hexdigest())
    return files


def _legacy_image(question: Node) -> EmbeddedFile | None:
    """Moodle 1.9's picture of a question: ``<image>`` names it, ``<image_base64>`` holds it."""
    encoded = "".join(question.text_of("image_base64").split())
    if not encoded:
        return None
    name = question.text_of("image").strip().rsplit("/", 1)[-1] or "image"
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(_("The embedded file '{name}' is not valid base64.").format(name=name)) from None
    mime = image_type(data)
    if mime is None:
        raise ValueError(_("The embedded file '{name}' is not an image this platform shows "
                           "(PNG, JPEG, GIF or WebP); the question was not imported.").format(name=name))
    return EmbeddedFile(name=name, mime=mime, data=data, sha256=hashlib.sha256(data).hexdigest())
