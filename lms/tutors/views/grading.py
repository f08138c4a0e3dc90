"""Tutors' pages: the grading queue, a submission with its rounds, grading and corrections."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.reference import TUTOR
from lms.core.errors import Conflict, ValidationFailed
from lms.core.forms import attach_errors
from lms.core.i18n import _, localized
from lms.core.models import utcnow
from lms.core.permissions import roles_required
from lms.courses.extension_points import details_of
from lms.courses.models import Module
from lms.extensions import db
from lms.tutors.extension_points import QUEUE_SOURCES
from lms.tutors.forms import GradeForm, PreferenceForm, QueueFilterForm
from lms.tutors.models import ACCEPTED, RETURNED, SUBMITTED, Cohort
from lms.tutors.operations import grading, notifications, submissions
from lms.tutors.operations.cohorts import tutored_cohort_ids
from lms.tutors.operations.grading_queue import ALL, AWAITING, STATUSES, GradingQueue
from lms.tutors.operations.membership import cohort_of_enrolment

bp = Blueprint("grading", __name__, template_folder="../templates")
PER_PAGE = 50


@bp.get("/tutor/queue")
@roles_required(TUTOR)
def queue():
    form = QueueFilterForm(request.args)
    scope = tutored_cohort_ids(current_user)
    cohorts = db.session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(scope))
                                 .order_by(Cohort.name)).all()
    modules = db.session.execute(
        select(Module.id, Module.title, Module.position)
        .where(Module.course_id.in_(select(Cohort.course_id).where(Cohort.id.in_(scope))),
               Module.is_retired.is_(False)).order_by(Module.course_id, Module.position)).all()
    status = request.args.get("status", AWAITING)
    if status not in STATUSES and status != ALL:
        status = AWAITING
    form.status.data = status
    cohort_id = form.cohort.data if form.cohort.data in {c.id for c in cohorts} else None
    module_id = form.module.data if form.module.data in {m.id for m in modules} else None
    grading_queue = GradingQueue(scope, cohort_id=cohort_id, module_id=module_id,
                                 status=None if status == ALL else status)
    counts = grading_queue.counts(db.session)
    page = grading_queue.page(db.session, page=request.args.get("page", 1, type=int), per_page=PER_PAGE,
                              total=counts.total)
    form.cohort.choices = [("", _("All my groups ({count})").format(count=sum(counts.by_cohort.values())))] + [
        (str(c.id), f"{c.name} ({counts.by_cohort.get(c.id, 0)})") for c in cohorts]
    form.module.choices = [("", _("All modules ({count})").format(count=sum(counts.by_module.values())))] + [
        (str(m.id), f"{localized(m.title)} ({counts.by_module.get(m.id, 0)})") for m in modules]
    form.status.choices = [(key, f"{label} ({counts.by_status.get(key, 0)})") for key, label in STATUSES.items()] + [
        (ALL, _("All ({count})").format(count=sum(counts.by_status.values())))]
    module_titles = {m.id: localized(m.title) for m in modules}
    return render_template("tutors/queue.html", form=form, page=page, counts=counts, module_titles=module_titles,
                           sources=QUEUE_SOURCES, filters={"cohort": cohort_id or "", "module": module_id or "",
                                                           "status": status})


def _levels_from(form_data, criteria) -> dict:
    levels = {}
    for criterion in criteria:
        value = form_data.get(f"criterion_{criterion['slug']}")
        if value not in (None, ""):
            levels[criterion["slug"]] = value
    return levels


def _render_submission(submission, *, form: GradeForm, correction_form: GradeForm, status: int = 200,
                       criterion_errors: dict | None = None, conflict: dict | None = None,
                       chosen: dict | None = None, correcting: bool = False):
    enrolment = submission.enrolment
    details = details_of(db.session, enrolment)
    cohort = cohort_of_enrolment(db.session, enrolment.id)
    entries = []
    if cohort is not None and cohort.can_be_managed_by(current_user):
        log = grading.audit_trail(db.session, current_user, submission)
        actors = {u.id: u.full_name for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_id for e in log if e.actor_id})))} if log else {}
        entries = [(entry, actors.get(entry.actor_id, "")) for entry in log]
    latest = submissions.latest_round(submission)
    grader = enrolment.can_be_graded_by(current_user)
    return render_template(
        "tutors/submission.html", submission=submission, assignment=submission.assignment, enrolment=enrolment,
        trainee=enrolment.user, details=details, cohort=cohort, latest=latest,
        attachments=submissions.attachments_by_id(db.session, submission.id), form=form,
        correction_form=correction_form, may_grade=grader and submission.status == SUBMITTED,
        may_correct=grader and submission.status in (ACCEPTED, RETURNED) and latest is not None
        and latest.is_reviewed, criterion_errors=criterion_errors or {}, conflict=conflict,
        chosen=chosen or {}, correcting=correcting, audit_entries=entries,
        default_due=(utcnow() + timedelta(days=14)).date()), status


def _viewer_submission(submission_id: int):
    submission = submissions.submission_for_viewer(db.session, current_user, submission_id)
    if submission.enrolment.user_id == current_user.id and not submission.enrolment.can_be_graded_by(current_user):
        return submission, redirect(url_for("assignments.assignment", slug=submission.enrolment.course.slug,
                                            assignment=submission.assignment.slug))
    return submission, None


def _prefilled_correction(submission) -> GradeForm:
    form = GradeForm(formdata=None)
    latest = submissions.latest_round(submission)
    if latest is not None and latest.is_reviewed:
        form.feedback.data = latest.feedback
        form.outcome.data = latest.outcome
        form.due_on.data = latest.due_on
    form.version.data = submission.version
    return form


def _save_grade(submission_id: int, form: GradeForm, chosen: dict, *, correcting: bool, save):
    """Run a grading operation; on refusal roll back and return the page that says why.

    ``correcting`` says whether the tutor's input lives in the correction form; a conflict
    always moves it there, because the other tutor's grade stands and can only be corrected.
    """
    try:
        version = int(form.version.data or 0)
    except ValueError:
        version = 0
    try:
        save(version)
    except grading.SubmissionChanged as exc:
        db.session.rollback()
        found = submissions.submission_for_viewer(db.session, current_user, submission_id)
        # Their grade stands; what this tutor chose stays in the form, to apply as a correction.
        form.version.data = found.version
        return _render_submission(found, form=GradeForm(formdata=None), correction_form=form, status=409,
                                  conflict={"message": exc.message, "current": exc.current}, chosen=chosen,
                                  correcting=True)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("grading.submission", submission_id=submission_id)), 303
    except ValidationFailed as exc:
        db.session.rollback()
        found = submissions.submission_for_viewer(db.session, current_user, submission_id)
        criterion_errors = {k: v for k, v in exc.errors.items() if k.startswith("criterion_")}
        attach_errors(form, {k: v for k, v in exc.errors.items() if not k.startswith("criterion_")})
        if correcting:
            return _render_submission(found, form=GradeForm(formdata=None), correction_form=form, status=422,
                                      criterion_errors=criterion_errors, chosen=chosen, correcting=True)
        return _render_submission(found, form=form, correction_form=_prefilled_correction(found), status=422,
                                  criterion_errors=criterion_errors, chosen=chosen)
    return None


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
@login_required
def submission(submission_id: int):
    found, redirect_to = _viewer_submission(submission_id)
    if redirect_to is not None:
        return redirect_to
    form = GradeForm()
    if request.method == "GET":
        form.version.data = found.version
        form.due_on.data = (utcnow() + timedelta(days=14)).date()
        return _render_submission(found, form=form, correction_form=_prefilled_correction(found))
    if not form.validate_on_submit():
        return _render_submission(found, form=form, correction_form=_prefilled_correction(found), status=400)
    chosen = _levels_from(request.form, found.assignment.criteria)
    refused = _save_grade(submission_id, form, chosen, correcting=False, save=lambda version: grading.grade_submission(
        db.session, current_user, found, version=version, levels=chosen, feedback=form.feedback.data,
        outcome=form.outcome.data, due_on=form.due_on.data))
    if refused is not None:
        return refused
    db.session.commit()
    if form.outcome.data == ACCEPTED:
        flash(_("The work has been accepted. The trainee has been told."), "success")
    else:
        flash(_("A resubmission has been requested. The trainee has been told."), "success")
    return redirect(url_for("grading.queue")), 303


@bp.post("/submissions/<int:submission_id>/correction")
@login_required
def correct(submission_id: int):
    found, redirect_to = _viewer_submission(submission_id)
    if redirect_to is not None:
        return redirect_to
    form = GradeForm()
    if not form.validate_on_submit():
        return _render_submission(found, form=GradeForm(formdata=None), correction_form=form, status=400,
                                  correcting=True)
    chosen = _levels_from(request.form, found.assignment.criteria)
    refused = _save_grade(submission_id, form, chosen, correcting=True, save=lambda version: grading.correct_grade(
        db.session, current_user, found, version=version, levels=chosen, feedback=form.feedback.data,
        outcome=form.outcome.data, due_on=form.due_on.data, reason=form.reason.data))
    if refused is not None:
        return refused
    db.session.commit()
    flash(_("The grade has been corrected. The trainee has been told."), "success")
    return redirect(url_for("grading.submission", submission_id=submission_id)), 303


@bp.route("/tutor/notifications", methods=["GET", "POST"])
@roles_required(TUTOR)
def preferences():
    form = PreferenceForm()
    if request.method == "GET":
        form.notify.data = notifications.preference_of(db.session, current_user)
    if form.validate_on_submit():
        try:
            notifications.set_preference(db.session, current_user, form.notify.data)
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Your notification setting has been saved."), "success")
            return redirect(url_for("grading.preferences"))
    return render_template("tutors/preferences.html", form=form)


def dashboard_slot(user=None, **_context) -> str:
    """On a tutor's dashboard: how much work awaits them."""
    if user is None or not user.is_authenticated or not user.is_tutor:
        return ""
    waiting = GradingQueue(tutored_cohort_ids(user), status=AWAITING).counts(db.session).total
    return render_template("tutors/_dashboard_queue.html", waiting=waiting)
