"""The reminder forms: whom to remind with which message, and a group's automatic reminders."""

from __future__ import annotations

from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, NumberRange, Optional

from lms.core.forms import Form
from lms.core.i18n import _l
from lms.reminders.models import DAYS_MAX
from lms.reminders.operations import DEFAULT_INACTIVE_DAYS
from lms.reminders.templates import MANUAL

FILTER_LABELS = (("behind", _l("Behind schedule")), ("inactive", _l("Inactive for some days")),
                 ("not_started", _l("Not started")), ("case_study_due", _l("Case study to resubmit")),
                 ("all", _l("All active trainees")))


class FilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET form: it changes nothing

    filter = SelectField(_l("Show"), choices=FILTER_LABELS, default="behind")
    days = IntegerField(_l("Days without activity"), default=DEFAULT_INACTIVE_DAYS,
                        validators=[Optional(), NumberRange(min=1, max=DAYS_MAX)])


class SendForm(Form):
    user_ids = SelectMultipleField(_l("Trainees"), coerce=int, option_widget=widgets.CheckboxInput(),
                                   widget=widgets.ListWidget(prefix_label=False))
    template = RadioField(_l("Message"), choices=[(t.key, t.label) for t in MANUAL], default="behind",
                          validators=[DataRequired()])
    note = TextAreaField(_l("Personal note (optional)"), render_kw={"rows": 3})


class SettingsForm(Form):
    days_before_due = IntegerField(_l("Days before a due date"), validators=[Optional(), NumberRange(min=1, max=DAYS_MAX)])
    inactive_days = IntegerField(_l("Days of inactivity"), validators=[Optional(), NumberRange(min=1, max=DAYS_MAX)])
