"""Single choice: one answer to choose; its weight is the grade (``{=right ~wrong ~%50%half}``)."""

from __future__ import annotations

from lms.core.i18n import _, _l, localized
from lms.quizzes.parsed import SourceProblem
from lms.quizzes.types.base import CHOICE, Grade, as_int, clamp, response_field
from lms.quizzes.types.choices import ChoiceType
from lms.quizzes.types.single_choice import gift, moodle_xml, schema

NAME = "single_choice"


class SingleChoice(ChoiceType):
    name = NAME
    label = _l("Single choice")
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API
    response_shape = CHOICE

    def validate(self, q):
        problems = super().validate(q)
        if q.answers and max(a.fraction for a in q.answers) < 1.0 - 1e-6:
            problems.append(SourceProblem(q.line, _(
                "No answer is worth 100%: mark the right answer with = (or give it %100%).")))
        return problems

    def from_form(self, form, name, definition):
        value = form.get(name, "")
        return {"choice": value} if value != "" else None

    def clean(self, definition, raw):
        if raw is None:
            return None
        value = response_field(raw, "choice", _("Choose one of the answers."))
        if value is None:
            return None
        try:
            key = as_int(value)
        except ValueError:
            raise ValueError(_("Choose one of the answers.")) from None
        if not 0 <= key < len(definition["answers"]):
            raise ValueError(_("Choose one of the answers."))
        return {"choice": key}

    def _chosen(self, response):
        return [response["choice"]] if response and "choice" in response else []

    def grade(self, definition, response, language):
        if not response:
            return Grade(0.0)
        answer = definition["answers"][response["choice"]]
        feedback = localized(answer["feedback"], language)
        return Grade(clamp(answer["fraction"]), [feedback] if feedback else [])
