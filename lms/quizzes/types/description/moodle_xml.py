"""Description in Moodle XML: ``<question type="description">``; it carries no marks."""

from __future__ import annotations

from lms.quizzes.moodle_xml_elements import MoodleQuestion
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    question.default_mark = 0.0
    return question


MOODLE_XML = MoodleXmlMapping("description", read=read, write=lambda _definition, _language, _element, _texts: None)
