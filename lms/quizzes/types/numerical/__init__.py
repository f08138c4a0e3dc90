"""Numerical: a number (a decimal comma is fine), graded by the best accepted number or range
it falls within (``{#1822}``, ``{#1822:2}``, ``{#3.141..3.142}``, ``{#=1822:0 =%50%1822:2 ~#far off}``)."""

from __future__ import annotations

import math
import re

from lms.core.i18n import _, _l, localized
from lms.quizzes.parsed import SourceProblem
from lms.quizzes.types.base import (
    EPSILON,
    Grade,
    QuestionType,
    clamp,
    localize,
    number_text,
    text_response,
)
from lms.quizzes.types.numerical import gift, moodle_xml, schema

NAME = "numerical"
MAX_NUMBER_ANSWER = 100

_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """A number as a trainee types it: ``1822``, ``3.14``, ``3,14`` (decimal comma), ``1 822``."""
    value = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if "," in value:
        if "." in value or value.count(",") > 1:
            value = value.replace(",", "")  # thousands separators: 1,822.5
        else:
            value = value.replace(",", ".")
    if not _NUMBER_RE.match(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def within(value: float, low: float, high: float) -> bool:
    slack = EPSILON * max(1.0, abs(low), abs(high))
    return low - slack <= value <= high + slack


def describe_range(answer: dict) -> str:
    low, high = answer["low"], answer["high"]
    if low == high:
        return number_text(low)
    middle = (low + high) / 2
    if ":" in answer.get("source", ""):
        return f"{number_text(middle)} ± {number_text(round((high - low) / 2, 12))}"
    return f"{number_text(low)} – {number_text(high)}"


class Numerical(QuestionType):
    name = NAME
    label = _l("Numerical")
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API

    def validate(self, q):
        problems = super().validate(q)
        ranged = [a for a in q.answers if a.low is not None]
        if not ranged:
            problems.append(SourceProblem(q.line, _("A numerical question needs at least one accepted number.")))
        for answer in ranged:
            if answer.high < answer.low:
                problems.append(SourceProblem(answer.line or q.line, _(
                    "The range {source} runs backwards: write the smaller number first.").format(
                        source=answer.source)))
        if ranged and max(a.fraction for a in ranged) < 1.0 - 1e-6:
            problems.append(SourceProblem(q.line, _("No accepted number is worth 100%.")))
        if any(a.fraction < 0 for a in q.answers):
            problems.append(SourceProblem(q.line, _("A numerical answer cannot have a negative weight.")))
        return problems

    def signature(self, q):
        return (q.qtype, tuple((a.low, a.high, round(a.fraction, 5)) for a in q.answers))

    def content_rules(self, q):
        # The feedback for any other answer (``~#…``) is optional.
        missing = [a for a in q.answers if not a.feedback and a.low is not None]
        if missing:
            return ["every answer needs feedback after '#' (the answer"
                    f"{'s' if len(missing) > 1 else ''} on line {', '.join(str(a.line) for a in missing)})"]
        return []

    def build(self, variants, default):
        return {"answers": [{
            "low": answer.low, "high": answer.high, "source": answer.source,
            "fraction": round(answer.fraction, 7),
            "feedback": localize(variants, lambda q, i=i: q.answers[i].feedback),
        } for i, answer in enumerate(variants[default].answers)]}

    def clean(self, definition, raw):
        return text_response(raw, MAX_NUMBER_ANSWER) if raw is not None else None

    def value_of(self, definition, response) -> float | None:
        """The number a response stands for (None: not a number)."""
        return parse_number(response["text"])

    def _best(self, definition, value: float | None):
        if value is None:
            return None
        best = None
        for answer in definition["answers"]:
            matched = answer["low"] is None or within(value, answer["low"], answer["high"])
            if matched and (best is None or answer["fraction"] > best["fraction"]
                            or (best["low"] is None and answer["low"] is not None
                                and answer["fraction"] == best["fraction"])):
                best = answer
        return best

    def grade(self, definition, response, language):
        if not response:
            return Grade(0.0)
        value = self.value_of(definition, response)
        if value is None:
            return Grade(0.0, [_("This is not a number.")])
        best = self._best(definition, value)
        if best is None:
            return Grade(0.0)
        feedback = localized(best["feedback"], language)
        return Grade(clamp(best["fraction"]), [feedback] if feedback else [])

    def review(self, definition, language, response, order):
        best = self._best(definition, self.value_of(definition, response)) if response else None
        return {"accepted": [{"text": describe_range(a), "fraction": a["fraction"]}
                             for a in definition["answers"] if a["low"] is not None and a["fraction"] > 0],
                "response": response["text"] if response else "",
                "feedback": localized(best["feedback"], language) if best else ""}
