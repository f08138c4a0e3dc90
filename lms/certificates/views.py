"""Certificate pages: public verification, the holder's download, and the managers' pages."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from lms.accounts.models import Beneficiary, User
from lms.certificates import files
from lms.certificates import operations as ops
from lms.certificates.codes import format_code, normalise_code
from lms.certificates.forms import (
    CertificateSearchForm,
    CompletionSearchForm,
    ManualCompletionForm,
    ReasonForm,
    VerifyForm,
    version_of,
)
from lms.certificates.limits import limit_lookups
from lms.certificates.models import REVOKED, STATUSES, VALID, Certificate
from lms.certificates.pdf import PrintedCertificate
from lms.core.audit import entries_for
from lms.core.errors import Conflict, NotFound, ValidationFailed
from lms.core.forms import attach_errors
from lms.core.i18n import _
from lms.core.permissions import roles_required
from lms.courses.completion import complete_manually, progress_of
from lms.courses.models import ACTIVE, Course, Enrolment
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
    certificate = ops.certificate_by_code(db.session, code)
    return _private_page(Response(render_template("certificates/verify.html", certificate=certificate,
                                                  facts=ops.verification_facts(certificate))))


# --- the holder --------------------------------------------------------------------------

def _send_pdf(certificate: Certificate):
    printed = PrintedCertificate.of(certificate)
    response = send_file(io.BytesIO(files.pdf_bytes(printed)), mimetype="application/pdf",
                         as_attachment=True, download_name=files.file_name(printed))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    return _send_pdf(ops.certificate_for_download(db.session, current_user, certificate_id))


def _holder_certificates() -> dict[int, Certificate]:
    """The signed-in user's certificates by enrolment, loaded once per request."""
    if "holder_certificates" not in g:
        g.holder_certificates = {c.enrolment_id: c for c in ops.certificates_of_holder(db.session, current_user.id)}
    return g.holder_certificates


def certificate_slot(enrolment=None, **_context) -> str:
    """Dashboard card and course page: the trainee's certificate for this enrolment, if any."""
    if enrolment is None or not current_user.is_authenticated or enrolment.user_id != current_user.id:
        return ""
    certificate = _holder_certificates().get(enrolment.id)
    if certificate is None:
        return ""
    return render_template("certificates/_holder_slot.html", certificate=certificate)


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
    form.status.choices = [("", _("Any status"))] + [(key, str(label)) for key, label in STATUSES.items()]
    form.beneficiary.choices = [("", _("Any beneficiary"))] + [(b.code, b.name) for b in beneficiaries]
    form.cohort.choices = [("", _("Any group"))] + [
        (str(cohort_id), name) for cohort_id, name in ops.cohorts_with_certificates(db.session, current_user)]
    form.validate()
    by_code = {b.code: b.id for b in db.session.scalars(select(Beneficiary))}
    by_slug = {c.slug: c.id for c in courses}
    filters = ops.CertificateFilters(
        course_id=by_slug.get(form.course.data) if form.course.data else None,
        status=form.status.data if form.status.data in (VALID, REVOKED) else None,
        beneficiary_id=by_code.get(form.beneficiary.data, -1) if form.beneficiary.data else None,
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
    try:
        operation(db.session, current_user, certificate, reason=form.reason.data, version=version_of(form))
    except ValidationFailed as exc:
        db.session.rollback()
        attach_errors(form, exc.errors)
        certificate = ops.certificate_to_manage(db.session, current_user, certificate_id)
        return _detail(certificate, form=form, action=action, status=422)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("certificates.manage_certificate", certificate_id=certificate_id)), 303
    db.session.commit()
    flash(done_message, "success")
    return redirect(url_for("certificates.manage_certificate", certificate_id=certificate_id))


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
    return _send_pdf(ops.certificate_to_manage(db.session, current_user, certificate_id))


def zip_response(printed: list[PrintedCertificate], cohort_id: int) -> Response:
    """Stream the archive: each PDF is rendered (or read from the cache) as it is sent.

    The facts were read before the response started; the stream needs no request or
    database session, only the application (settings, the certificate's language).
    """
    response = Response(files.zip_stream(printed, current_app._get_current_object()),
                        mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="certificates-group-{cohort_id}.zip"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@bp.get("/manage/cohorts/<int:cohort_id>/certificates.zip")
@roles_required(*MANAGERS)
def cohort_zip(cohort_id: int):
    printed = ops.cohort_certificates(db.session, current_user, cohort_id)
    db.session.commit()  # end the read transaction before a long download
    return zip_response(printed, cohort_id)


# --- managers: completions recorded by hand ---------------------------------------------

def _completable_enrolments(form: CompletionSearchForm, courses: list[Course]):
    query = (select(Enrolment).join(User, User.id == Enrolment.user_id).join(Course, Course.id == Enrolment.course_id)
             .options(contains_eager(Enrolment.user).joinedload(User.beneficiary),
                      contains_eager(Enrolment.course))
             .where(Enrolment.status == ACTIVE, Enrolment.completed_at.is_(None)))
    scope = ops.scope_of(current_user)
    if scope is not None:
        query = query.where(User.beneficiary_id.in_(scope))
    slug_ids = {c.slug: c.id for c in courses}
    if form.course.data:
        query = query.where(Enrolment.course_id == slug_ids.get(form.course.data, -1))
    text = (form.q.data or "").strip().lower()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(func.lower(User.full_name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\")))
    return query.order_by(User.full_name, Enrolment.id)


@bp.get("/manage/completions")
@roles_required(*MANAGERS)
def completions():
    form = CompletionSearchForm(request.args)
    courses = list(db.session.scalars(select(Course).order_by(Course.slug)))
    form.course.choices = [("", _("Any course"))] + [(c.slug, c.title_in()) for c in courses]
    page = db.paginate(_completable_enrolments(form, courses), per_page=PER_PAGE, error_out=False)
    arguments = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("certificates/completions.html", form=form, page=page, arguments=arguments)


@bp.route("/manage/enrolments/<int:enrolment_id>/complete", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def complete_enrolment(enrolment_id: int):
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or not enrolment.can_be_completed_manually_by(current_user):
        raise NotFound()
    form = ManualCompletionForm()
    status = 200
    if form.validate_on_submit():
        try:
            complete_manually(db.session, current_user, enrolment, form.reason.data)
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
            enrolment = db.session.get(Enrolment, enrolment_id)
            status = 422
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("certificates.completions")), 303
        else:
            certificate = ops.certificate_of_enrolment(db.session, enrolment.id)
            db.session.commit()
            flash(_("The course is recorded as completed and the certificate has been issued."), "success")
            if certificate is not None:
                return redirect(url_for("certificates.manage_certificate", certificate_id=certificate.id))
            return redirect(url_for("certificates.completions"))
    progress = progress_of(db.session, enrolment, with_labels=True)
    return render_template("certificates/complete_enrolment.html", form=form, enrolment=enrolment,
                           progress=progress), status

