"""Moodle XML as a tree of elements with their source lines, and the reading of what every
question element has (name, text, marks, answers), for the Moodle XML reader and the
question types' Moodle XML mappings; ``XmlTexts`` writes the same elements back.

The file is read with expat, which gives line numbers; a DOCTYPE or entity declaration
is refused, so no entity expansion or external resource can be smuggled in.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote
from xml.parsers import expat

from lms.core.i18n import _
from lms.quizzes.formats import HTML, XML_FORMATS, to_html
from lms.quizzes.parsed import EmbeddedFile, ParsedAnswer, ParsedQuestion, ParseResult, percent

FILES_PREFIX = "/quizzes/files/"
PLUGINFILE = "@@PLUGINFILE@@/"
_PLUGINFILE_RE = re.compile(re.escape(PLUGINFILE) + r"([^\"'\s>)]+)")
_STORED_FILE_RE = re.compile(re.escape(FILES_PREFIX) + r"([0-9a-f]{64})/([^\"'\s>)]+)")


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


def tree(data: bytes, result: ParseResult) -> Node | None:
    """The document's root element, or None with the problem in ``result``."""
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


def text_html(node: Node | None, files: dict[str, EmbeddedFile] | None = None, default_format: str = HTML) -> str:
    """A Moodle text element (``<x format="…"><text>…</text></x>``) as safe HTML, its
    embedded images linked where they are stored."""
    if node is None:
        return ""
    fmt = XML_FORMATS.get(node.attrs.get("format", ""), default_format)
    return to_html(_link_files(node.text_of("text"), files or {}), fmt)


def _link_files(text: str, files: dict[str, EmbeddedFile]) -> str:
    def replace(match):
        embedded = files.get(unquote(match.group(1)))
        if embedded is None:
            return match.group(0)
        return f"{FILES_PREFIX}{embedded.sha256}/{quote(embedded.name)}"

    return _PLUGINFILE_RE.sub(replace, text)


@dataclass
class MoodleQuestion:
    """One ``<question>`` element and its embedded files, handed to the question type that claims it."""

    node: Node
    files: dict[str, EmbeddedFile]

    @property
    def line(self) -> int:
        return self.node.line

    def text_of(self, path: str, default: str = "") -> str:
        return self.node.text_of(path, default)

    def html(self, element: Node | None, default_format: str = HTML) -> str:
        return text_html(element, self.files, default_format)

    def flag(self, path: str, default: bool) -> bool:
        value = self.text_of(path).strip().lower()
        if not value:
            return default
        return value in ("1", "true", "yes")

    @staticmethod
    def fraction(answer: Node) -> float:
        raw = answer.attrs.get("fraction", "0")
        try:
            return float(raw) / 100
        except ValueError:
            return float("nan")

    def parsed(self, qtype: str) -> ParsedQuestion:
        """The question with what every type has: name, text, general feedback, marks."""
        node = self.node
        mark = node.text_of("defaultgrade", "1").strip()
        try:
            default_mark = float(mark) if mark else 1.0
        except ValueError:
            default_mark = 1.0
        tags = node.find("tags")
        return ParsedQuestion(
            qtype=qtype, name=" ".join(node.text_of("name/text").split()),
            text=self.html(node.find("questiontext")), line=node.line,
            general_feedback=self.html(node.find("generalfeedback")), default_mark=max(default_mark, 0.0),
            idnumber=node.text_of("idnumber").strip(),
            tags=[tag.text_of("text").strip() for tag in (tags.findall("tag") if tags is not None else [])
                  if tag.text_of("text").strip()])

    def answers(self, *, text_format: str = HTML, plain: bool = False) -> list[ParsedAnswer]:
        """The ``<answer>`` elements: text (HTML, or plain text), weight, feedback, line."""
        answers = []
        for answer in self.node.findall("answer"):
            text = " ".join(answer.text_of("text").split()) if plain else self.html(answer, text_format)
            answers.append(ParsedAnswer(text=text, fraction=self.fraction(answer),
                                        feedback=self.html(answer.find("feedback")), line=answer.line))
        return answers


# --- writing ---------------------------------------------------------------------------

class XmlTexts:
    """Writes a question's elements as Moodle does: a text element carries its format, and
    an image shown in it goes along as a base64 ``<file>``, its address ``@@PLUGINFILE@@/name``.

    ``stored_file(sha256)`` gives an embedded image's (name, bytes), or None."""

    def __init__(self, stored_file: Callable[[str], tuple[str, bytes] | None]):
        self.stored_file = stored_file

    def text(self, parent: ET.Element, tag: str, html: str, fmt: str = "html") -> ET.Element:
        element = ET.SubElement(parent, tag, {"format": fmt})
        self._fill(element, html)
        return element

    def value(self, parent: ET.Element, tag: str, value) -> ET.Element:
        element = ET.SubElement(parent, tag)
        element.text = "" if value is None else str(value)
        return element

    def answer(self, parent: ET.Element, fraction: float, html: str, feedback: str, fmt: str = "html") -> ET.Element:
        """``<answer fraction="…" format="…"><text>…</text><feedback>…</feedback></answer>``."""
        element = ET.SubElement(parent, "answer", {"fraction": percent(fraction), "format": fmt})
        self._fill(element, html)
        self.text(element, "feedback", feedback)
        return element

    def _fill(self, element: ET.Element, html: str) -> None:
        embedded: dict[str, bytes] = {}

        def replace(match):
            found = self.stored_file(match.group(1))
            if found is None:
                return match.group(0)
            name, data = found
            embedded[name] = data
            return PLUGINFILE + quote(name)

        ET.SubElement(element, "text").text = _STORED_FILE_RE.sub(replace, html or "")
        for name, data in embedded.items():
            file = ET.SubElement(element, "file", {"name": name, "path": "/", "encoding": "base64"})
            file.text = base64.b64encode(data).decode("ascii")
