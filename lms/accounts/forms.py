"""Account forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.accounts.operations.institution_names import TRANSLATED as TRANSLATED_NAMES
from lms.accounts.reference import GENDERS, MANAGER_SCOPES, PROFESSIONS, ROLES
from lms.core.forms import Form, coerce_id
from lms.core.i18n import LANGUAGES, _l
from lms.core.web import footnote_for


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(message=_l("Enter your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ProfileFields:
    """Choices are filled per request: labels follow the active language."""

    @staticmethod
    def fill(form, beneficiaries, institutions):
        form.beneficiary_id.choices = [("", _l("Choose…"))] + [(str(b.id), b.name) for b in footnote_for(beneficiaries)]
        form.institution_id.choices = [("", _l("Not listed / none"))] + [
            # Institution names are data, in the reader's language when someone has translated them.
            (str(i.id), i.name_in(), {"data-beneficiary": str(i.beneficiary_id), "data-content": ""})
            for i in sorted(institutions, key=lambda i: i.name_in().casefold())]
        form.profession.choices = [("", _l("Choose…"))] + list(PROFESSIONS.items())
        form.gender.choices = [("", _l("Not given"))] + list(GENDERS.items())
        form.language.choices = [(code, lang.native_name) for code, lang in LANGUAGES.items()]


class ProfileForm(Form):
    # No field validators here: the operation checks every field and reports all problems at once.
    full_name = StringField(_l("Full name, as it must appear on a certificate"),
                            render_kw={"required": True, "maxlength": 200})
    # js/institutions.js then offers only the institutions of the chosen beneficiary.
    beneficiary_id = SelectField(_l("Beneficiary"), coerce=coerce_id, validate_choice=False,
                                 render_kw={"data-filters-institutions": "institution_id"})
    institution_id = SelectField(_l("Institution"), coerce=coerce_id, validate_choice=False)
    profession = SelectField(_l("Profession"), validate_choice=False)
    gender = SelectField(_l("Gender (optional, used only in anonymous statistics)"), validate_choice=False)
    language = SelectField(_l("Preferred language"), validate_choice=False)


class RegistrationForm(ProfileForm):
    email = EmailField(_l("E-mail address"), render_kw={"required": True})
    password = PasswordField(_l("Password (at least 10 characters)"), render_kw={"required": True})


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(message=_l("Enter your current password."))])
    new_password = PasswordField(_l("New password (at least 10 characters)"),
                                 validators=[DataRequired(message=_l("Choose a new password."))])


class ResetRequestForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(message=_l("Enter your e-mail address."))])


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password (at least 10 characters)"),
                             validators=[DataRequired(message=_l("Choose a password."))])


def _days_or_never(value):
    return None if value in (None, "", "never") else int(value) if str(value).isdigit() else -1


class TokenForm(Form):
    name = StringField(_l("Token name (what it is for)"),
                       validators=[DataRequired(message=_l("Give the token a name.")), Length(max=100)])
    expires_in_days = SelectField(_l("Works for"), coerce=_days_or_never, validate_choice=False,
                                  choices=[("30", _l("30 days")), ("90", _l("90 days")),
                                           ("365", _l("one year")), ("never", _l("no time limit"))],
                                  default="90")


class EmptyForm(Form):
    """A form with only its CSRF token, for buttons that change something."""


class UserSearchForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Name or e-mail"), validators=[Optional()])
    role = SelectField(_l("Role"), validate_choice=False, validators=[Optional()])
    beneficiary = SelectField(_l("Beneficiary"), validate_choice=False, validators=[Optional()])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AdminUserForm(Form):
    roles = MultiCheckboxField(_l("Roles"), choices=list(ROLES.items()), validate_choice=False)
    manager_scope = SelectField(_l("Manager scope"), validate_choice=False,
                                choices=[("", _l("Not a manager"))] + list(MANAGER_SCOPES.items()))
    # js/institutions.js then offers only the institutions of the chosen beneficiary.
    beneficiary_id = SelectField(_l("Beneficiary"), coerce=coerce_id, validate_choice=False,
                                 render_kw={"data-filters-institutions": "institution_id"})
    active = BooleanField(_l("Account active"))


class NewUserForm(ProfileForm):
    email = EmailField(_l("E-mail address"), render_kw={"required": True})
    roles = MultiCheckboxField(_l("Roles"), choices=list(ROLES.items()), validate_choice=False)
    manager_scope = SelectField(_l("Manager scope"), validate_choice=False,
                                choices=[("", _l("Not a manager"))] + list(MANAGER_SCOPES.items()))


class InstitutionForm(Form):
    # js/institutions.js then offers only the institutions of the chosen beneficiary.
    beneficiary_id = SelectField(_l("Beneficiary"), coerce=coerce_id, validate_choice=False,
                                 render_kw={"data-filters-institutions": "institution_id"})
    name = StringField(_l("Institution name"), validators=[DataRequired(message=_l("Enter the name.")), Length(max=200)])


class InstitutionNamesForm(Form):
    """The institution's name in each language but English (its ``name``): one field per language."""

    version = HiddenField()

    def version_read(self) -> int:
        """The version the page showed; a missing or garbled one is 0, which no record has, so
        the save is refused as stale rather than overwriting anything."""
        try:
            return int(self.version.data or 0)
        except (TypeError, ValueError):
            return 0


for _code in TRANSLATED_NAMES:
    setattr(InstitutionNamesForm, _code, StringField(
        LANGUAGES[_code].native_name, validators=[Optional(), Length(max=200, message=_l("200 characters at most."))]))
