"""JSON API: public verification, the holder's certificates, and the managers' doors."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from lms.certificates import files
from lms.certificates import operations as ops
from lms.certificates.limits import limit_lookups
from lms.certificates.schemas import (
    CertificatePageSchema,
    CertificateQuerySchema,
    CertificateSchema,
    CompletionInSchema,
    CompletionQuerySchema,
    EnrolmentToCompletePageSchema,
    ManagedCertificateSchema,
    ManualCompletionSchema,
    ReasonInSchema,
    VerificationSchema,
)
from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import NotAllowed
from lms.courses.completion import enrolment_to_complete
from lms.courses.models import Course
from lms.extensions import db

blp = api_blueprint("certificates_api", __name__,
                    "Certificates: public verification, downloads, revocation, reissue, manual completion.")
PDF = {"type": "string", "format": "binary"}


@blp.get("/certificates/<code>")
@limit_lookups
@blp.doc(security=[])
@blp.response(200, VerificationSchema)
@blp.alt_response(404, description="No certificate has this code.")
@blp.alt_response(429, description="Too many look-ups from this address; try again later.")
def verify(code: str):
    """Verify a certificate by its code (public; case, spaces and dashes are ignored)."""
    certificate = ops.certificate_by_code(db.session, code)
    return ops.verification_facts(certificate)


@blp.get("/me/certificates")
@authenticated
@blp.response(200, CertificateSchema(many=True))
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def my_certificates():
    """The signed-in user's certificates, newest first."""
    return ops.certificates_of_holder(db.session, current_user.id)


@blp.get("/certificates/<int:certificate_id>/pdf")
@authenticated
@blp.response(200, PDF, content_type="application/pdf", description="The certificate as a PDF.")
@blp.alt_response(403, description="Your certificate has been revoked.")
@blp.alt_response(404, description="No such certificate, or not yours.")
def certificate_pdf(certificate_id: int):
    """Download a certificate: the holder's own while valid, or one a manager manages."""
    return files.pdf_download(ops.certificate_for_download(db.session, current_user, certificate_id))


def _manager() -> None:
    if not ops.may_manage_certificates(current_user):
        raise NotAllowed()


@blp.get("/manage/certificates")
@authenticated
@blp.arguments(CertificateQuerySchema, location="query")
@blp.response(200, CertificatePageSchema)
@blp.alt_response(403, description="Not a manager, or a beneficiary outside your scope.")
def managed_certificates(args):
    """Certificates issued to trainees of the beneficiaries you manage, with filters."""
    _manager()
    filters = ops.certificate_filters(
        db.session, course=args.get("course"), status=args.get("status"), beneficiary=args.get("beneficiary"),
        cohort_id=args.get("cohort"), issued_from=args.get("issued_from"), issued_to=args.get("issued_to"),
        q=args.get("q"))
    page = db.paginate(ops.managed_certificates(current_user, filters), page=args["page"],
                       per_page=args["per_page"], error_out=False)
    return {"items": page.items, "total": page.total, "page": page.page, "pages": page.pages}


@blp.get("/manage/certificates/<int:certificate_id>")
@authenticated
@blp.response(200, ManagedCertificateSchema)
@blp.alt_response(403, description="Not a manager.")
@blp.alt_response(404, description="No such certificate in your scope.")
def managed_certificate(certificate_id: int):
    """One certificate you manage."""
    _manager()
    return ops.certificate_to_manage(db.session, current_user, certificate_id)


def _change(certificate_id: int, operation, data: dict):
    _manager()
    certificate = ops.certificate_to_manage(db.session, current_user, certificate_id)
    return operation(db.session, current_user, certificate, reason=data["reason"], version=data.get("version"))


@blp.post("/manage/certificates/<int:certificate_id>/revocation")
@authenticated
@blp.arguments(ReasonInSchema)
@blp.response(200, ManagedCertificateSchema)
@blp.alt_response(403, description="Not a manager.")
@blp.alt_response(404, description="No such certificate in your scope.")
@blp.alt_response(409, description="Already revoked, or changed by someone else (version).")
@blp.alt_response(422, description="No reason given.")
def revoke(data, certificate_id: int):
    """Revoke a certificate; its public verification then says revoked, with date and reason."""
    return _change(certificate_id, ops.revoke, data)


@blp.post("/manage/certificates/<int:certificate_id>/reinstatement")
@authenticated
@blp.arguments(ReasonInSchema)
@blp.response(200, ManagedCertificateSchema)
@blp.alt_response(403, description="Not a manager.")
@blp.alt_response(404, description="No such certificate in your scope.")
@blp.alt_response(409, description="Not revoked, or changed by someone else (version).")
@blp.alt_response(422, description="No reason given.")
def reinstate(data, certificate_id: int):
    """Undo a revocation made in error."""
    return _change(certificate_id, ops.reinstate, data)


@blp.post("/manage/certificates/<int:certificate_id>/reissue")
@authenticated
@blp.arguments(ReasonInSchema)
@blp.response(200, ManagedCertificateSchema)
@blp.alt_response(403, description="Not a manager.")
@blp.alt_response(404, description="No such certificate in your scope.")
@blp.alt_response(409, description="Changed by someone else (version).")
@blp.alt_response(422, description="No reason given, or the certificate is revoked.")
def reissue(data, certificate_id: int):
    """Reissue from the holder's current profile (e.g. a corrected name), keeping the code."""
    return _change(certificate_id, ops.reissue, data)


@blp.get("/manage/cohorts/<int:cohort_id>/certificates")
@authenticated
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/zip",
              description="A ZIP of the group's valid certificates, streamed.")
@blp.alt_response(403, description="Not a manager.")
@blp.alt_response(404, description="No such group, or not yours to see.")
def cohort_certificates(cohort_id: int):
    """Every valid certificate of a tutored group, as one ZIP of PDFs."""
    return files.zip_download(ops.cohort_certificates(db.session, current_user, cohort_id), cohort_id)


@blp.get("/manage/completions")
@authenticated
@blp.arguments(CompletionQuerySchema, location="query")
@blp.response(200, EnrolmentToCompletePageSchema)
@blp.alt_response(403, description="Not a manager.")
def enrolments_to_complete(args):
    """Active enrolments not completed yet, in your scope, by trainee's name: those whose completion
    achieved outside the platform you may record (`POST /enrolments/{id}/manual-completion`)."""
    _manager()
    course_id = None
    if args.get("course"):
        course_id = db.session.scalar(select(Course.id).where(Course.slug == args["course"])) or -1
    page = db.paginate(ops.enrolments_to_complete(current_user, course_id=course_id, q=args.get("q")),
                       page=args["page"], per_page=args["per_page"], error_out=False)
    return {"items": page.items, "total": page.total, "page": page.page, "pages": page.pages}


@blp.post("/enrolments/<int:enrolment_id>/manual-completion")
@authenticated
@blp.arguments(CompletionInSchema)
@blp.response(201, ManualCompletionSchema)
@blp.alt_response(404, description="No such enrolment in your scope.")
@blp.alt_response(409, description="Already completed.")
@blp.alt_response(422, description="No reason given, or the trainee is withdrawn.")
def complete(data, enrolment_id: int):
    """Record that a trainee completed the course outside the platform; issues the certificate."""
    enrolment = enrolment_to_complete(db.session, current_user, enrolment_id)
    return ops.record_manual_completion(db.session, current_user, enrolment, data["reason"])
