"""Forms: the base every form of the platform derives from, and operations' errors on forms."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms.widgets import Select

from lms.core import unit_of_work
from lms.core.errors import GENERAL, DomainError
from lms.core.i18n import N_, N_plural, translations


class _CatalogueTranslations:
    """WTForms' own messages ("Not a valid date value.") through our catalogues.

    WTForms ships no Albanian, Bosnian, Macedonian or Montenegrin; its messages are in
    ``translations/`` like ours (marked below), so a translator sees them too.
    """

    def gettext(self, string: str) -> str:
        return translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations().ungettext(singular, plural, n)


CATALOGUE_TRANSLATIONS = _CatalogueTranslations()


class Form(FlaskForm):
    """Flask-WTF's form (CSRF token included), with WTForms' messages in the user's language.

    Every form of the platform derives from this one (a test checks it).
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return CATALOGUE_TRANSLATIONS


@contextlib.contextmanager
def errors_on(form) -> Iterator[None]:
    """Run an operation for a form; if it refuses (a domain error), show why on the form.

    The request's changes are given up (``unit_of_work.abandon``) and the handler goes on to
    render the form again with the messages beside their fields, with status 422 if it asks
    ``form.refused``; the error itself is ``form.refusal``, for a page that shows more than its
    messages (the rows of a refused file, the grade someone else saved). Anything else (not
    found, not allowed) is left to the error handlers::

        if form.validate_on_submit():
            with errors_on(form):
                operation(...)
                return redirect(...)
        return render_template(..., form=form), 422 if form.refused else 200
    """
    try:
        yield
    except DomainError as error:
        if error.status not in (409, 413, 422):
            raise
        unit_of_work.abandon()
        attach_errors(form, error.errors)
        form.refused = error.status
        form.refusal = error


def status_of(form) -> int:
    """The status a page with this form answers: 422 (or 409, 413) when it was refused."""
    return getattr(form, "refused", None) or (422 if form.errors else 200)


def attach_errors(form, errors: dict) -> None:
    """Show an operation's ValidationFailed messages beside the fields they concern."""
    for name, messages in errors.items():
        field = getattr(form, name, None) if name != GENERAL else None
        texts = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + texts
        else:
            form.form_errors.extend(texts)


# The messages WTForms and Flask-WTF may show, for the catalogues (wtforms/locale/wtforms.pot).
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Choices cannot be None."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid date value."),
    N_("Not a valid datetime value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("Invalid email address."),
    N_("Invalid URL."),
    N_("Invalid UUID."),
    N_("Invalid IP address."),
    N_("Invalid Mac address."),
    N_("Invalid input."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF token expired."),
    N_("CSRF failed."),
    N_("File does not have an approved extension."),
    N_plural("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long."),
    N_plural("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters."),
    N_plural("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long."),
    N_plural("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field."),
)


def coerce_id(value):
    """For a select of ids: '' is no choice (None); anything not a number is an id that exists
    nowhere (-1), which the operation then reports as a wrong choice."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class QuickSelect(Select):
    """WTForms' select with its options written directly, to the same HTML: ``html_params``
    sorts and escapes each option's attributes anew, which a filter of a few dozen options
    (the grading queue's) paid on every view."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        return Markup('<option {}value="{}">{}</option>').format(
            Markup("selected ") if choice.selected else "", value, choice.label or choice.value)
