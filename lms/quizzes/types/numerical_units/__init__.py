"""Numerical with units: a number, optionally followed by one of the accepted units; graded
as a numerical answer once converted to the unit the answers are written in
(``{#3.5:0.1 m}``, ``{#3.4..3.6 m}``; Moodle's numerical question with ``<units>``).

Units are Moodle's: the first is the unit of the answers (multiplier 1); another unit
counts ``multiplier`` of it for one of the first (``cm`` with 100 for ``m``), so a
response ``350 cm`` is 3.5 m. A number without a unit is read in the first unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lms.core.i18n import _, _l
from lms.quizzes.parsed import SourceProblem
from lms.quizzes.types.base import Grade
from lms.quizzes.types.numerical import Numerical, describe_range, parse_number
from lms.quizzes.types.numerical_units import gift, moodle_xml, schema

NAME = "numerical_units"
# A number, then a unit: anything from the first character that cannot belong to a number.
_NUMBER_THEN_UNIT = re.compile(r"^(?P<number>.*?[\d.,])\s*(?P<unit>[^\d\s.,:+\-\u2212]\S*)$")


@dataclass(frozen=True)
class Reading:
    """What a trainee typed: the value in the answers' unit, and the unit they gave, if any."""

    value: float | None
    unit: str | None = None
    unit_accepted: bool = True


def read_response(text: str, units: list[dict]) -> Reading:
    text = (text or "").strip()
    number = parse_number(text)
    if number is not None:
        return Reading(number)
    for unit in sorted(units, key=lambda unit: len(unit["name"]), reverse=True):
        if text.endswith(unit["name"]):
            number = parse_number(text[: -len(unit["name"])])
            if number is not None:
                return Reading(number / unit["multiplier"], unit["name"])
    match = _NUMBER_THEN_UNIT.match(text)
    if match and parse_number(match["number"]) is not None:
        return Reading(None, match["unit"], unit_accepted=False)
    return Reading(None)


def unit_names(definition: dict) -> str:
    return ", ".join(unit["name"] for unit in definition["units"])


class NumericalWithUnits(Numerical):
    name = NAME
    label = _l("Numerical with units")
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API

    def validate(self, q):
        problems = super().validate(q)
        units = q.options.get("units") or []
        names = [unit["name"] for unit in units]
        for unit in units:
            multiplier = unit["multiplier"]
            if not unit["name"] or not isinstance(multiplier, float) or not math.isfinite(multiplier) \
                    or multiplier <= 0 or names.count(unit["name"]) > 1:
                problems.append(SourceProblem(q.line, _(
                    "A unit needs a name of its own and a multiplier above zero: '{unit}'.").format(
                        unit=unit["name"])))
        return problems

    def signature(self, q):
        return (*super().signature(q), tuple((u["name"], u["multiplier"]) for u in q.options.get("units") or []))

    def build(self, variants, default):
        definition = super().build(variants, default)
        definition["units"] = [{"name": unit["name"], "multiplier": unit["multiplier"]}
                               for unit in variants[default].options["units"]]
        return definition

    def public(self, definition, language, order):
        return {"units": [unit["name"] for unit in definition["units"]]}

    def value_of(self, definition, response):
        return read_response(response["text"], definition["units"]).value

    def grade(self, definition, response, language):
        if response:
            reading = read_response(response["text"], definition["units"])
            if not reading.unit_accepted:
                return Grade(0.0, [_("'{unit}' is not one of the accepted units ({units}).").format(
                    unit=reading.unit, units=unit_names(definition))])
        return super().grade(definition, response, language)

    def review(self, definition, language, response, order):
        review = super().review(definition, language, response, order)
        base = definition["units"][0]["name"]
        review["accepted"] = [{"text": f"{describe_range(a)} {base}", "fraction": a["fraction"]}
                              for a in definition["answers"] if a["low"] is not None and a["fraction"] > 0]
        review["units"] = [unit["name"] for unit in definition["units"]]
        return review
