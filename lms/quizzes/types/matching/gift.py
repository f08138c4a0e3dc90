"""Matching in GIFT: pairs ``=item -> answer``, a distractor ``= -> answer``; no weights, no
feedback per pair (``####`` gives general feedback)."""

from __future__ import annotations

from lms.core.i18n import _, localized
from lms.quizzes.gift_syntax import BAD_WEIGHT_RE, WEIGHT_RE, AnswerBlock, escape
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion
from lms.quizzes.types.base import GiftMapping


def claims(body: str) -> bool:
    return "=" in body and "->" in body


def read(question: ParsedQuestion, answers: AnswerBlock) -> bool:
    head, pieces = answers.segments("=")
    ok = answers.check_head(head)
    for _marker, start, body in pieces:
        line = answers.line_at(start)
        if WEIGHT_RE.match(body) or BAD_WEIGHT_RE.match(body):
            answers.error(line, _("Matching pairs have no weights: each right pair earns an equal share."))
            ok = False
            continue
        if "->" not in body:
            answers.error(line, _("A matching pair is written '=item -> answer'; this one has no '->'."))
            ok = False
            continue
        stem, _arrow, match = body.partition("->")
        if "#" in match:
            answers.error(answers.line_at(start + 1 + body.find("#")), _(
                "Matching pairs have no feedback of their own: give general feedback with '####', "
                "or write \\# for a literal '#'."))
            ok = False
            continue
        question.answers.append(ParsedAnswer(text=answers.html(stem), match=" ".join(answers.restore(match).split()),
                                             fraction=0.0, line=line))
    return ok


def write(definition: dict, language: str) -> str:
    """Each item with its answer, then the answers no item has (distractors)."""
    lines = [f"\n\t={escape(localized(stem['text'], language))} -> "
             f"{escape(localized(definition['choices'][stem['choice']], language))}" for stem in definition["stems"]]
    used = {stem["choice"] for stem in definition["stems"]}
    lines += [f"\n\t= -> {escape(localized(choice, language))}"
              for key, choice in enumerate(definition["choices"]) if key not in used]
    return "".join(lines) + "\n"


GIFT = GiftMapping(priority=40, claims=claims, read=read, write=write)
