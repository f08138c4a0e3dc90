"""Multiple response: any answers; the grade is the sum of their weights, negatives included,
kept between 0 and 100% (``{~%50%a ~%50%b ~%-100%c}``)."""

from __future__ import annotations

from lms.core.i18n import _, _l, localized
from lms.quizzes.parsed import SourceProblem
from lms.quizzes.types.base import CHOICES, Grade, as_int, clamp, number_text, response_field
from lms.quizzes.types.choices import ChoiceType
from lms.quizzes.types.multiple_response import gift, moodle_xml, schema

NAME = "multiple_response"


class MultipleResponse(ChoiceType):
    name = NAME
    label = _l("Multiple response")
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API
    response_shape = CHOICES

    def validate(self, q):
        problems = super().validate(q)
        positive = sum(a.fraction for a in q.answers if a.fraction > 0)
        if q.answers and abs(positive - 1.0) > 0.001:
            problems.append(SourceProblem(q.line, _(
                "The positive weights add up to {total}%; in a multiple-response question "
                "they must add up to 100%.").format(total=number_text(round(positive * 100, 3)))))
        return problems

    def from_form(self, form, name, definition):
        values = form.getlist(name) if hasattr(form, "getlist") else form.get(name, [])
        return {"choices": list(values)} if values else None

    def clean(self, definition, raw):
        if raw is None:
            return None
        values = response_field(raw, "choices", _("Choose among the answers shown."))
        if values is None:
            return None
        if not isinstance(values, list):
            raise ValueError(_("Send the chosen answers as a list."))
        try:
            keys = sorted({as_int(v) for v in values})
        except ValueError:
            raise ValueError(_("Choose among the answers shown.")) from None
        if any(not 0 <= k < len(definition["answers"]) for k in keys):
            raise ValueError(_("Choose among the answers shown."))
        return {"choices": keys} if keys else None

    def _chosen(self, response):
        return list(response.get("choices", [])) if response else []

    def grade(self, definition, response, language):
        if not response:
            return Grade(0.0)
        total, feedback = 0.0, []
        for key in response["choices"]:
            answer = definition["answers"][key]
            total += answer["fraction"]
            text = localized(answer["feedback"], language)
            if text:
                feedback.append(text)
        return Grade(clamp(total), feedback)
