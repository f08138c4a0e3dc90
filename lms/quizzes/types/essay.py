"""Essays, graded by a tutor, and descriptions, which are not graded at all."""

from __future__ import annotations

from lms.core.i18n import _l, localized
from lms.quizzes.types.base import (
    DESCRIPTION,
    ESSAY,
    MAX_ESSAY,
    Grade,
    QuestionType,
    _localize,
    _text,
)


class Essay(QuestionType):
    name = ESSAY
    label = _l("Essay")
    auto_graded = False

    def signature(self, q):
        return (q.qtype,)

    def build(self, variants, default):
        base = variants[default]
        return {"lines": int(base.options.get("lines") or 10),
                "grader_info": _localize(variants, lambda q: q.options.get("grader_info", "")),
                "template": _localize(variants, lambda q: q.options.get("template", ""))}

    def public(self, definition, language, order):
        return {"lines": definition.get("lines", 10),
                "template": localized(definition.get("template") or {}, language)}

    def clean(self, definition, raw):
        return _text(raw, MAX_ESSAY) if raw is not None else None

    def grade(self, definition, response, language):
        return Grade(None if response else 0.0)

    def review(self, definition, language, response, order):
        return {"response": response["text"] if response else ""}


class Description(QuestionType):
    name = DESCRIPTION
    label = _l("Description")
    gradable = False

    def signature(self, q):
        return (q.qtype,)

    def from_form(self, form, name, definition):
        return None

    def grade(self, definition, response, language):
        return Grade(None)
