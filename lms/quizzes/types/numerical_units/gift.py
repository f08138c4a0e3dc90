"""Numerical with units in GIFT: a numerical answer followed by its unit, ``{#3.5:0.1 m}``,
``{#3.4..3.6 m}``, ``{#=3.5:0.1 m =%50%3.5:0.5 m ~#Measure again.}``: Moodle's GIFT has no
units, so this is an extension. Every answer is in the same unit (an answer may leave it
out); the trainee may give that unit or none."""

from __future__ import annotations

import re

from lms.core.i18n import _
from lms.quizzes.gift_syntax import WEIGHT_RE, AnswerBlock
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import GiftMapping
from lms.quizzes.types.numerical import gift as numerical_gift

# A number as GIFT writes it (1822, 1822:2, 3.141..3.142), then a unit.
_SPEC_THEN_UNIT = re.compile(r"^(?P<spec>.*?[\d.])\s*(?P<unit>[^\d\s.:+\-][^\s]*)$")


def split_unit(written: str) -> tuple[str, str]:
    """``3.5:0.1 m`` → ("3.5:0.1", "m"); a number alone → (it, "")."""
    written = written.strip()
    if numerical_gift.number_spec(written) is not None:
        return written, ""
    match = _SPEC_THEN_UNIT.match(written)
    if match and numerical_gift.number_spec(match["spec"]) is not None:
        return match["spec"], match["unit"]
    return written, ""


def claims(body: str) -> bool:
    """Numerical answers, one of them with a unit."""
    if not numerical_gift.claims(body):
        return False
    numbers = body[1:].split("~", 1)[0]
    for piece in numbers.split("="):
        piece = WEIGHT_RE.sub("", piece, count=1).split("#", 1)[0]
        if split_unit(piece)[1]:
            return True
    return False


def read(question: ParsedQuestion, answers: AnswerBlock) -> bool:
    units: list[str] = []

    def number_with_unit(written: str):
        spec, unit = split_unit(written)
        if unit and unit not in units:
            units.append(unit)
        return numerical_gift.number_spec(spec)

    ok = numerical_gift.read(question, answers, spec=number_with_unit)
    if len(units) > 1:
        answers.error(question.line, _("The answers of a question with units must all be in the same unit, "
                                       "not {units}.").format(units=", ".join(units)))
        return False
    for answer in question.answers:
        answer.source = split_unit(answer.source)[0]
    question.options["units"] = [{"name": unit, "multiplier": 1.0} for unit in units]
    return ok


def write(definition: dict, language: str) -> str:
    """Each accepted number followed by the answers' unit (GIFT has room for one unit only)."""
    return numerical_gift.write(definition, language, unit=definition["units"][0]["name"])


# Asked before numerical, which claims every answer that starts with '#'.
GIFT = GiftMapping(priority=15, claims=claims, read=read, write=write)
