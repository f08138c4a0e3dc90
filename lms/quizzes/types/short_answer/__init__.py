"""Short answer: typed text, graded by the best accepted answer it matches, case-insensitively
unless the question says otherwise; ``*`` matches any text, ``\\*`` is a literal asterisk
(``{=dynamic security =%50%dynamic*}``)."""

from __future__ import annotations

import re

from lms.core.i18n import _, _l, localized
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
