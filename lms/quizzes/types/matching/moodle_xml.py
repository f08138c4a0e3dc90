"""Matching in Moodle XML: ``<question type="matching">`` with ``<subquestion>`` pairs."""

from __future__ import annotations

from lms.quizzes.moodle_xml_elements import MoodleQuestion
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    for sub in element.node.findall("subquestion"):
        question.answers.append(ParsedAnswer(
            text=element.html(sub), match=" ".join(sub.text_of("answer/text").split()), line=sub.line))
    return question


MOODLE_XML = MoodleXmlMapping("matching", read=read)
