"""Reminders in HTML: a group's trainees to remind, the automatic reminders, and what was sent."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.core.forms import errors_on, status_of
from lms.core.i18n import _, ngettext
from lms.core.permissions import require
from lms.extensions import db
from lms.reminders import operations as ops
from lms.reminders.forms import FilterForm, SendForm, SettingsForm
from lms.reminders.templates import BY_KEY
from lms.tutors.models import Cohort
from lms.tutors.operations.cohorts import cohort_by_id

bp = Blueprint("reminders", __name__, template_folder="templates")


def followed_cohort(cohort_id: int) -> Cohort:
    """The group if the user tutors or manages it; another tutor's group does not exist for them."""
    cohort = cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_followed_by(current_user), hide=True)
    return cohort


def _page_argument() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100000 else 1


def _render(cohort: Cohort, send_form: SendForm, settings_form: SettingsForm, status: int = 200):
    filters = FilterForm(request.args)
    chosen, days = filters.filter.data or "behind", filters.days.data or ops.DEFAULT_INACTIVE_DAYS
    if not filters.validate():
        chosen, days = "behind", ops.DEFAULT_INACTIVE_DAYS
    rows = ops.candidates(db.session, cohort, chosen, days)
    send_form.user_ids.choices = [(row.user_id, row.name) for row in rows]
    return render_template("reminders/cohort.html", cohort=cohort, filters=filters, rows=rows,
                           send_form=send_form, settings_form=settings_form, templates=BY_KEY,
                           page=ops.sent_page(db.session, cohort, _page_argument())), status


@bp.get("/cohorts/<int:cohort_id>/reminders")
@login_required
def cohort_reminders(cohort_id: int):
    cohort = followed_cohort(cohort_id)
    settings = ops.settings_of(db.session, cohort)
    return _render(cohort, SendForm(), SettingsForm(obj=settings))


@bp.post("/cohorts/<int:cohort_id>/reminders")
@login_required
def send(cohort_id: int):
    cohort = followed_cohort(cohort_id)
    form = SendForm()
    form.user_ids.choices = None  # checked against the group by the operation
    form.user_ids.pre_validate = lambda _form: None
    if form.validate_on_submit():
        with errors_on(form):
            sent = ops.send_reminders(db.session, current_user, cohort, user_ids=form.user_ids.data or [],
                                      template=form.template.data, note=form.note.data)
            flash(ngettext("A reminder has been sent to %(num)s trainee, in their language.",
                           "A reminder has been sent to %(num)s trainees, each in their language.",
                           len(sent.reminders)), "success")
            return redirect(url_for("reminders.cohort_reminders", cohort_id=cohort.id), 303)
    return _render(cohort, form, SettingsForm(obj=ops.settings_of(db.session, cohort)), status_of(form))


@bp.post("/cohorts/<int:cohort_id>/reminders/automatic")
@login_required
def automatic(cohort_id: int):
    cohort = followed_cohort(cohort_id)
    form = SettingsForm()
    if form.validate_on_submit():
        with errors_on(form):
            ops.save_settings(db.session, current_user, cohort, days_before_due=form.days_before_due.data,
                              inactive_days=form.inactive_days.data)
            flash(_("The automatic reminders of this group have been saved."), "success")
            return redirect(url_for("reminders.cohort_reminders", cohort_id=cohort.id), 303)
    return _render(cohort, SendForm(), form, status_of(form))


def cohort_action(cohort=None, **_context) -> str:
    """On a group's page and its progress page: the way to remind its trainees."""
    if cohort is None or not cohort.can_be_followed_by(current_user):
        return ""
    return render_template("reminders/_cohort_action.html", cohort=cohort)
