"""Marshmallow schemas for certificates; input and output kept apart."""

from flask import g, has_app_context
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import object_session

from lms.certificates.codes import format_code
from lms.certificates.files import verification_url
from lms.certificates.operations.validity import refreshers_of

TYPES = ["completion", "accomplishment"]
STATUS_VALUES = ["valid", "revoked"]
STATE_VALUES = ["valid", "expired", "revoked"]


class VerifiedCourseSchema(Schema):
    slug = fields.String()
    title = fields.String(metadata={"description": "In the request's language."})


class RenewalSchema(Schema):
    """The certificate that renewed this one (a refresher course's)."""

    code = fields.String()
    course = fields.Nested(VerifiedCourseSchema)
    issued_on = fields.Date()
    status = fields.String(metadata={"enum": STATE_VALUES})
    expires_on = fields.Date(allow_none=True)
    verification_url = fields.String()


class VerificationSchema(Schema):
    """What anyone may learn from a verification code."""

    code = fields.String(metadata={"example": "K7QM-3XJD-9PRA-T2HC"})
    status = fields.String(metadata={"enum": STATE_VALUES, "description":
                                     "expired: past its validity period (not revoked)."})
    type = fields.String(metadata={"enum": TYPES, "description":
                                   "completion: certificate of completion (tutored course); "
                                   "accomplishment: statement of accomplishment (self-paced course)."})
    type_label = fields.String()
    holder_name = fields.String()
    course = fields.Nested(VerifiedCourseSchema)
    hours = fields.Float()
    completed_on = fields.Date()
    issued_on = fields.Date()
    reissued_on = fields.Date(allow_none=True)
    revision = fields.Integer(metadata={"description": "1, raised by each reissue."})
    revoked_on = fields.Date(allow_none=True)
    revocation_reason = fields.String(allow_none=True)
    expires_on = fields.Date(allow_none=True, metadata={"description": "None: the certificate never expires."})
    renewed_by = fields.Nested(RenewalSchema, allow_none=True)
    verification_url = fields.String()


def _course_title(certificate) -> str:
    return certificate.course.title_in()


class CertificateSchema(Schema):
    """A certificate as its holder or a manager sees it."""

    id = fields.Integer()
    code = fields.Function(lambda c: format_code(c.code), metadata={"type": "string"})
    type = fields.String(attribute="kind", metadata={"enum": TYPES})
    status = fields.String(metadata={"enum": STATUS_VALUES})
    course = fields.Function(lambda c: c.course.slug, metadata={"type": "string"})
    course_title = fields.Function(_course_title, metadata={"type": "string"})
    printed_course_title = fields.String(attribute="course_title",
                                         metadata={"description": "As printed, in the certificate's language."})
    holder_name = fields.String(metadata={"description": "As printed."})
    language = fields.String()
    completed_at = fields.DateTime()
    issued_at = fields.DateTime()
    revision = fields.Integer()
    reissued_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revocation_reason = fields.String(allow_none=True)
    state = fields.String(metadata={"enum": STATE_VALUES, "description": "The status, with expiry applied."})
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "None: never expires."})
    renewed_at = fields.DateTime(allow_none=True)
    renewed_by = fields.Function(lambda c: format_code(c.renewed_by.code) if c.renewed_by_id else None,
                                 metadata={"type": "string", "nullable": True,
                                           "description": "Code of the certificate that renewed this one."})
    renewal_courses = fields.Method("_renewal_courses", metadata={
        "type": "array", "items": {"type": "string"},
        "description": "Slugs of the refresher courses that renew this certificate."})
    verification_url = fields.Function(lambda c: verification_url(c.code), metadata={"type": "string"})

    def _renewal_courses(self, certificate) -> list[str]:
        if certificate.expires_at is None:
            return []  # a certificate that never expires needs no renewal
        # Once per course in a request, not once per certificate of a list.
        known = g.setdefault("renewal_courses", {}) if has_app_context() else {}
        if certificate.course_id not in known:
            known[certificate.course_id] = [
                course.slug for course in refreshers_of(object_session(certificate), certificate.course)]
        return known[certificate.course_id]


class ManagedCertificateSchema(CertificateSchema):
    enrolment_id = fields.Integer()
    user_id = fields.Integer()
    beneficiary = fields.Function(lambda c: c.beneficiary.code if c.beneficiary else None,
                                  metadata={"type": "string", "nullable": True})
    cohort_id = fields.Integer(allow_none=True)
    cohort_name = fields.String(allow_none=True)
    tutor_names = fields.List(fields.String())
    version = fields.Integer(metadata={"description": "Send it back with a change: 409 if it moved on."})


class CertificatePageSchema(Schema):
    items = fields.List(fields.Nested(ManagedCertificateSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()


class CertificateQuerySchema(Schema):
    course = fields.String(validate=validate.Length(max=100), metadata={"description": "Course slug."})
    status = fields.String(validate=validate.OneOf(STATE_VALUES),
                           metadata={"description": "valid (and in date), expired, or revoked."})
    beneficiary = fields.String(validate=validate.Length(equal=2), metadata={"description": "Beneficiary code."})
    cohort = fields.Integer(metadata={"description": "Group id."})
    issued_from = fields.Date()
    issued_to = fields.Date()
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Name or verification code."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ReasonInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "Logged; a revocation reason is shown on the public page."})
    version = fields.Integer(metadata={"description": "The version you saw; 409 if it changed since."})


class CompletionInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "Why the course counts as completed (logged)."})


class ManualCompletionSchema(Schema):
    """Dumped from a ``ManualCompletion``."""

    enrolment_id = fields.Integer(attribute="enrolment.id")
    completed_at = fields.DateTime(attribute="enrolment.completed_at")
    completed_version = fields.Integer(attribute="enrolment.completed_version")
    completion_source = fields.String(attribute="enrolment.completion_source")
    certificate = fields.Nested(CertificateSchema, allow_none=True)


class CompletionQuerySchema(Schema):
    course = fields.String(validate=validate.Length(max=100), metadata={"description": "Course slug."})
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Part of the trainee's name or e-mail."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class EnrolmentToCompleteSchema(Schema):
    """An active enrolment not completed yet, which a manager may record as completed."""

    enrolment_id = fields.Integer(attribute="id")
    user_id = fields.Integer()
    full_name = fields.Function(lambda e: e.user.full_name, metadata={"type": "string"})
    email = fields.Function(lambda e: e.user.email, metadata={"type": "string"})
    beneficiary = fields.Function(lambda e: e.user.beneficiary.code if e.user.beneficiary else None,
                                  metadata={"type": "string", "nullable": True})
    course = fields.Function(lambda e: e.course.slug, metadata={"type": "string"})
    enrolled_at = fields.DateTime()
    progress_percent = fields.Integer()


class EnrolmentToCompletePageSchema(Schema):
    items = fields.List(fields.Nested(EnrolmentToCompleteSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
