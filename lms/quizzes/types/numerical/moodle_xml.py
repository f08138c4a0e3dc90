"""Numerical in Moodle XML: ``<question type="numerical">``, each answer a number with its
``<tolerance>``, ``*`` for any other answer."""

from __future__ import annotations

from lms.core.i18n import _
from lms.quizzes.moodle_xml_elements import MoodleQuestion
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


MOODLE_XML = MoodleXmlMapping("numerical", read=read)
