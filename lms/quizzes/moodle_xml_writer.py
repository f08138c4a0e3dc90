"""Write a part of a question bank as Moodle XML, the format Moodle's question import reads.

This writer knows the file: a ``<question type="category">`` before each category's
questions (``$course$/top/<path>``, its description in ``<info>``), and what every question
element has: name, text, general feedback, default mark, penalty, idnumber and tags. The
rest of a question's element belongs to its type: its Moodle XML mapping's ``write``
(``lms/quizzes/types/<type>/moodle_xml.py``). Images shown in a text go inside it as
base64 ``<file>`` elements, as Moodle writes them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lms.core.i18n import localized
from lms.quizzes.exported import ExportedBank, ExportedQuestion
from lms.quizzes.moodle_xml_elements import XmlTexts
from lms.quizzes.types import QUESTION_TYPES


def write_moodle_xml(bank: ExportedBank) -> bytes:
    texts = XmlTexts(bank.stored_file)
    root = ET.Element("quiz")
    for category in bank.categories:
        element = ET.SubElement(root, "question", {"type": "category"})
        texts.value(ET.SubElement(element, "category"), "text", f"$course$/top/{category.path}")
        texts.text(element, "info", category.info)
        for question in category.questions:
            _question(root, question, bank.language, texts)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _question(root: ET.Element, question: ExportedQuestion, language: str, texts: XmlTexts) -> None:
    kind = QUESTION_TYPES[question.qtype]
    mapping = kind.moodle_xml
    element = ET.SubElement(root, "question", {"type": mapping.element_type})
    texts.value(ET.SubElement(element, "name"), "text", question.name)
    texts.text(element, "questiontext", localized(question.text, language))
    texts.text(element, "generalfeedback", localized(question.general_feedback, language))
    texts.value(element, "defaultgrade", f"{question.default_mark:.7f}")
    texts.value(element, "penalty", "0.3333333" if kind.gradable else "0")
    texts.value(element, "hidden", 0)
    texts.value(element, "idnumber", question.moodle.get("idnumber", ""))
    mapping.write(question.definition, language, element, texts)
    if question.moodle.get("tags"):
        tags = ET.SubElement(element, "tags")
        for tag in question.moodle["tags"]:
            texts.value(ET.SubElement(tags, "tag"), "text", tag)
