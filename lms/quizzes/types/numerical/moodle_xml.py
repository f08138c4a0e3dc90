"""Numerical in Moodle XML: ``<question type="numerical">``, each answer a number with its
``<tolerance>``, ``*`` for any other answer."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lms.core.i18n import _, localized
from lms.quizzes.moodle_xml_elements import MoodleQuestion, XmlTexts
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = read_numbers(element)
    units = element.node.find("units")
    if units is not None and units.children:
        question.notes.append(_("Units are not supported: the answer is graded as a plain number."))
    return question


def read_numbers(element: MoodleQuestion) -> ParsedQuestion:
    """The question and its accepted numbers, each with its tolerance."""
    question = element.parsed("")
    for answer in element.node.findall("answer"):
        source = answer.text_of("text").strip()
        tolerance_text = answer.text_of("tolerance", "0").strip() or "0"
        parsed = ParsedAnswer(fraction=element.fraction(answer), feedback=element.html(answer.find("feedback")),
                              line=answer.line, source=source)
        if source != "*":
            try:
                value, tolerance = float(source), abs(float(tolerance_text))
            except ValueError:
                question.notes.append(_("The answer '{value}' is not a number and was left out.").format(value=source))
                continue
            parsed.low, parsed.high = value - tolerance, value + tolerance
            if tolerance:
                parsed.source = f"{source}:{tolerance_text}"
        question.answers.append(parsed)
    return question


def value_and_tolerance(answer: dict) -> tuple[str, str]:
    """An accepted number as Moodle keeps it: a value and a tolerance (a range becomes its middle ± half)."""
    source = answer.get("source") or ""
    if answer["low"] is None:
        return "*", "0"
    value, colon, tolerance = source.partition(":")
    if ".." not in source and _is_number(value) and (not colon or _is_number(tolerance)):
        return value.strip(), (tolerance.strip() if colon else "0")
    middle = (answer["low"] + answer["high"]) / 2
    return f"{round(middle, 12)!r}", f"{round((answer['high'] - answer['low']) / 2, 12)!r}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_numbers(definition: dict, language: str, element: ET.Element, texts: XmlTexts) -> None:
    for answer in definition["answers"]:
        value, tolerance = value_and_tolerance(answer)
        written = texts.answer(element, answer["fraction"], value, localized(answer["feedback"], language),
                               fmt="moodle_auto_format")
        # Moodle wants the tolerance before the feedback.
        feedback = written.find("feedback")
        written.remove(feedback)
        texts.value(written, "tolerance", tolerance)
        written.append(feedback)


MOODLE_XML = MoodleXmlMapping("numerical", read=read, write=write_numbers)
