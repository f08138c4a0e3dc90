"""The preferences form: for each kind of notification, in the app or not, and when by e-mail."""

from __future__ import annotations

from wtforms import BooleanField, RadioField

from lms.core.forms import Form
from lms.core.i18n import _l
from lms.notifications.extension_points import EMAIL_DIGEST, EMAIL_NOW, EMAIL_OFF

EMAIL_LABELS = ((EMAIL_NOW, _l("At once")), (EMAIL_DIGEST, _l("In a daily summary")), (EMAIL_OFF, _l("Never")))


class PreferencesForm(Form):
    """Two fields per kind (``in_app_<kind>``, ``email_<kind>``), added by ``preferences_form``."""


def preferences_form(choices, formdata=None) -> PreferencesForm:
    """A form with the fields of these kinds, filled with each person's current choice."""

    class KindsForm(PreferencesForm):
        pass

    for choice in choices:
        setattr(KindsForm, f"in_app_{choice.kind}", BooleanField(_l("Show in the app"), default=choice.in_app))
        setattr(KindsForm, f"email_{choice.kind}", RadioField(_l("By e-mail"), choices=EMAIL_LABELS,
                                                             default=choice.email))
    form = KindsForm(formdata=formdata) if formdata is not None else KindsForm()
    form.kinds = [(choice, form[f"in_app_{choice.kind}"], form[f"email_{choice.kind}"]) for choice in choices]
    return form


def wanted_of(form: PreferencesForm) -> dict[str, dict]:
    return {choice.kind: {"in_app": bool(in_app.data), "email": email.data} for choice, in_app, email in form.kinds}
