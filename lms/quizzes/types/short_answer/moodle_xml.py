"""Short answer in Moodle XML: ``<question type="shortanswer">``, ``<usecase>`` for case."""

from __future__ import annotations

from lms.quizzes.moodle_xml_elements import MoodleQuestion
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    question.answers = element.answers(plain=True)
    question.options["case_sensitive"] = element.flag("usecase", False)
    return question


MOODLE_XML = MoodleXmlMapping("shortanswer", read=read)
