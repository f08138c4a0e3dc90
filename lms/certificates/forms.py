"""Forms of the certificate pages (Flask-WTF: every form that changes something carries CSRF)."""

from __future__ import annotations

from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from lms.core.forms import Form
from lms.core.i18n import _l


class VerifyForm(Form):
    class Meta:
        csrf = False  # a look-up changes nothing

    code = StringField(_l("Verification code"), render_kw={"autocomplete": "off", "spellcheck": "false",
                                                           "autocapitalize": "characters"})


class CertificateSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Name or verification code"), validators=[Optional()])
    course = SelectField(_l("Course"), validate_choice=False, validators=[Optional()])
    status = SelectField(_l("Status"), validate_choice=False, validators=[Optional()])
    beneficiary = SelectField(_l("Beneficiary"), validate_choice=False, validators=[Optional()])
    cohort = SelectField(_l("Group"), validate_choice=False, validators=[Optional()])
    issued_from = DateField(_l("Issued from"), validators=[Optional()])
    issued_to = DateField(_l("Issued until"), validators=[Optional()])


class ReasonForm(Form):
    """Revoke, reinstate or reissue: the reason is required and logged; the version guards
    against acting on a certificate someone else has just changed."""

    reason = TextAreaField(_l("Reason"), render_kw={"required": True, "maxlength": 2000, "rows": 4})
    version = HiddenField()


class CompletionSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Trainee's name or e-mail"), validators=[Optional()])
    course = SelectField(_l("Course"), validate_choice=False, validators=[Optional()])


class ManualCompletionForm(Form):
    reason = TextAreaField(_l("Why is this course completed?"),
                           render_kw={"required": True, "maxlength": 2000, "rows": 4})


def version_of(form: ReasonForm) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None

