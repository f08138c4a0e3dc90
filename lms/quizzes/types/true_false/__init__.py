"""True/false: all or nothing, with feedback for each answer (``{T}``, ``{FALSE#if wrong#if right}``)."""

from __future__ import annotations

from lms.core.i18n import _, _l, localized
from lms.quizzes.types.base import VALUE, Grade, QuestionType, localize, response_field
from lms.quizzes.types.true_false import gift, moodle_xml, schema

NAME = "true_false"


class TrueFalse(QuestionType):
    name = NAME
    label = _l("True/false")
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API
    response_shape = VALUE

    def signature(self, q):
        return (q.qtype, bool(q.options.get("correct")))

    def describe(self, q):
        return "true" if q.options.get("correct") else "false"

    def content_rules(self, q):
        if not (q.options.get("feedback_true") and q.options.get("feedback_false")):
            return ["a true/false question needs feedback for both answers: {T#if wrong…#if right…}"]
        return []

    def build(self, variants, default):
        return {
            "correct": bool(variants[default].options.get("correct")),
            "feedback": {
                "true": localize(variants, lambda q: q.options.get("feedback_true", "")),
                "false": localize(variants, lambda q: q.options.get("feedback_false", "")),
            },
        }

    def from_form(self, form, name, definition):
        value = form.get(name, "")
        return {"value": value} if value else None

    def clean(self, definition, raw):
        if raw is None:
            return None
        value = response_field(raw, "value", _("Answer true or false."))
        if value is None:
            return None
        if value in (True, "true", "True", "1", 1):
            return {"value": True}
        if value in (False, "false", "False", "0", 0):
            return {"value": False}
        raise ValueError(_("Answer true or false."))

    def grade(self, definition, response, language):
        if not response:
            return Grade(0.0)
        value = response["value"]
        feedback = localized(definition["feedback"]["true" if value else "false"], language)
        return Grade(1.0 if value == definition["correct"] else 0.0, [feedback] if feedback else [])

    def review(self, definition, language, response, order):
        chosen = response["value"] if response else None
        return {"correct": definition["correct"], "chosen": chosen,
                "feedback": localized(definition["feedback"]["true" if chosen else "false"], language)
                if chosen is not None else ""}
