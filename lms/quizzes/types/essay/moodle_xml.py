"""Essay in Moodle XML: ``<question type="essay">`` with its box height, grader information
and response template; attachments are not taken (the trainee answers in text)."""

from __future__ import annotations

from lms.core.i18n import _
from lms.quizzes.moodle_xml_elements import MoodleQuestion
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import MoodleXmlMapping


def read(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    lines = element.text_of("responsefieldlines", "10").strip()
    question.options.update(
        lines=int(lines) if lines.isdigit() else 10,
        grader_info=element.html(element.node.find("graderinfo")),
        template=element.text_of("responsetemplate/text").strip())
    if element.text_of("attachments", "0").strip() not in ("", "0"):
        question.notes.append(_("File attachments are not supported: the trainee answers in text."))
    return question


MOODLE_XML = MoodleXmlMapping("essay", read=read)
