"""Short answer: typed text, graded by the best accepted answer it matches
(``{=dynamic security =%50%dynamic*}``).

One matching policy in every language (docs/quizzes.md): spaces collapsed; punctuation
around the answer ignored; letter case ignored unless the question says otherwise;
diacritics ignored (č, ć → c; ë → e; đ → d); the script ignored (Cyrillic and Latin are the
same letters: ``пробација`` = ``probacija``); ``*`` matches any text, ``\\*`` is a literal
asterisk, and a translation must use the same wildcards as the original answer.
"""

from __future__ import annotations

import re

from lms.core.i18n import _, _l, localized
from lms.core.transliteration import to_plain_latin
from lms.quizzes.parsed import SourceProblem
from lms.quizzes.types.base import (
    MAX_TEXT_ANSWER,
    Grade,
    QuestionType,
    clamp,
    localize,
    normalise,
    text_response,
)
from lms.quizzes.types.short_answer import gift, moodle_xml, schema

NAME = "short_answer"


# Punctuation around an answer ("Dynamic security." or «sigurnost») is not part of it.
_AROUND = re.compile(r"^[\W_]+|[\W_]+$")
_DJ = re.compile(r"([dD])[jJ]")


def _compared(text: str, case_sensitive: bool) -> str:
    """The text as the policy compares it: plain Latin letters, case folded unless it counts."""
    plain = _DJ.sub(r"\1", to_plain_latin(normalise(text)))  # đ typed as dj is d, as đ is
    return plain if case_sensitive else plain.casefold()


def _trimmed_pattern(pattern: str) -> str:
    """The key without punctuation around it, its wildcards (and escaped asterisks) kept."""
    start, end = 0, len(pattern)
    while start < end and not pattern[start].isalnum() and pattern[start] not in "*\\":
        start += 1
    while end > start and not pattern[end - 1].isalnum() and pattern[end - 1] != "*":
        end -= 1
    return pattern[start:end]


def wildcards_of(pattern: str) -> tuple[bool, int, bool]:
    """Where an answer has wildcards: (at its start, inside it, at its end)."""
    bare = normalise(pattern).replace("\\*", "")
    if not bare:
        return (False, 0, False)
    inner = bare[1:-1].count("*") if len(bare) > 1 else 0
    return (bare.startswith("*"), inner, len(bare) > 1 and bare.endswith("*"))


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
    """Whether ``response`` matches the accepted answer ``pattern`` under the one policy."""
    pattern = _compared(_trimmed_pattern(normalise(pattern)), case_sensitive)
    response = _compared(_AROUND.sub("", normalise(response)), case_sensitive)
    if not response:
        return False
    return wildcard_regex(pattern).fullmatch(response) is not None


class ShortAnswer(QuestionType):
    name = NAME
    label = _l("Short answer")
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API

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

    def signature(self, q):
        """A translation keeps the weights and each answer's wildcards: no language's key
        accepts more than the original's (``*sigurnost*`` for ``dynamic security``)."""
        return (*super().signature(q), tuple(wildcards_of(a.text) for a in q.answers))

    def describe(self, q):
        kinds = ", ".join(f"{a.text.strip()!r} {'with' if any(wildcards_of(a.text)) else 'without'} wildcards"
                          for a in q.answers)
        return f"{super().describe(q)}: {kinds}"

    def build(self, variants, default):
        base = variants[default]
        return {
            "answers": [{
                "text": localize(variants, lambda q, i=i: q.answers[i].text.strip()),
                "fraction": round(answer.fraction, 7),
                "feedback": localize(variants, lambda q, i=i: q.answers[i].feedback),
            } for i, answer in enumerate(base.answers)],
            "case_sensitive": bool(base.options.get("case_sensitive", False)),
        }

    def clean(self, definition, raw):
        return text_response(raw, MAX_TEXT_ANSWER) if raw is not None else None

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
