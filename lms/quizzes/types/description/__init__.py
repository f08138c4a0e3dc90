"""Description: text shown among the questions, never answered or graded (text without braces)."""

from __future__ import annotations

from lms.core.i18n import _l
from lms.quizzes.types.base import NONE, Grade, QuestionType
from lms.quizzes.types.description import gift, moodle_xml, schema

NAME = "description"


class Description(QuestionType):
    name = NAME
    label = _l("Description")
    gradable = False
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API
    response_shape = NONE

    def signature(self, q):
        return (q.qtype,)

    def content_rules(self, q):
        return ["this question has no answers: add them in braces { }"]

    def from_form(self, form, name, definition):
        return None

    def grade(self, definition, response, language):
        return Grade(None)
