"""Finding a certificate (by code, for its holder, for its managers) and what anyone may
learn from its code."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from lms.certificates import files
from lms.certificates.codes import format_code, normalise_code
from lms.certificates.models import Certificate
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import _
from lms.core.loading import loaded_columns, rows_as_loaded
from lms.core.unit_of_work import flush_pending
from lms.courses.models import Course


def certificate_by_code(session: Session, typed: str | None) -> Certificate:
    """The certificate a typed code names (case, spaces and dashes ignored); NotFound otherwise."""
    code = normalise_code(typed)
    certificate = None
    if code is not None:
        certificate = session.scalar(
            select(Certificate).options(joinedload(Certificate.course)).where(Certificate.code == code))
    if certificate is None:
        raise NotFound()
    return certificate


def certificate_by_id(session: Session, certificate_id: int) -> Certificate:
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound()
    return certificate


def certificate_for_download(session: Session, user, certificate_id: int) -> Certificate:
    certificate = certificate_by_id(session, certificate_id)
    if certificate.is_held_by(user) and certificate.is_revoked:
        raise NotAllowed(_("This certificate has been revoked and can no longer be downloaded."))
    if not certificate.can_be_downloaded_by(user):
        raise NotFound()  # other people's certificates are not even said to exist
    return certificate


def certificate_to_manage(session: Session, user, certificate_id: int) -> Certificate:
    certificate = certificate_by_id(session, certificate_id)
    if not certificate.can_be_managed_by(user):
        raise NotFound()
    return certificate


def _of_holder(statement, user_id=None):
    """A holder's certificates, the newest first (the holder's id: a column, or the
    statement's ``user_id`` parameter)."""
    return (statement.where(Certificate.user_id == (bindparam("user_id") if user_id is None else user_id))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))


def held_by(user_id):
    """How many certificates the person with this id (a column) holds, as a scalar subquery:
    asked with the session check of the pages with certificate boxes (``SESSION_FACTS``), so
    that someone holding none costs them no statement."""
    return _of_holder(select(func.count()).select_from(Certificate), user_id).order_by(None).scalar_subquery()


# For the API: built once, each certificate with its course.
_OF_HOLDER = _of_holder(select(Certificate).join(Course, Course.id == Certificate.course_id)
                        .options(contains_eager(Certificate.course)))


def certificates_of_holder(session: Session, user_id: int) -> list[Certificate]:
    return list(session.scalars(_OF_HOLDER, {"user_id": user_id}))


# The same for the certificate boxes of the dashboard and the course page, which run it on
# every view: plain rows made into certificates (lms.core.loading); the course of each is
# the one the page has already loaded (the holder's enrolment's).
_HOLDER_COLUMNS = loaded_columns(Certificate)
_OF_HOLDER_ROWS = _of_holder(select(*(column for _name, column in _HOLDER_COLUMNS)))


def holder_certificates(session: Session, user_id: int) -> list[Certificate]:
    """``certificates_of_holder`` without loading their courses with them."""
    flush_pending(session)
    rows = session.connection().execute(_OF_HOLDER_ROWS, {"user_id": user_id})
    return rows_as_loaded(session, Certificate, _HOLDER_COLUMNS, rows)


def verification_facts(certificate: Certificate) -> dict:
    """What anyone may learn from a verification code — and nothing else about the holder."""
    return {
        "code": format_code(certificate.code),
        "status": certificate.state,
        "type": certificate.kind,
        "type_label": certificate.kind_label,
        "holder_name": certificate.holder_name,
        "course": {"slug": certificate.course.slug, "title": certificate.course.title_in()},
        "hours": float(certificate.hours),
        "completed_on": certificate.completed_at.date(),
        "issued_on": certificate.issued_at.date(),
        "reissued_on": certificate.reissued_at.date() if certificate.reissued_at else None,
        "revision": certificate.revision,
        "revoked_on": certificate.revoked_at.date() if certificate.revoked_at else None,
        "revocation_reason": certificate.revocation_reason if certificate.is_revoked else None,
        "expires_on": certificate.expires_at.date() if certificate.expires_at else None,
        "renewed_by": _renewal(certificate.renewed_by) if certificate.renewed_by_id else None,
        "verification_url": files.verification_url(certificate.code),
    }


def _renewal(renewal: Certificate) -> dict:
    """The certificate that renewed one: its code and page, its course, how long it is valid."""
    return {"code": format_code(renewal.code), "course": {"slug": renewal.course.slug,
                                                         "title": renewal.course.title_in()},
            "issued_on": renewal.issued_at.date(), "status": renewal.state,
            "expires_on": renewal.expires_at.date() if renewal.expires_at else None,
            "verification_url": files.verification_url(renewal.code)}
