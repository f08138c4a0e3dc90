"""Forms of tutored groups (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from lms.accounts.forms import MultiCheckboxField
from lms.core.forms import Form, QuickSelect, coerce_id
from lms.core.i18n import _l
from lms.tutors.models import ACCEPTED, NOTIFY_DAILY, NOTIFY_IMMEDIATE, RETURNED


class JoinForm(Form):
    key = StringField(_l("Enrolment key"), render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                                      "spellcheck": "false", "maxlength": 32})


class CohortForm(Form):
    # Field checks are the operation's: it reports every problem at once.
    course_id = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False)
    beneficiary_id = SelectField(_l("Beneficiary"), coerce=coerce_id, validate_choice=False)
    name = StringField(_l("Name of the group"), render_kw={"maxlength": 200})
    language = SelectField(_l("Language of the group"), validate_choice=False)
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    capacity = IntegerField(_l("Capacity (number of trainees)"), validators=[Optional()])
    tutor_ids = MultiCheckboxField(_l("Tutors"), coerce=int, validate_choice=False)
    is_open = BooleanField(_l("Open: trainees may join with the enrolment key"), default=True)
    allow_other_beneficiaries = BooleanField(_l("Also accept trainees of other beneficiaries"))
    version = HiddenField()


def version_of(field, *, required: bool = True) -> int | None:
    """The version a form carries back (a hidden field). A garbled one is 0, which no record
    has, so the save is refused as stale rather than overwriting anything; so is a missing
    one, unless not ``required`` (then None: the save is not checked against a version)."""
    if field.data in (None, "") and not required:
        return None
    try:
        return int(field.data or 0)
    except (TypeError, ValueError):
        return 0


class ResponseForm(Form):
    body = TextAreaField(_l("Your response"), render_kw={"rows": 18})
    version = HiddenField()  # of the submission the page showed; 0 when there was none


class GradeForm(Form):
    """A grade; ``for_rubric`` adds the rubric's levels, radio buttons named ``criterion_<slug>``."""

    feedback = TextAreaField(_l("Feedback for the trainee"), render_kw={"rows": 10})
    outcome = RadioField(_l("Outcome"), validate_choice=False, choices=[
        (ACCEPTED, _l("Accepted")), (RETURNED, _l("Resubmission requested"))])
    due_on = DateField(_l("Resubmit by"), validators=[Optional()])
    reason = TextAreaField(_l("Reason for the correction"), render_kw={"rows": 3})
    version = HiddenField()
    criterion_slugs: tuple[str, ...] = ()

    @classmethod
    def for_rubric(cls, criteria: list[dict], **kwargs) -> GradeForm:
        """The form for grading with these criteria: the operation's message about a criterion
        (``criterion_<slug>``) then lands on that criterion's field."""
        slugs = tuple(criterion["slug"] for criterion in criteria)
        fields = {f"criterion_{slug}": StringField(validators=[Optional()]) for slug in slugs}
        rubric_form = type("RubricGradeForm", (cls,), {**fields, "criterion_slugs": slugs})
        return rubric_form(**kwargs)

    def levels(self) -> dict[str, str]:
        """The points of the level chosen for each criterion given."""
        chosen = {slug: self[f"criterion_{slug}"].data for slug in self.criterion_slugs}
        return {slug: value for slug, value in chosen.items() if value not in (None, "")}

    def criterion_errors(self) -> dict[str, list[str]]:
        return {f"criterion_{slug}": self[f"criterion_{slug}"].errors for slug in self.criterion_slugs
                if self[f"criterion_{slug}"].errors}


class CsvForm(Form):
    file = FileField(_l("CSV file"))


class WithdrawForm(Form):
    reason = StringField(_l("Reason (optional)"), render_kw={"maxlength": 500})


class PreferenceForm(Form):
    notify = RadioField(_l("Tell me about new work to review"), validate_choice=False, choices=[
        (NOTIFY_IMMEDIATE, _l("At once, with one e-mail per submission")),
        (NOTIFY_DAILY, _l("Once a day, in a digest"))])


class QueueFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    cohort = SelectField(_l("Group"), coerce=coerce_id, validate_choice=False, widget=QuickSelect())
    module = SelectField(_l("Module"), coerce=coerce_id, validate_choice=False, widget=QuickSelect())
    status = SelectField(_l("Status"), validate_choice=False, widget=QuickSelect())
