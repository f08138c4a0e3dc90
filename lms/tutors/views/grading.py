"""Tutors' pages: the grading queue, a submission with its rounds, grading and corrections."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.accounts.reference import TUTOR
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _, localized
from lms.core.models import utcnow
from lms.core.permissions import roles_required
from lms.courses.extension_points import details_of
from lms.extensions import db
from lms.tutors.extension_points import QUEUE_SOURCES
from lms.tutors.forms import GradeForm, PreferenceForm, QueueFilterForm, version_of
from lms.tutors.models import ACCEPTED, RETURNED, SUBMITTED, Submission
from lms.tutors.operations import grading, grading_queue, notifications, submissions
from lms.tutors.operations.grading_queue import ALL, AWAITING, STATUSES

bp = Blueprint("grading", __name__, template_folder="../templates")
PER_PAGE = 50


@bp.get("/tutor/queue")
@roles_required(TUTOR)
def queue():
    form = QueueFilterForm(request.args)
    cohorts, modules = grading_queue.filter_choices(db.session, current_user)
    status = request.args.get("status", AWAITING)
    if status not in STATUSES and status != ALL:
        status = AWAITING
    form.status.data = status
    cohort_id = form.cohort.data if form.cohort.data in {c.id for c in cohorts} else None
    module_id = form.module.data if form.module.data in {m.id for m in modules} else None
    shown = grading_queue.tutor_queue(db.session, current_user, cohort_id=cohort_id, module_id=module_id,
                                      status=status, page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    counts = shown.counts
    form.cohort.choices = [("", _("All my groups ({count})").format(count=sum(counts.by_cohort.values())))] + [
        (str(c.id), f"{c.name} ({counts.by_cohort.get(c.id, 0)})") for c in cohorts]
    form.module.choices = [("", _("All modules ({count})").format(count=sum(counts.by_module.values())))] + [
        (str(m.id), f"{localized(m.title)} ({counts.by_module.get(m.id, 0)})") for m in modules]
    form.status.choices = [(key, f"{label} ({counts.by_status.get(key, 0)})") for key, label in STATUSES.items()] + [
        (ALL, _("All ({count})").format(count=sum(counts.by_status.values())))]
    module_titles = {m.id: localized(m.title) for m in modules}
    return render_template("tutors/queue.html", form=form, page=shown.page, counts=counts,
                           module_titles=module_titles, sources=QUEUE_SOURCES,
                           filters={"cohort": cohort_id or "", "module": module_id or "", "status": status})


def dashboard_slot(user=None, **_context) -> str:
    """On a tutor's dashboard: how much work awaits them."""
    if user is None or not user.is_authenticated or not user.is_tutor:
        return ""
    return render_template("tutors/_dashboard_queue.html", waiting=grading_queue.awaiting_count(db.session, user))


# --- a submission ----------------------------------------------------------------------

def _viewer_submission(submission_id: int):
    """The submission, or for its own trainee the redirect to their case-study page."""
    submission = submissions.submission_for_viewer(db.session, current_user, submission_id)
    if submission.enrolment.user_id == current_user.id and not submission.enrolment.can_be_graded_by(current_user):
        return submission, redirect(url_for("assignments.assignment", slug=submission.enrolment.course.slug,
                                            assignment=submission.assignment.slug))
    return submission, None


def _grade_form(submission: Submission, **kwargs) -> GradeForm:
    return GradeForm.for_rubric(submission.assignment.criteria, **kwargs)


def _prefilled_correction(submission: Submission) -> GradeForm:
    form = _grade_form(submission, formdata=None)
    latest = submission.latest_round
    if latest is not None and latest.is_reviewed:
        form.feedback.data = latest.feedback
        form.outcome.data = latest.outcome
        form.due_on.data = latest.due_on
    form.version.data = submission.version
    return form


def _page(submission: Submission, *, form: GradeForm, correction_form: GradeForm, status: int = 200,
          correcting: bool = False):
    """The submission page; ``correcting``: the tutor's input is in the correction form.

    A save refused because someone saved first (409) shows their grade, and the tutor's
    input moves to the correction form: the other grade stands and can only be corrected.
    """
    enrolment = submission.enrolment
    latest = submission.latest_round
    grader = enrolment.can_be_graded_by(current_user)
    input_form = correction_form if correcting else form
    conflict = grading.grade_snapshot(submission) if status == 409 else None
    return render_template(
        "tutors/submission.html", submission=submission, assignment=submission.assignment, enrolment=enrolment,
        trainee=enrolment.user, details=details_of(db.session, enrolment),
        cohort=submission.membership.cohort if submission.membership else None, latest=latest,
        attachments={a.id: a for a in submission.attachments}, form=form, correction_form=correction_form,
        may_grade=grader and submission.status == SUBMITTED,
        may_correct=grader and submission.status in (ACCEPTED, RETURNED) and latest is not None
        and latest.is_reviewed, criterion_errors=input_form.criterion_errors(), conflict=conflict,
        chosen=input_form.levels(), correcting=correcting,
        audit_entries=grading.audit_trail_with_names(db.session, current_user, submission),
        default_due=(utcnow() + timedelta(days=14)).date()), status


def _refused(submission: Submission, form: GradeForm, *, correcting: bool):
    """The page after a refused grade or correction, with what the tutor chose still in the form."""
    status = status_of(form)
    if status == 409 or correcting:
        # Their grade stands; what this tutor chose stays in the form, to apply as a correction.
        form.version.data = submission.version
        return _page(submission, form=_grade_form(submission, formdata=None), correction_form=form, status=status,
                     correcting=True)
    return _page(submission, form=form, correction_form=_prefilled_correction(submission), status=status)


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
@login_required
def submission(submission_id: int):
    found, redirect_to = _viewer_submission(submission_id)
    if redirect_to is not None:
        return redirect_to
    form = _grade_form(found)
    if request.method == "GET":
        form.version.data = found.version
        form.due_on.data = (utcnow() + timedelta(days=14)).date()
        return _page(found, form=form, correction_form=_prefilled_correction(found))
    if not form.validate_on_submit():
        return _page(found, form=form, correction_form=_prefilled_correction(found), status=400)
    with errors_on(form):
        grading.grade_submission(db.session, current_user, found, version=version_of(form.version),
                                 levels=form.levels(), feedback=form.feedback.data, outcome=form.outcome.data,
                                 due_on=form.due_on.data)
        if form.outcome.data == ACCEPTED:
            flash(_("The work has been accepted. The trainee has been told."), "success")
        else:
            flash(_("A resubmission has been requested. The trainee has been told."), "success")
        return redirect(url_for("grading.queue")), 303
    return _refused(found, form, correcting=False)


@bp.post("/submissions/<int:submission_id>/correction")
@login_required
def correct(submission_id: int):
    found, redirect_to = _viewer_submission(submission_id)
    if redirect_to is not None:
        return redirect_to
    form = _grade_form(found)
    if not form.validate_on_submit():
        return _page(found, form=_grade_form(found, formdata=None), correction_form=form, status=400,
                     correcting=True)
    with errors_on(form):
        grading.correct_grade(db.session, current_user, found, version=version_of(form.version),
                              levels=form.levels(), feedback=form.feedback.data, outcome=form.outcome.data,
                              due_on=form.due_on.data, reason=form.reason.data)
        flash(_("The grade has been corrected. The trainee has been told."), "success")
        return redirect(url_for("grading.submission", submission_id=submission_id)), 303
    return _refused(found, form, correcting=True)


# --- the tutor's notification setting --------------------------------------------------

@bp.route("/tutor/notifications", methods=["GET", "POST"])
@roles_required(TUTOR)
def preferences():
    form = PreferenceForm()
    if request.method == "GET":
        form.notify.data = notifications.preference_of(db.session, current_user)
    if form.validate_on_submit():
        with errors_on(form):
            notifications.set_preference(db.session, current_user, form.notify.data)
            flash(_("Your notification setting has been saved."), "success")
            return redirect(url_for("grading.preferences"))
    return render_template("tutors/preferences.html", form=form), status_of(form)
