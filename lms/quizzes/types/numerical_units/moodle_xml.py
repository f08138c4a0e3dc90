"""Numerical with units in Moodle XML: ``<question type="numerical">`` whose ``<units>`` name
at least one unit, each with its ``<multiplier>``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lms.quizzes.moodle_xml_elements import MoodleQuestion, XmlTexts
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping
from lms.quizzes.types.numerical.moodle_xml import read_numbers, write_numbers


def _units(element: MoodleQuestion) -> list[dict]:
    units = element.node.find("units")
    found = []
    for unit in units.findall("unit") if units is not None else []:
        name = unit.text_of("unit_name").strip()
        try:
            multiplier = float(unit.text_of("multiplier", "1").strip() or "1")
        except ValueError:
            multiplier = float("nan")
        if name:
            found.append({"name": name, "multiplier": multiplier})
    return found


def claims(element: MoodleQuestion) -> bool:
    return bool(_units(element))


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = read_numbers(element)
    # Moodle lists the base unit (multiplier 1) first; keep it first whatever the file's order.
    question.options["units"] = sorted(_units(element), key=lambda unit: unit["multiplier"] != 1.0)
    return question


def write(definition: dict, language: str, element: ET.Element, texts: XmlTexts) -> None:
    write_numbers(definition, language, element, texts)
    units = ET.SubElement(element, "units")
    for unit in definition["units"]:
        written = ET.SubElement(units, "unit")
        texts.value(written, "multiplier", repr(unit["multiplier"]))
        texts.value(written, "unit_name", unit["name"])
    texts.value(element, "unitgradingtype", 0)
    texts.value(element, "unitpenalty", "0.1000000")
    texts.value(element, "showunits", 3)
    texts.value(element, "unitsleft", 0)


# Asked before numerical, which reads the same element as a plain number.
MOODLE_XML = MoodleXmlMapping("numerical", read=read, claims=claims, priority=90, write=write)
