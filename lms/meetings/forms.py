"""Forms of group sessions, their register and one's time zone (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from lms.core.forms import Form
from lms.core.i18n import _l

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class MeetingForm(Form):
    # Field checks are the operation's: it reports every problem at once.
    kind = SelectField(_l("Kind of session"), validate_choice=False)
    title = StringField(_l("Title"), render_kw={"maxlength": 200})
    starts_at = DateTimeLocalField(_l("Starts"), format=LOCAL_FORMAT, validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends"), format=LOCAL_FORMAT, validators=[Optional()])
    place = StringField(_l("Place"), render_kw={"maxlength": 300})
    online_url = StringField(_l("Online link"), render_kw={"maxlength": 500, "inputmode": "url"})
    key = StringField(_l("Key (optional, e.g. launch: what the course's completion rules name)"),
                      render_kw={"maxlength": 40, "autocapitalize": "none", "spellcheck": "false"})
    details = TextAreaField(_l("Details for the trainees"), render_kw={"rows": 4})
    version = HiddenField()


class RegisterForm(Form):
    """The register's statuses come as ``status-<enrolment id>`` fields, read by the view."""

    version = HiddenField()


class VersionForm(Form):
    version = HiddenField()


class TimeZoneForm(Form):
    time_zone = SelectField(_l("Time zone"), validate_choice=False)
