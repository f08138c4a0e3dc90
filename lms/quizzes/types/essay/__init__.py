"""Essay: text a tutor grades; the attempt waits for the grade (``{}``)."""

from __future__ import annotations

from lms.core.i18n import _l, localized
from lms.quizzes.types.base import MAX_ESSAY, Grade, QuestionType, localize, text_response
from lms.quizzes.types.essay import gift, moodle_xml, schema

NAME = "essay"
DEFAULT_LINES = 10


class Essay(QuestionType):
    name = NAME
    label = _l("Essay")
    auto_graded = False
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API

    def signature(self, q):
        return (q.qtype,)

    def build(self, variants, default):
        base = variants[default]
        definition = {"lines": int(base.options.get("lines") or DEFAULT_LINES),
                      "grader_info": localize(variants, lambda q: q.options.get("grader_info", "")),
                      "template": localize(variants, lambda q: q.options.get("template", ""))}
        if base.options.get("moodle"):
            definition["moodle"] = dict(base.options["moodle"])  # Moodle's options, kept for export
        return definition

    def public(self, definition, language, order):
        return {"lines": definition.get("lines", DEFAULT_LINES),
                "template": localized(definition.get("template") or {}, language)}

    def clean(self, definition, raw):
        return text_response(raw, MAX_ESSAY) if raw is not None else None

    def grade(self, definition, response, language):
        return Grade(None if response else 0.0)

    def review(self, definition, language, response, order):
        return {"response": response["text"] if response else ""}
