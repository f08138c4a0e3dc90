"""Read Moodle XML question exports into parsed questions, with the source line of each.

Supported: categories (nested paths), multichoice (single and multiple), truefalse,
shortanswer, numerical, matching, essay and description. Other types (calculated, cloze,
drag-and-drop…) are reported by name and skipped. Embedded base64 images are kept and
shown; any other embedded file makes its question skipped, with the reason.

The file is read with expat, which gives line numbers; a DOCTYPE or entity declaration
is refused, so no entity expansion or external resource can be smuggled in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote
from xml.parsers import expat

from lms.core.i18n import _
from lms.quizzes.formats import HTML, MOODLE, XML_FORMATS, default_name, to_html
from lms.quizzes.parsed import (
    CategoryDecl,
    EmbeddedFile,
    ParsedAnswer,
    ParsedQuestion,
    ParseResult,
    SkippedQuestion,
    moodle_category,
)
from lms.quizzes.types import (
    DESCRIPTION,
    ESSAY,
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERICAL,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRUE_FALSE,
    validate_question,
)

FILES_PREFIX = "/quizzes/files/"
PLUGINFILE = "@@PLUGINFILE@@/"
IMAGE_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}


def image_type(data: bytes) -> str | None:
    for mime, signatures in IMAGE_SIGNATURES.items():
        if data.startswith(signatures):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass
class Node:
    tag: str
    attrs: dict
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def find(self, path: str) -> Node | None:
        node = self
        for tag in path.split("/"):
            node = next((child for child in node.children if child.tag == tag), None)
            if node is None:
                return None
        return node

    def findall(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def text_of(self, path: str, default: str = "") -> str:
        node = self.find(path)
        return node.text if node is not None else default

    def descendants(self, tag: str):
        for child in self.children:
            if child.tag == tag:
                yield child
            yield from child.descendants(tag)


class _Refused(Exception):
    pass


def _tree(data: bytes, result: ParseResult) -> Node | None:
    parser = expat.ParserCreate()
    stack: list[Node] = []
    root: list[Node] = []

    def start(tag, attrs):
        node = Node(tag, attrs, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(tag):
        stack.pop()

    def characters(text):
        if stack:
            stack[-1].parts.append(text)

    def refuse(*_args):
        raise _Refused(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        result.error(exc.args[0], _("The file declares a DOCTYPE or entities, which Moodle exports never "
                                    "do; it is refused for safety."))
        return None
    except expat.ExpatError as exc:
        result.error(exc.lineno, _("The XML is malformed: {problem} (line {line}, column {column}).").format(
            problem=expat.errors.messages[exc.code], line=exc.lineno, column=exc.offset + 1))
        return None
    return root[0] if root else None


SUPPORTED = {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"}
TYPE_NAMES = {
    "calculated": "calculated", "calculatedsimple": "calculated simple",
    "calculatedmulti": "calculated multichoice", "multianswer": "embedded answers (cloze)",
    "ddwtos": "drag and drop into text", "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers", "gapselect": "select missing words",
    "randomsamatch": "random short-answer matching", "random": "random", "ordering": "ordering",
}


def parse_moodle_xml(data: bytes) -> ParseResult:
    """Parse a Moodle XML export; every problem is collected with its line."""
    result = ParseResult()
    root = _tree(data, result)
    if root is None:
        if not result.errors:
            result.error(1, _("The file contains no XML element."))
        return result
    if root.tag != "quiz":
        result.error(root.line, _("A Moodle XML question file starts with <quiz>, not <{tag}>.").format(tag=root.tag))
        return result
    category: str | None = None
    for node in root.findall("question"):
        qtype = node.attrs.get("type", "")
        if qtype == "category":
            category = moodle_category(node.text_of("category/text"))
            result.categories.append(CategoryDecl(category, node.line, _html(node.find("info"))))
            continue
        name = " ".join(node.text_of("name/text").split())
        if qtype not in SUPPORTED:
            shown = TYPE_NAMES.get(qtype, qtype or _("(no type)"))
            result.skipped.append(SkippedQuestion(node.line, name, qtype, _(
                "The question type '{type}' is not supported here.").format(type=shown)))
            continue
        try:
            files = _files(node)
        except ValueError as exc:
            result.skipped.append(SkippedQuestion(node.line, name, qtype, str(exc)))
            continue
        question = _READERS[qtype](node, files)
        question.category = category
        question.files = list(files.values())
        if not question.name:
            question.name = default_name(question.text) or _("Question on line {line}").format(line=node.line)
        problems = validate_question(question)
        if problems:
            result.errors.extend(problems)
        else:
            result.questions.append(question)
    return result


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


_PLUGINFILE_RE = re.compile(re.escape(PLUGINFILE) + r"([^\"'\s>)]+)")


def _link_files(text: str, files: dict[str, EmbeddedFile]) -> str:
    def replace(match):
        name = unquote(match.group(1))
        embedded = files.get(name)
        if embedded is None:
            return match.group(0)
        return f"{FILES_PREFIX}{embedded.sha256}/{quote(embedded.name)}"

    return _PLUGINFILE_RE.sub(replace, text)


def _html(node: Node | None, files: dict | None = None, default_format: str = HTML) -> str:
    """A Moodle text element (``<x format="…"><text>…</text></x>``) as safe HTML."""
    if node is None:
        return ""
    fmt = XML_FORMATS.get(node.attrs.get("format", ""), default_format)
    text = node.text_of("text")
    return to_html(_link_files(text, files or {}), fmt)


def _base(node: Node, qtype: str, files) -> ParsedQuestion:
    mark = node.text_of("defaultgrade", "1").strip()
    try:
        default_mark = float(mark) if mark else 1.0
    except ValueError:
        default_mark = 1.0
    return ParsedQuestion(
        qtype=qtype, name=" ".join(node.text_of("name/text").split()),
        text=_html(node.find("questiontext"), files), line=node.line,
        general_feedback=_html(node.find("generalfeedback"), files), default_mark=max(default_mark, 0.0))


def _fraction(node: Node) -> float:
    raw = node.attrs.get("fraction", "0")
    try:
        return float(raw) / 100
    except ValueError:
        return float("nan")


def _answers(node: Node, files, *, text_format: str = HTML, plain: bool = False) -> list[ParsedAnswer]:
    answers = []
    for answer in node.findall("answer"):
        text = " ".join(answer.text_of("text").split()) if plain else _html(answer, files, text_format)
        answers.append(ParsedAnswer(text=text, fraction=_fraction(answer),
                                    feedback=_html(answer.find("feedback"), files), line=answer.line))
    return answers


def _flag(node: Node, path: str, default: bool) -> bool:
    value = node.text_of(path).strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes")


def _multichoice(node, files):
    question = _base(node, SINGLE_CHOICE if _flag(node, "single", True) else MULTIPLE_RESPONSE, files)
    question.answers = _answers(node, files, text_format=MOODLE)
    question.options["shuffle"] = _flag(node, "shuffleanswers", True)
    return question


def _truefalse(node, files):
    question = _base(node, TRUE_FALSE, files)
    correct, feedback = True, {}
    for answer in node.findall("answer"):
        value = answer.text_of("text").strip().lower() == "true"
        feedback[value] = _html(answer.find("feedback"), files)
        if _fraction(answer) >= 0.999:
            correct = value
    question.options.update(correct=correct, feedback_true=feedback.get(True, ""),
                            feedback_false=feedback.get(False, ""))
    return question


def _shortanswer(node, files):
    question = _base(node, SHORT_ANSWER, files)
    question.answers = _answers(node, files, plain=True)
    question.options["case_sensitive"] = _flag(node, "usecase", False)
    return question


def _numerical(node, files):
    question = _base(node, NUMERICAL, files)
    for answer in node.findall("answer"):
        source = answer.text_of("text").strip()
        tolerance_text = answer.text_of("tolerance", "0").strip() or "0"
        parsed = ParsedAnswer(fraction=_fraction(answer), feedback=_html(answer.find("feedback"), files),
                              line=answer.line, source=source)
        if source != "*":
            try:
                value, tolerance = float(source), abs(float(tolerance_text))
            except ValueError:
                question.notes.append(_("The answer '{value}' is not a number and was left out.").format(value=source))
                continue
            parsed.low, parsed.high = value - tolerance, value + tolerance
            if tolerance:
                parsed.source = f"{source}:{tolerance_text}"
        question.answers.append(parsed)
    if node.find("units") is not None and node.find("units").children:
        question.notes.append(_("Units are not supported: the answer is graded as a plain number."))
    return question


def _matching(node, files):
    question = _base(node, MATCHING, files)
    for sub in node.findall("subquestion"):
        question.answers.append(ParsedAnswer(
            text=_html(sub, files), match=" ".join(sub.text_of("answer/text").split()), line=sub.line))
    return question


def _essay(node, files):
    question = _base(node, ESSAY, files)
    lines = node.text_of("responsefieldlines", "10").strip()
    question.options.update(
        lines=int(lines) if lines.isdigit() else 10,
        grader_info=_html(node.find("graderinfo"), files),
        template=node.text_of("responsetemplate/text").strip())
    if node.text_of("attachments", "0").strip() not in ("", "0"):
        question.notes.append(_("File attachments are not supported: the trainee answers in text."))
    return question


def _description(node, files):
    question = _base(node, DESCRIPTION, files)
    question.default_mark = 0.0
    return question


_READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "matching": _matching, "essay": _essay, "description": _description}
