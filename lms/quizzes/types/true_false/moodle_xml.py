"""True/false in Moodle XML: ``<question type="truefalse">``, the right answer at 100%."""

from __future__ import annotations

from lms.quizzes.moodle_xml_elements import MoodleQuestion
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


MOODLE_XML = MoodleXmlMapping("truefalse", read=read)
