"""Short answer in Moodle XML: ``<question type="shortanswer">``, ``<usecase>`` for case."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lms.core.i18n import localized
from lms.quizzes.moodle_xml_elements import MoodleQuestion, XmlTexts
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    question.answers = element.answers(plain=True)
    question.options["case_sensitive"] = element.flag("usecase", False)
    return question


def write(definition: dict, language: str, element: ET.Element, texts: XmlTexts) -> None:
    texts.value(element, "usecase", 1 if definition.get("case_sensitive") else 0)
    for answer in definition["answers"]:
        texts.answer(element, answer["fraction"], localized(answer["text"], language),
                     localized(answer["feedback"], language), fmt="moodle_auto_format")


MOODLE_XML = MoodleXmlMapping("shortanswer", read=read, write=write)
