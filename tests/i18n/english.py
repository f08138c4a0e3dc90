"""Find interface English left on a page rendered in another language.

The English to look for is the catalogue's own: every msgid (and plural) cut at its
placeholders into fragments of two words or more, except those the language translates by
the same words (a name, an abbreviation). The page's visible text is searched — text nodes,
the page title, and the attributes people read or hear (``title``, ``aria-label``,
``placeholder``, ``alt``, a button's ``value``) — leaving out whatever is marked as course
content (``data-content``, ``data-content-title``), which may lack a translation and says so.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html.parser import HTMLParser

from lms.core.catalogues import po_path, read_catalogue

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]+\)[a-z]|%[sd]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Fragments that are the same in English and in the languages (names, codes).
NOT_ENGLISH = {"HELP courses", "Open Badges"}


def _fragments(text: str) -> list[str]:
    result = []
    for piece in PLACEHOLDER.split(text):
        piece = " ".join(piece.split()).strip(" .,:;!?()“”\"'–—-…·/")
        if len(WORD.findall(piece)) >= 2 and piece not in NOT_ENGLISH:
            result.append(piece)
    return result


@lru_cache(maxsize=16)
def english_fragments(code: str) -> tuple[str, ...]:
    """Fragments of the interface's English that ``code``'s catalogue says differently."""
    found = set()
    for message in read_catalogue(po_path(code), code):
        if not message.id:
            continue
        ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
        forms = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
        translated = " ".join(form or "" for form in forms)
        for msgid in ids:
            for fragment in _fragments(msgid):
                if fragment not in translated:
                    found.add(fragment)
    return tuple(sorted(found, key=len, reverse=True))


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)

    @property
    def skipping(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = tag in ("script", "style") or "data-content" in attributes
        if not hidden and not self.skipping:
            for name in READ_ATTRIBUTES:
                if name == "title" and "data-content-title" in attributes:
                    continue
                if attributes.get(name):
                    self.parts.append(attributes[name])
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.parts.append(attributes["value"])
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def english_left(text: str, code: str, content: tuple[str, ...] = ()) -> list[str]:
    """The interface fragments still in English in ``text`` (already visible text).

    ``content``: the course texts of the world (titles, rubric levels…), taken out first where
    markup cannot mark them — inside a sentence of the interface, in a page's <title>.
    """
    for piece in content:
        text = text.replace(piece, " ⟨content⟩ ")
    return [fragment for fragment in english_fragments(code) if fragment in text]


def english_on_page(html: str, code: str, content: tuple[str, ...] = ()) -> list[str]:
    return english_left(visible_text(html), code, content)


def english_in_json(body, code: str, content: tuple[str, ...] = ()) -> list[str]:
    return english_left(" ".join(json.dumps(body, ensure_ascii=False).split()), code, content)


def course_texts(session) -> tuple[str, ...]:
    """Every text the imported course content holds in its locale maps, longest first."""
    from sqlalchemy import select

    from lms.courses.models import Course, Lesson, Module
    from lms.glossary.models import GlossaryTerm
    from lms.tutors.models import Assignment

    texts = set()

    def collect(value):
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str) and len(value) > 3:
            texts.add(" ".join(value.split()))

    for column in (Course.title, Course.summary, Module.title, Module.summary, Lesson.title, Assignment.title,
                   Assignment.rubric, GlossaryTerm.term, GlossaryTerm.definition):
        for value in session.scalars(select(column)):
            collect(value)
    return tuple(sorted(texts, key=len, reverse=True))
