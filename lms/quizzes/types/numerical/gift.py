"""Numerical in GIFT: ``{#1822}``, ``{#1822:2}`` (a tolerance), ``{#3.141..3.142}`` (a range),
alternatives ``{#=1822:0 =%50%1822:2}`` with partial credit, and ``~#feedback`` for any
other answer."""

from __future__ import annotations

import re
from collections.abc import Callable

from lms.core.i18n import _
from lms.quizzes.gift_syntax import AnswerBlock, escape, feedback_of, weight_of
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion
from lms.quizzes.types.base import GiftMapping

_FLOAT_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _float(text: str) -> float | None:
    text = text.strip()
    return float(text) if _FLOAT_RE.match(text) else None


def number_spec(text: str) -> tuple[float, float] | None:
    """``1822`` → (1822, 1822); ``1822:2`` → (1820, 1824); ``3.141..3.142`` → (3.141, 3.142)."""
    if ".." in text:
        low_text, _dots, high_text = text.partition("..")
        low, high = _float(low_text), _float(high_text)
        return (low, high) if low is not None and high is not None else None
    value_text, colon, tolerance_text = text.partition(":")
    value = _float(value_text)
    if value is None:
        return None
    tolerance = _float(tolerance_text) if colon else 0.0
    if tolerance is None or tolerance < 0:
        return None
    return value - tolerance, value + tolerance


def claims(body: str) -> bool:
    return body.startswith("#")


def read(question: ParsedQuestion, answers: AnswerBlock,
         spec: Callable[[str], tuple[float, float] | None] = number_spec) -> bool:
    """Read the accepted numbers; ``spec`` reads one as written (its text, without weight or feedback)."""
    text = answers.text
    body = text[text.find("#") + 1:]
    body_offset = answers.offset + text.find("#") + 1
    wrong_feedback = None
    tilde = body.find("~")
    if tilde != -1:
        # ``~#feedback`` after the numbers: the feedback for any other answer.
        rest = body[tilde + 1:]
        if rest.strip() and not rest.strip().startswith("#"):
            answers.error(answers.line_at(body_offset + tilde), _(
                "In a numerical question '~' may only introduce feedback for any other answer: ~#feedback."))
            return False
        wrong_feedback = rest.strip()[1:] if rest.strip() else ""
        body = body[:tilde]
    if "=" in body:
        head, pieces = answers.segments("=", body, body_offset)
        if not answers.check_head(head, body_offset):
            return False
    else:
        pieces = [("=", body_offset, body)]
    ok = True
    for _marker, start, piece in pieces:
        line = answers.line_at(start)
        fraction, piece, valid = answers.weight(piece, line)
        ok = ok and valid
        number_source, feedback = answers.split_feedback(piece)
        written = answers.restore(number_source).strip()
        parsed = spec(written)
        if parsed is None:
            answers.error(line, _("'{value}' is not a number: write 1822, 1822:2 (with a tolerance) or "
                                  "1820..1824 (a range).").format(value=written))
            ok = False
            continue
        low, high = parsed
        question.answers.append(ParsedAnswer(low=low, high=high, source=written, line=line, feedback=feedback,
                                             fraction=1.0 if fraction is None else fraction))
    if wrong_feedback is not None:
        question.answers.append(ParsedAnswer(low=None, high=None, source="*", fraction=0.0,
                                             feedback=answers.html(wrong_feedback),
                                             line=answers.line_at(body_offset + tilde)))
    return ok


def write(definition: dict, language: str, unit: str = "") -> str:
    """``#`` then each accepted number as written (``=%50%1822:2#…``), then ``~#feedback`` for any other."""
    lines = []
    for answer in definition["answers"]:
        if answer["low"] is None:
            lines.append(f"\n\t~{feedback_of(answer['feedback'], language) or '#'}")
        else:
            written = answer.get("source") or _written(answer["low"], answer["high"])
            lines.append(f"\n\t={weight_of(answer['fraction'])}{written}{' ' + escape(unit) if unit else ''}"
                         f"{feedback_of(answer['feedback'], language)}")
    return "#" + "".join(lines) + "\n"


def _written(low: float, high: float) -> str:
    return f"{low!r}" if low == high else f"{low!r}..{high!r}"


GIFT = GiftMapping(priority=20, claims=claims, read=read, write=write)
