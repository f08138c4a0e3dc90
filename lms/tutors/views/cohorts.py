"""Tutored groups in HTML: joining with a key; managers' cohort pages, bulk enrolment, members."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts.forms import EmptyForm
from lms.accounts.models import Beneficiary, Institution, User
from lms.accounts.reference import ADMIN, MANAGER, TUTOR
from lms.core.errors import Conflict, DomainError, ValidationFailed
from lms.core.forms import attach_errors
from lms.core.i18n import LANGUAGES, _, ngettext
from lms.core.permissions import require, roles_required
from lms.courses.models import Course, Enrolment
from lms.extensions import db, limiter
from lms.tutors.forms import CohortForm, CsvForm, JoinForm, WithdrawForm
from lms.tutors.models import Cohort, CohortMembership, MembershipEvent
from lms.tutors.operations import cohorts as ops
from lms.tutors.operations import csv_enrolment as bulk
from lms.tutors.operations.membership import (
    join_with_key,
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
        try:
            membership, changed = join_with_key(db.session, current_user, form.key.data)
        except DomainError as exc:
            db.session.rollback()
            attach_errors(form, exc.errors if isinstance(exc, ValidationFailed) else {"key": [exc.message]})
            return render_template("tutors/join.html", form=form), exc.status
        db.session.commit()
        cohort = db.session.get(Cohort, membership.cohort_id)
        if changed:
            flash(_("Welcome to the group “{name}”!").format(name=cohort.name), "success")
        else:
            flash(_("You are already a member of the group “{name}”.").format(name=cohort.name), "info")
        return redirect(url_for("courses.course", slug=cohort.course.slug))
    return render_template("tutors/join.html", form=form)


# --- lists -----------------------------------------------------------------------------

def _cohort_rows(query) -> list[tuple[Cohort, int]]:
    from sqlalchemy import func

    from lms.tutors.models import MEMBER_ACTIVE

    counts = (select(CohortMembership.cohort_id, func.count(CohortMembership.id).label("members"))
              .where(CohortMembership.status == MEMBER_ACTIVE).group_by(CohortMembership.cohort_id).subquery())
    rows = db.session.execute(
        query.add_columns(func.coalesce(counts.c.members, 0))
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .order_by(Cohort.starts_on.desc(), Cohort.name)).unique().all()
    return [(cohort, members) for cohort, members in rows]


@bp.get("/cohorts")
@roles_required(MANAGER, ADMIN)
def cohorts():
    rows = _cohort_rows(ops.visible_cohorts(current_user))
    return render_template("tutors/cohorts.html", rows=rows, managing=True)


@bp.get("/tutor/groups")
@roles_required(TUTOR)
def my_groups():
    query = select(Cohort).where(Cohort.id.in_(ops.tutored_cohort_ids(current_user)))
    return render_template("tutors/cohorts.html", rows=_cohort_rows(query), managing=False)


# --- creating and editing --------------------------------------------------------------

def _fill(form: CohortForm) -> None:
    courses = db.session.scalars(select(Course).where(Course.format == "tutored").order_by(Course.slug))
    form.course_id.choices = [("", _("Choose…"))] + [(str(c.id), c.title_in()) for c in courses]
    scope = current_user.managed_beneficiary_ids() if not current_user.is_admin else None
    beneficiaries = [b for b in db.session.scalars(select(Beneficiary).order_by(Beneficiary.code))
                     if scope is None or b.id in scope]
    form.beneficiary_id.choices = [("", _("Choose…"))] + [(str(b.id), b.name) for b in beneficiaries]
    form.language.choices = [(code, lang.native_name) for code, lang in LANGUAGES.items()]
    tutors = ops.tutor_candidates(db.session)
    form.tutor_ids.choices = [
        (t.id, f"{t.full_name} ({t.beneficiary.name})" if t.beneficiary else t.full_name) for t in tutors]
    if any(b.has_footnote for b in beneficiaries) or any(t.beneficiary and t.beneficiary.has_footnote
                                                         for t in tutors):
        g.show_kosovo_footnote = True  # Kosovo* is named on the page: the layout adds its footnote


def _fields(form: CohortForm) -> ops.CohortFields:
    return ops.CohortFields(
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
        try:
            cohort = ops.create_cohort(db.session, current_user, _fields(form))
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The group has been created. Give its trainees the enrolment key {key}.").format(
                key=cohort.display_key), "success")
            return redirect(url_for("tutors.cohort", cohort_id=cohort.id))
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template("tutors/cohort_form.html", form=form, cohort=None), status


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(MANAGER, ADMIN)
def edit_cohort(cohort_id: int):
    cohort = ops.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_managed_by(current_user))
    form = CohortForm(obj=cohort if request.method == "GET" else None)
    _fill(form)
    if request.method == "GET":
        form.tutor_ids.data = sorted(cohort.tutor_ids)
        form.version.data = cohort.version
    status = 200
    if form.validate_on_submit():
        try:
            version = int(form.version.data or 0)
        except ValueError:
            version = 0
        try:
            ops.update_cohort(db.session, current_user, cohort, _fields(form), version=version)
        except Conflict as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
            cohort = ops.cohort_by_id(db.session, cohort_id)
            status = 409
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
            cohort = ops.cohort_by_id(db.session, cohort_id)
            status = 422
        else:
            db.session.commit()
            flash(_("The group has been saved."), "success")
            return redirect(url_for("tutors.cohort", cohort_id=cohort.id))
    return render_template("tutors/cohort_form.html", form=form, cohort=cohort), status


# --- one cohort ------------------------------------------------------------------------

def _followed(cohort_id: int) -> Cohort:
    cohort = ops.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_followed_by(current_user), hide=True)
    return cohort


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    cohort = _followed(cohort_id)
    members = db.session.execute(
        select(CohortMembership, User).join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
        .join(User, User.id == Enrolment.user_id).where(CohortMembership.cohort_id == cohort.id)
        .order_by(CohortMembership.status, User.full_name, User.id)).all()
    events = db.session.execute(
        select(MembershipEvent, User.full_name, User.id)
        .join(CohortMembership, CohortMembership.id == MembershipEvent.membership_id)
        .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
        .join(User, User.id == Enrolment.user_id)
        .where(MembershipEvent.cohort_id == cohort.id)
        .order_by(MembershipEvent.occurred_at.desc(), MembershipEvent.id.desc()).limit(50)).all()
    active = sum(1 for membership, _user in members if membership.is_active)
    return render_template("tutors/cohort.html", cohort=cohort, members=members, events=events, active=active,
                           manage=cohort.can_be_managed_by(current_user), withdraw_form=WithdrawForm())


@bp.post("/cohorts/<int:cohort_id>/key")
@roles_required(MANAGER, ADMIN)
def rotate_key(cohort_id: int):
    cohort = ops.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_managed_by(current_user))
    form = EmptyForm()
    if form.validate_on_submit():
        ops.rotate_key(db.session, current_user, cohort)
        db.session.commit()
        flash(_("The group has a new enrolment key: {key}. The old key no longer works.").format(
            key=cohort.display_key), "success")
    return redirect(url_for("tutors.cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:membership_id>/withdraw")
@roles_required(MANAGER, ADMIN)
def withdraw(cohort_id: int, membership_id: int):
    cohort = ops.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_managed_by(current_user))
    membership = membership_in(db.session, cohort, membership_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        withdraw_member(db.session, current_user, membership, form.reason.data)
        db.session.commit()
        flash(_("The trainee has been withdrawn. Their work and progress are kept."), "info")
    return redirect(url_for("tutors.cohort", cohort_id=cohort.id) + "#members")


@bp.post("/cohorts/<int:cohort_id>/members/<int:membership_id>/readmit")
@roles_required(MANAGER, ADMIN)
def readmit(cohort_id: int, membership_id: int):
    cohort = ops.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_managed_by(current_user))
    membership = membership_in(db.session, cohort, membership_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            readmit_member(db.session, current_user, membership)
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("The trainee has been re-admitted and continues where they stopped."), "success")
    return redirect(url_for("tutors.cohort", cohort_id=cohort.id) + "#members")


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["GET", "POST"])
@roles_required(MANAGER, ADMIN)
def bulk_enrol(cohort_id: int):
    cohort = ops.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_managed_by(current_user))
    form = CsvForm()
    problems: list = []
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = [_("Choose a CSV file.")]
        else:
            try:
                report = bulk.import_members(db.session, current_user, cohort, upload.read(bulk.MAX_BYTES + 1))
            except bulk.CsvInvalid as exc:
                db.session.rollback()
                problems = exc.rows
            else:
                db.session.commit()
                flash(ngettext(
                    "%(num)s row imported: %(created)s new accounts, %(enrolled)s enrolled, %(readmitted)s "
                    "re-admitted, %(unchanged)s already in the group.",
                    "%(num)s rows imported: %(created)s new accounts, %(enrolled)s enrolled, %(readmitted)s "
                    "re-admitted, %(unchanged)s already in the group.",
                    report.rows, created=format_number(report.created), enrolled=format_number(report.enrolled),
                    readmitted=format_number(report.readmitted), unchanged=format_number(report.unchanged)),
                    "success")
                return redirect(url_for("tutors.cohort", cohort_id=cohort.id) + "#members")
    status = 422 if problems or form.errors else 200
    institutions = db.session.scalars(select(Institution).where(
        Institution.beneficiary_id == cohort.beneficiary_id).order_by(Institution.name)).all()
    return render_template("tutors/bulk_enrol.html", cohort=cohort, form=form, problems=problems,
                           columns=bulk.COLUMNS, institutions=institutions), status


@bp.get("/cohorts/<int:cohort_id>/progress")
@login_required
def progress(cohort_id: int):
    cohort = _followed(cohort_id)
    table = cohort_table(db.session, cohort)
    return render_template("tutors/progress.html", cohort=cohort, table=table)


@bp.get("/cohorts/<int:cohort_id>/progress.csv")
@login_required
def progress_csv(cohort_id: int):
    cohort = _followed(cohort_id)
    body = table_csv(cohort_table(db.session, cohort))
    filename = f"group-{cohort.id}-progress.csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def join_slot(course=None, **_context) -> str:
    """On a tutored course's page: the join-with-key form for a signed-in trainee."""
    from flask_login import current_user as user

    if course is None or not course.is_tutored:
        return ""
    return render_template("tutors/_join_form.html", course=course, form=JoinForm(),
                           signed_in=user.is_authenticated)
