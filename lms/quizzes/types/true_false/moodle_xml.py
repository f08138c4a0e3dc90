"""True/false in Moodle XML: ``<question type="truefalse">``, the right answer at 100%."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lms.core.i18n import localized
from lms.quizzes.moodle_xml_elements import MoodleQuestion, XmlTexts
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    correct, feedback = True, {}
    for answer in element.node.findall("answer"):
        value = answer.text_of("text").strip().lower() == "true"
        feedback[value] = element.html(answer.find("feedback"))
        if element.fraction(answer) >= 0.999:
            correct = value
    question.options.update(correct=correct, feedback_true=feedback.get(True, ""),
                            feedback_false=feedback.get(False, ""))
    return question


def write(definition: dict, language: str, element: ET.Element, texts: XmlTexts) -> None:
    for value in (True, False):
        texts.answer(element, 1.0 if definition["correct"] == value else 0.0, "true" if value else "false",
                     localized(definition["feedback"]["true" if value else "false"], language),
                     fmt="moodle_auto_format")


MOODLE_XML = MoodleXmlMapping("truefalse", read=read, write=write)
