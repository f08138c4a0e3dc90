"""Certificate pages: public verification, the holder's download, and the managers' pages."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts.models import Beneficiary, User
from lms.accounts.operations import nothing_to_show
from lms.certificates import files
from lms.certificates import operations as ops
from lms.certificates.codes import format_code, normalise_code
from lms.certificates.content import DEFAULT_REMIND_DAYS
from lms.certificates.forms import (
    CertificateSearchForm,
    CompletionSearchForm,
    ManualCompletionForm,
    ReasonForm,
    VerifyForm,
    version_of,
)
from lms.certificates.limits import limit_lookups
from lms.certificates.models import STATES, Certificate, CertificatePolicy
from lms.core.audit import entries_for
from lms.core.errors import NotFound
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _
from lms.core.permissions import roles_required
from lms.core.web import footnote_for
from lms.courses.completion import enrolment_to_complete, progress_of
from lms.courses.models import Course
from lms.extensions import db

bp = Blueprint("certificates", __name__, template_folder="templates")
MANAGERS = ("manager", "admin")
PER_PAGE = 50


def _private_page(response: Response) -> Response:
    """Verification answers change (revocation) and name a person: never cached, never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- public verification ---------------------------------------------------------------

@bp.get("/verify")
def verify_form():
    form = VerifyForm(request.args)
    if form.code.data:
        code = normalise_code(form.code.data)
        if code is not None:
            return redirect(url_for("certificates.verify", code=format_code(code)))
        form.code.errors = [_("A verification code has 16 letters and digits, like K7QM-3XJD-9PRA-T2HC.")]
    return _private_page(Response(render_template("certificates/verify_form.html", form=form)))


@bp.get("/verify/<code>")
@limit_lookups
def verify(code: str):
    try:
        certificate = ops.certificate_by_code(db.session, code)
    except NotFound:
        # The form again, saying no certificate has this code (not a generic "page not found").
        form = VerifyForm(data={"code": code})
        form.code.errors = [_("No certificate has this verification code. Check the code on the certificate "
                              "and type it again.")]
        return _private_page(Response(render_template("certificates/verify_form.html", form=form), status=404))
    return _private_page(Response(render_template("certificates/verify.html", certificate=certificate,
                                                  facts=ops.verification_facts(certificate))))


# --- the holder --------------------------------------------------------------------------

@bp.get("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    return files.pdf_download(ops.certificate_for_download(db.session, current_user, certificate_id))


HELD = "certificates_held"


def _holder_certificates() -> dict[int, Certificate]:
    """The signed-in user's certificates by enrolment, loaded once per request; no statement
    for someone the session check found holding none (``HELD``)."""
    if "holder_certificates" not in g:
        g.holder_certificates = ({} if nothing_to_show(current_user, HELD) else
                                 {c.enrolment_id: c for c in ops.holder_certificates(db.session, current_user.id)})
    return g.holder_certificates


def certificate_slot(enrolment=None, **_context) -> str:
    """Dashboard card and course page: the trainee's certificate for this enrolment, if any."""
    if enrolment is None or not current_user.is_authenticated or enrolment.user_id != current_user.id:
        return ""
    certificate = _holder_certificates().get(enrolment.id)
    if certificate is None:
        return ""
    refreshers, window = [], DEFAULT_REMIND_DAYS
    if certificate.expires_at is not None and certificate.renewed_by_id is None:
        refreshers = ops.refreshers_of(db.session, certificate.course)
        policy = db.session.get(CertificatePolicy, certificate.course_id)
        window = policy.remind_days if policy is not None else DEFAULT_REMIND_DAYS
    return render_template("certificates/_holder_slot.html", certificate=certificate, refreshers=refreshers,
                           renewal_window=window)


# --- managers: certificates --------------------------------------------------------------

def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _search_form() -> tuple[CertificateSearchForm, ops.CertificateFilters]:
    form = CertificateSearchForm(request.args)
    courses = list(db.session.scalars(select(Course).order_by(Course.slug)))
    beneficiaries = list(db.session.scalars(select(Beneficiary).order_by(Beneficiary.code)))
    scope = ops.scope_of(current_user)
    if scope is not None:
        beneficiaries = [b for b in beneficiaries if b.id in scope]
    form.course.choices = [("", _("Any course"))] + [(c.slug, c.title_in()) for c in courses]
    form.status.choices = [("", _("Any status"))] + [(key, str(label)) for key, label in STATES.items()]
    form.beneficiary.choices = [("", _("Any beneficiary"))] + [(b.code, b.name) for b in footnote_for(beneficiaries)]
    form.cohort.choices = [("", _("Any group"))] + [
        (str(cohort_id), name) for cohort_id, name in ops.cohorts_with_certificates(db.session, current_user)]
    form.validate()  # a date that is not one is left out, not refused
    filters = ops.certificate_filters(
        db.session, course=form.course.data, status=form.status.data, beneficiary=form.beneficiary.data,
        cohort_id=_int_or_none(form.cohort.data),
        issued_from=form.issued_from.data if not form.issued_from.errors else None,
        issued_to=form.issued_to.data if not form.issued_to.errors else None,
        q=form.q.data)
    return form, filters


@bp.get("/manage/certificates")
@roles_required(*MANAGERS)
def manage_certificates():
    form, filters = _search_form()
    page = db.paginate(ops.managed_certificates(current_user, filters), per_page=PER_PAGE, error_out=False)
    arguments = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("certificates/manage_list.html", form=form, page=page, arguments=arguments,
                           cohort_id=filters.cohort_id)


@bp.get("/manage/certificates/<int:certificate_id>")
@roles_required(*MANAGERS)
def manage_certificate(certificate_id: int):
    certificate = ops.certificate_to_manage(db.session, current_user, certificate_id)
    return _detail(certificate)


def _detail(certificate: Certificate, *, form: ReasonForm | None = None, action: str | None = None,
            status: int = 200):
    history = entries_for(db.session, "certificate", certificate.id)
    actor_ids = {entry.actor_id for entry in history if entry.actor_id}
    actors = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(actor_ids)))} \
        if actor_ids else {}
    forms = {name: ReasonForm(formdata=None, version=certificate.version)
             for name in ("revoke", "reinstate", "reissue")}
    if form is not None and action is not None:
        form.version.data = certificate.version
        forms[action] = form
    for name, each in forms.items():  # several forms on one page: keep their ids apart
        each.reason.id = each.reason.label.field_id = f"{name}-reason"
    profile_name = certificate.user.full_name
    return render_template("certificates/manage_detail.html", certificate=certificate, history=history,
                           actors=actors, forms=forms, profile_name=profile_name,
                           facts=ops.verification_facts(certificate)), status


def _change(certificate_id: int, action: str, operation, done_message: str):
    certificate = ops.certificate_to_manage(db.session, current_user, certificate_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return redirect(url_for("certificates.manage_certificate", certificate_id=certificate_id))
    with errors_on(form):
        operation(db.session, current_user, certificate, reason=form.reason.data, version=version_of(form))
        flash(done_message, "success")
        return redirect(url_for("certificates.manage_certificate", certificate_id=certificate_id))
    if form.refused == 409:  # changed meanwhile: say so on the certificate as it is now
        _flash_refusal(form)
        return redirect(url_for("certificates.manage_certificate", certificate_id=certificate_id)), 303
    return _detail(certificate, form=form, action=action, status=status_of(form))


def _flash_refusal(form) -> None:
    for message in form.form_errors:
        flash(message, "error")


@bp.post("/manage/certificates/<int:certificate_id>/revoke")
@roles_required(*MANAGERS)
def revoke(certificate_id: int):
    return _change(certificate_id, "revoke", ops.revoke,
                   _("The certificate has been revoked. Its verification page now says so."))


@bp.post("/manage/certificates/<int:certificate_id>/reinstate")
@roles_required(*MANAGERS)
def reinstate(certificate_id: int):
    return _change(certificate_id, "reinstate", ops.reinstate, _("The certificate is valid again."))


@bp.post("/manage/certificates/<int:certificate_id>/reissue")
@roles_required(*MANAGERS)
def reissue(certificate_id: int):
    return _change(certificate_id, "reissue", ops.reissue,
                   _("The certificate has been reissued with the same verification code."))


@bp.get("/manage/certificates/<int:certificate_id>.pdf")
@roles_required(*MANAGERS)
def manager_download(certificate_id: int):
    return files.pdf_download(ops.certificate_to_manage(db.session, current_user, certificate_id))


@bp.get("/manage/cohorts/<int:cohort_id>/certificates.zip")
@roles_required(*MANAGERS)
def cohort_zip(cohort_id: int):
    return files.zip_download(ops.cohort_certificates(db.session, current_user, cohort_id), cohort_id)


# --- managers: completions recorded by hand ---------------------------------------------

@bp.get("/manage/completions")
@roles_required(*MANAGERS)
def completions():
    form = CompletionSearchForm(request.args)
    courses = list(db.session.scalars(select(Course).order_by(Course.slug)))
    form.course.choices = [("", _("Any course"))] + [(c.slug, c.title_in()) for c in courses]
    course_id = {c.slug: c.id for c in courses}.get(form.course.data, -1) if form.course.data else None
    page = db.paginate(ops.enrolments_to_complete(current_user, course_id=course_id, q=form.q.data),
                       per_page=PER_PAGE, error_out=False)
    arguments = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("certificates/completions.html", form=form, page=page, arguments=arguments)


@bp.route("/manage/enrolments/<int:enrolment_id>/complete", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def complete_enrolment(enrolment_id: int):
    enrolment = enrolment_to_complete(db.session, current_user, enrolment_id)
    form = ManualCompletionForm()
    if form.validate_on_submit():
        with errors_on(form):
            done = ops.record_manual_completion(db.session, current_user, enrolment, form.reason.data)
            flash(_("The course is recorded as completed and the certificate has been issued."), "success")
            if done.certificate is not None:
                return redirect(url_for("certificates.manage_certificate", certificate_id=done.certificate.id))
            return redirect(url_for("certificates.completions"))
        if form.refused == 409:  # completed meanwhile (already completed)
            _flash_refusal(form)
            return redirect(url_for("certificates.completions")), 303
    progress = progress_of(db.session, enrolment, with_labels=True)
    return render_template("certificates/complete_enrolment.html", form=form, enrolment=enrolment,
                           progress=progress), status_of(form)
