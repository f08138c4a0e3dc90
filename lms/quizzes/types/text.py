"""Answers typed as text: short answers (with wildcards) and numbers (with tolerances and ranges)."""

from __future__ import annotations

import math
import re
import unicodedata

from lms.core.i18n import _, _l, localized
from lms.quizzes.parsed import SourceProblem
from lms.quizzes.types.base import (
    _EPSILON,
    MAX_TEXT_ANSWER,
    NUMERICAL,
    SHORT_ANSWER,
    Grade,
    QuestionType,
    _localize,
    _number,
    _text,
    clamp,
)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def wildcard_regex(pattern: str) -> re.Pattern:
    """``*`` matches anything; ``\\*`` is a literal asterisk; everything else is literal."""
    pieces, i = [], 0
    while i < len(pattern):
        if pattern.startswith("\\*", i):
            pieces.append(re.escape("*"))
            i += 2
        elif pattern[i] == "*":
            pieces.append(".*")
            i += 1
        else:
            pieces.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(pieces), re.DOTALL)


def short_answer_matches(pattern: str, response: str, case_sensitive: bool = False) -> bool:
    pattern, response = normalise(pattern), normalise(response)
    if not case_sensitive:
        pattern, response = pattern.casefold(), response.casefold()
    return wildcard_regex(pattern).fullmatch(response) is not None


class ShortAnswer(QuestionType):
    name = SHORT_ANSWER
    label = _l("Short answer")

    def validate(self, q):
        problems = super().validate(q)
        if not q.answers:
            problems.append(SourceProblem(q.line, _("A short-answer question needs at least one accepted answer.")))
        for answer in q.answers:
            if not answer.text.strip():
                problems.append(SourceProblem(answer.line or q.line, _("An accepted answer is empty.")))
            if answer.fraction < 0:
                problems.append(SourceProblem(answer.line or q.line, _(
                    "A short answer cannot have a negative weight.")))
        if q.answers and max(a.fraction for a in q.answers) < 1.0 - 1e-6:
            problems.append(SourceProblem(q.line, _("No accepted answer is worth 100%.")))
        return problems

    def build(self, variants, default):
        base = variants[default]
        return {
            "answers": [{
                "text": _localize(variants, lambda q, i=i: q.answers[i].text.strip()),
                "fraction": round(answer.fraction, 7),
                "feedback": _localize(variants, lambda q, i=i: q.answers[i].feedback),
            } for i, answer in enumerate(base.answers)],
            "case_sensitive": bool(base.options.get("case_sensitive", False)),
        }

    def clean(self, definition, raw):
        return _text(raw, MAX_TEXT_ANSWER) if raw is not None else None

    def _best(self, definition, response, language):
        if not response:
            return None
        best = None
        case_sensitive = definition.get("case_sensitive", False)
        for answer in definition["answers"]:
            better = best is None or answer["fraction"] > best["fraction"]
            if better and short_answer_matches(localized(answer["text"], language), response["text"], case_sensitive):
                best = answer
        return best

    def grade(self, definition, response, language):
        best = self._best(definition, response, language)
        if best is None:
            return Grade(0.0)
        feedback = localized(best["feedback"], language)
        return Grade(clamp(best["fraction"]), [feedback] if feedback else [])

    def review(self, definition, language, response, order):
        best = self._best(definition, response, language)
        return {"accepted": [{"text": localized(a["text"], language), "fraction": a["fraction"]}
                             for a in definition["answers"] if a["fraction"] > 0],
                "response": response["text"] if response else "",
                "feedback": localized(best["feedback"], language) if best else ""}


# --- numerical -------------------------------------------------------------------------

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
    slack = _EPSILON * max(1.0, abs(low), abs(high))
    return low - slack <= value <= high + slack


class Numerical(QuestionType):
    name = NUMERICAL
    label = _l("Numerical")

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

    def build(self, variants, default):
        return {"answers": [{
            "low": answer.low, "high": answer.high, "source": answer.source,
            "fraction": round(answer.fraction, 7),
            "feedback": _localize(variants, lambda q, i=i: q.answers[i].feedback),
        } for i, answer in enumerate(variants[default].answers)]}

    def clean(self, definition, raw):
        return _text(raw, 100) if raw is not None else None

    def _best(self, definition, response):
        if not response:
            return None
        value = parse_number(response["text"])
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
        if response and parse_number(response["text"]) is None:
            return Grade(0.0, [_("This is not a number.")])
        best = self._best(definition, response)
        if best is None:
            return Grade(0.0)
        feedback = localized(best["feedback"], language)
        return Grade(clamp(best["fraction"]), [feedback] if feedback else [])

    def review(self, definition, language, response, order):
        best = self._best(definition, response)
        return {"accepted": [{"text": describe_range(a), "fraction": a["fraction"]}
                             for a in definition["answers"] if a["low"] is not None and a["fraction"] > 0],
                "response": response["text"] if response else "",
                "feedback": localized(best["feedback"], language) if best else ""}


def describe_range(answer: dict) -> str:
    low, high = answer["low"], answer["high"]
    if low == high:
        return _number(low)
    middle = (low + high) / 2
    if ":" in answer.get("source", ""):
        return f"{_number(middle)} ± {_number(round((high - low) / 2, 12))}"
    return f"{_number(low)} – {_number(high)}"
