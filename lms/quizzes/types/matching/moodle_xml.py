"""Matching in Moodle XML: ``<question type="matching">`` with ``<subquestion>`` pairs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lms.core.i18n import localized
from lms.quizzes.moodle_xml_elements import MoodleQuestion, XmlTexts
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    for sub in element.node.findall("subquestion"):
        question.answers.append(ParsedAnswer(
            text=element.html(sub), match=" ".join(sub.text_of("answer/text").split()), line=sub.line))
    return question


def write(definition: dict, language: str, element: ET.Element, texts: XmlTexts) -> None:
    texts.value(element, "shuffleanswers", "true")
    used = set()
    for stem in definition["stems"]:
        used.add(stem["choice"])
        sub = texts.text(element, "subquestion", localized(stem["text"], language))
        texts.value(ET.SubElement(sub, "answer"), "text", localized(definition["choices"][stem["choice"]], language))
    for key, choice in enumerate(definition["choices"]):
        if key not in used:  # a distractor: an answer without an item
            sub = texts.text(element, "subquestion", "")
            texts.value(ET.SubElement(sub, "answer"), "text", localized(choice, language))


MOODLE_XML = MoodleXmlMapping("matching", read=read, write=write)
