"""The evaluation form, made for a survey's items (the operation checks the answers)."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField

from lms.core.forms import Form
from lms.core.i18n import localized
from lms.surveys.models import LIKERT, MAX_TEXT, SCALE_POINTS, TEXT, Survey


def survey_form(survey: Survey, formdata=None) -> Form:
    """A form with a field per item, named by its slug: scale points, options, or text."""

    class SurveyForm(Form):
        pass

    for item in survey.items:
        label = localized(item["text"])
        if item["kind"] == TEXT:
            field = TextAreaField(label, render_kw={"maxlength": MAX_TEXT, "rows": 4})
        elif item["kind"] == LIKERT:
            choices = [(str(point), f"{point} – {localized(survey.scale[point - 1])}")
                       for point in range(1, SCALE_POINTS + 1)]
            field = RadioField(label, choices=choices, validate_choice=False)
        else:
            field = RadioField(label, choices=[(o["slug"], localized(o["label"])) for o in item["options"]],
                               validate_choice=False)
        setattr(SurveyForm, item["slug"], field)
    return SurveyForm(formdata) if formdata is not None else SurveyForm()


def answers_of(form: Form, survey: Survey) -> dict:
    return {item["slug"]: form[item["slug"]].data for item in survey.items}
