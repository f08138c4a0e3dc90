"""GIFT's lexical rules, for the GIFT reader and the question types' GIFT mappings.

Escaped control characters become private-use characters while parsing, so that a plain
``str.find`` never mistakes them for syntax; ``restore`` puts them back. The answers
between a question's braces reach the question type that claims them as an
``AnswerBlock``, with the helpers every type needs: markers, weights, feedback, text
formats and errors at the right source line. Writing GIFT uses the same rules backwards:
``escape``, ``weight_of``, ``feedback_of``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lms.core.i18n import _, localized
from lms.quizzes.formats import split_marker, to_html
from lms.quizzes.parsed import ParseResult, percent

_ESCAPES = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004",
            "~": "\ue005", "\\": "\ue006", "n": "\ue007"}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_PRIVATE_RE = re.compile("[\ue000-\ue007]")
WEIGHT_RE = re.compile(r"\s*%\s*(-?\d+(?:[.,]\d+)?)\s*%")
BAD_WEIGHT_RE = re.compile(r"\s*%[^%\n]*%")


def protect(text: str) -> str:
    text = _PRIVATE_RE.sub("\ufffd", text)
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def restore(text: str) -> str:
    return _PRIVATE_RE.sub(lambda m: _RESTORE[m.group(0)], text)


class Block:
    """One question's lines, joined, with a way back from an offset to a source line."""

    def __init__(self, lines: list[tuple[int, str]]):
        self.first_line = lines[0][0]
        self.text = protect("\n".join(text for _number, text in lines))
        self._numbers = [number for number, _text in lines]

    def line_at(self, offset: int) -> int:
        # Offsets are into the protected text, which is shorter than the source only
        # within lines (escapes shrink), never across them: count newlines instead.
        index = self.text.count("\n", 0, max(0, offset))
        return self._numbers[min(index, len(self._numbers) - 1)]


@dataclass
class AnswerBlock:
    """The answers between a question's braces, general feedback taken out.

    ``text`` is protected (escapes are private characters) and starts at ``offset`` in
    the question's block; ``fmt`` is the question's text format, the default of its
    answers and feedback."""

    text: str
    offset: int
    fmt: str
    block: Block
    result: ParseResult

    @property
    def body(self) -> str:
        return self.text.strip()

    def line_at(self, offset: int) -> int:
        return self.block.line_at(offset)

    def error(self, line: int, message) -> None:
        self.result.error(line, message)

    def segments(self, markers: str, text: str | None = None, offset: int | None = None
                 ) -> tuple[str, list[tuple[str, int, str]]]:
        """Split at each marker: (text before the first marker, [(marker, offset, body)])."""
        text = self.text if text is None else text
        offset = self.offset if offset is None else offset
        positions = [i for i, char in enumerate(text) if char in markers]
        head = text[: positions[0]] if positions else text
        pieces = []
        for index, start in enumerate(positions):
            end = positions[index + 1] if index + 1 < len(positions) else len(text)
            pieces.append((text[start], offset + start, text[start + 1:end]))
        return head, pieces

    def check_head(self, head: str, offset: int | None = None) -> bool:
        """Nothing but spaces may come before the first answer."""
        offset = self.offset if offset is None else offset
        if head.strip():
            self.error(self.line_at(offset + len(head) - len(head.lstrip())), _(
                "'{text}' comes before the first answer: every answer starts with '=' or '~'.").format(
                    text=restore(head.strip())[:40]))
            return False
        return True

    def weight(self, body: str, line: int) -> tuple[float | None, str, bool]:
        """Read a leading ``%n%``: (fraction or None, rest of the body, whether it was valid)."""
        match = WEIGHT_RE.match(body)
        if match:
            percent = float(match.group(1).replace(",", "."))
            if not -100 <= percent <= 100:
                self.error(line, _("Weight out of range ({weight}%): weights run from -100% to 100%.")
                           .format(weight=match.group(1)))
                return None, body[match.end():], False
            return percent / 100, body[match.end():], True
        bad = BAD_WEIGHT_RE.match(body)
        if bad:
            self.error(line, _("'{weight}' is not a weight: write a percentage between two percent signs, "
                               "as in %50%, %-25%.").format(weight=restore(bad.group(0).strip())))
            return None, body[bad.end():], False
        return None, body, True

    def html(self, source: str) -> str:
        """A piece of text (an answer, a feedback) in its format, after an optional [marker]."""
        text, fmt = split_marker(source, self.fmt)
        return to_html(restore(text), fmt)

    def split_feedback(self, body: str) -> tuple[str, str]:
        """``answer # feedback`` → (the answer's source, the feedback's HTML, "" without one)."""
        answer, hash_mark, feedback = body.partition("#")
        return answer, self.html(feedback) if hash_mark else ""

    @staticmethod
    def restore(text: str) -> str:
        return restore(text)


# --- writing ---------------------------------------------------------------------------

_WRITE_ESCAPES = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:",
                  "\n": "\\n", "\r": ""}


def escape(text: str) -> str:
    """Text as GIFT writes it: control characters escaped, line breaks as ``\\n``, on one line."""
    return "".join(_WRITE_ESCAPES.get(char, char) for char in text or "")


def weight_of(fraction: float) -> str:
    """``%50%`` before an answer; nothing for 100%, the weight an ``=`` answer has without one."""
    return "" if abs(fraction - 1.0) < 1e-9 else f"%{percent(fraction)}%"


def feedback_of(feedback: dict, language: str) -> str:
    """``#feedback`` after an answer, or nothing."""
    text = localized(feedback or {}, language)
    return f"#{escape(text)}" if text else ""
