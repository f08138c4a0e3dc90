"""Tutored groups in HTML: joining with a key; managers' cohort pages, bulk enrolment, members."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_login import current_user, login_required

from lms.accounts.forms import EmptyForm
from lms.accounts.reference import ADMIN, MANAGER, TUTOR
from lms.core.forms import errors_on, status_of
from lms.core.i18n import LANGUAGES, _, ngettext
from lms.core.permissions import require, roles_required
from lms.extensions import db, limiter
from lms.tutors.forms import CohortForm, CsvForm, JoinForm, WithdrawForm, version_of
from lms.tutors.models import Cohort
from lms.tutors.operations import cohorts, csv_enrolment, moodle_grades
from lms.tutors.operations.membership import (
    history_of,
    join_with_key,
    members_of,
    membership_in,
    readmit_member,
    withdraw_member,
)
from lms.tutors.operations.progress import cohort_table, table_csv

bp = Blueprint("tutors", __name__, template_folder="../templates")


# --- joining ---------------------------------------------------------------------------

# Keys are guessed by trying: the page and the API share one budget per address.
JOIN_LIMIT = limiter.shared_limit("30 per hour", scope="join-with-key", methods=["POST"])


@bp.route("/join", methods=["GET", "POST"])
@login_required
@JOIN_LIMIT
def join():
    form = JoinForm()
    if form.validate_on_submit():
        with errors_on(form):
            membership, changed = join_with_key(db.session, current_user, form.key.data)
            cohort = membership.cohort
            if changed:
                flash(_("Welcome to the group “{name}”!").format(name=cohort.name), "success")
            else:
                flash(_("You are already a member of the group “{name}”.").format(name=cohort.name), "info")
            return redirect(url_for("courses.course", slug=cohort.course.slug))
    return render_template("tutors/join.html", form=form), status_of(form)


def join_slot(course=None, **_context) -> str:
    """On a tutored course's page: the join-with-key form for a signed-in trainee."""
    if course is None or not course.is_tutored:
        return ""
    return render_template("tutors/_join_form.html", course=course, form=JoinForm(),
                           signed_in=current_user.is_authenticated)


# --- lists -----------------------------------------------------------------------------

@bp.get("/cohorts", endpoint="cohorts")
@roles_required(MANAGER, ADMIN)
def followed_cohorts():
    return render_template("tutors/cohorts.html", cohorts=cohorts.followed_cohorts(db.session, current_user),
                           managing=True)


@bp.get("/tutor/groups")
@roles_required(TUTOR)
def my_groups():
    return render_template("tutors/cohorts.html", cohorts=cohorts.tutored_cohorts(db.session, current_user),
                           managing=False)


# --- creating and editing --------------------------------------------------------------

def _fill(form: CohortForm) -> None:
    form.course_id.choices = [("", _("Choose…"))] + [
        (str(c.id), c.title_in()) for c in cohorts.tutored_courses(db.session)]
    beneficiaries = cohorts.beneficiaries_in_scope(db.session, current_user)
    form.beneficiary_id.choices = [("", _("Choose…"))] + [(str(b.id), b.name) for b in beneficiaries]
    form.language.choices = [(code, lang.native_name) for code, lang in LANGUAGES.items()]
    tutors = cohorts.tutor_candidates(db.session)
    # Two tutors may share a name: each is told apart by their e-mail address.
    form.tutor_ids.choices = [
        (t.id, f"{t.full_name} ({t.beneficiary.name}, {t.email})" if t.beneficiary else f"{t.full_name} ({t.email})")
        for t in tutors]
    if any(b.has_footnote for b in beneficiaries) or any(t.beneficiary and t.beneficiary.has_footnote
                                                         for t in tutors):
        g.show_kosovo_footnote = True  # Kosovo* is named on the page: the layout adds its footnote


def _fields(form: CohortForm) -> cohorts.CohortFields:
    return cohorts.CohortFields(
        course_id=form.course_id.data, beneficiary_id=form.beneficiary_id.data, name=form.name.data or "",
        language=form.language.data or "", starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        capacity=form.capacity.data, tutor_ids=list(form.tutor_ids.data or []), is_open=form.is_open.data,
        allow_other_beneficiaries=form.allow_other_beneficiaries.data)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required(MANAGER, ADMIN)
def new_cohort():
    form = CohortForm()
    _fill(form)
    if request.method == "GET":
        scope = current_user.managed_beneficiary_ids()
        if scope and len(scope) == 1:
            form.beneficiary_id.data = next(iter(scope))
        form.capacity.data = 30
    if form.validate_on_submit():
        with errors_on(form):
            cohort = cohorts.create_cohort(db.session, current_user, _fields(form))
            flash(_("The group has been created. Give its trainees the enrolment key {key}.").format(
                key=cohort.display_key), "success")
            return redirect(url_for("tutors.cohort", cohort_id=cohort.id))
    return render_template("tutors/cohort_form.html", form=form, cohort=None), status_of(form)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(MANAGER, ADMIN)
def edit_cohort(cohort_id: int):
    cohort = cohorts.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_managed_by(current_user))
    form = CohortForm(obj=cohort if request.method == "GET" else None)
    _fill(form)
    if request.method == "GET":
        form.tutor_ids.data = sorted(cohort.tutor_ids)
        form.version.data = cohort.version
    if form.validate_on_submit():
        with errors_on(form):
            cohorts.update_cohort(db.session, current_user, cohort, _fields(form), version=version_of(form.version))
            flash(_("The group has been saved."), "success")
            return redirect(url_for("tutors.cohort", cohort_id=cohort.id))
    return render_template("tutors/cohort_form.html", form=form, cohort=cohort), status_of(form)


# --- one cohort ------------------------------------------------------------------------

def _followed(cohort_id: int) -> Cohort:
    cohort = cohorts.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_followed_by(current_user), hide=True)
    return cohort


def _managed(cohort_id: int) -> Cohort:
    cohort = cohorts.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_managed_by(current_user))
    return cohort


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    found = _followed(cohort_id)
    return render_template("tutors/cohort.html", cohort=found, members=members_of(db.session, found),
                           events=history_of(db.session, found), manage=found.can_be_managed_by(current_user))


@bp.post("/cohorts/<int:cohort_id>/key")
@roles_required(MANAGER, ADMIN)
def rotate_key(cohort_id: int):
    cohort = _managed(cohort_id)
    if EmptyForm().validate_on_submit():
        cohorts.rotate_key(db.session, current_user, cohort)
        flash(_("The group has a new enrolment key: {key}. The old key no longer works.").format(
            key=cohort.display_key), "success")
    return redirect(url_for("tutors.cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:membership_id>/withdraw")
@roles_required(MANAGER, ADMIN)
def withdraw(cohort_id: int, membership_id: int):
    cohort = _managed(cohort_id)
    membership = membership_in(db.session, cohort, membership_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        withdraw_member(db.session, current_user, membership, form.reason.data)
        flash(_("The trainee has been withdrawn. Their work and progress are kept."), "info")
    return redirect(url_for("tutors.cohort", cohort_id=cohort.id) + "#members")


@bp.post("/cohorts/<int:cohort_id>/members/<int:membership_id>/readmit")
@roles_required(MANAGER, ADMIN)
def readmit(cohort_id: int, membership_id: int):
    cohort = _managed(cohort_id)
    membership = membership_in(db.session, cohort, membership_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        with errors_on(form):
            readmit_member(db.session, current_user, membership)
            flash(_("The trainee has been re-admitted and continues where they stopped."), "success")
        for message in form.form_errors:  # refused (the group is full): said on the group's page
            flash(message, "error")
    return redirect(url_for("tutors.cohort", cohort_id=cohort.id) + "#members")


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["GET", "POST"])
@roles_required(MANAGER, ADMIN)
def bulk_enrol(cohort_id: int):
    cohort = _managed(cohort_id)
    form = CsvForm()
    problems: list = []
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = [_("Choose a CSV file.")]
        else:
            with errors_on(form):
                report = csv_enrolment.import_members(db.session, current_user, cohort,
                                                      upload.read(csv_enrolment.MAX_BYTES + 1))
                flash(ngettext(
                    "%(num)s row imported: %(created)s new accounts, %(enrolled)s enrolled, %(readmitted)s "
                    "re-admitted, %(unchanged)s already in the group.",
                    "%(num)s rows imported: %(created)s new accounts, %(enrolled)s enrolled, %(readmitted)s "
                    "re-admitted, %(unchanged)s already in the group.",
                    report.rows, created=format_number(report.created), enrolled=format_number(report.enrolled),
                    readmitted=format_number(report.readmitted), unchanged=format_number(report.unchanged)),
                    "success")
                return redirect(url_for("tutors.cohort", cohort_id=cohort.id) + "#members")
            problems = form.refusal.rows
            form.file.errors = []  # each problem is listed, with its row, above the form
    return render_template("tutors/bulk_enrol.html", cohort=cohort, form=form, problems=problems,
                           columns=csv_enrolment.COLUMNS,
                           institutions=csv_enrolment.institutions_of(db.session, cohort)), status_of(form)


# --- progress --------------------------------------------------------------------------

@bp.get("/cohorts/<int:cohort_id>/progress")
@login_required
def progress(cohort_id: int):
    cohort = _followed(cohort_id)
    return render_template("tutors/progress.html", cohort=cohort, table=cohort_table(db.session, cohort))


@bp.get("/cohorts/<int:cohort_id>/progress.csv")
@login_required
def progress_csv(cohort_id: int):
    cohort = _followed(cohort_id)
    body = table_csv(cohort_table(db.session, cohort))
    filename = f"group-{cohort.id}-progress.csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/cohorts/<int:cohort_id>/moodle-grades.csv")
@login_required
def moodle_grades_csv(cohort_id: int):
    """The group's grades in the layout Moodle's grade import reads (its tutors and managers)."""
    cohort = _followed(cohort_id)
    return Response(moodle_grades.grades_csv(db.session, cohort), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{moodle_grades.grades_filename(cohort)}"',
        "Cache-Control": "no-store"})
