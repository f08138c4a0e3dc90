"""The certificates a manager sees: their scope, the list with its filters, a group's
certificates for one ZIP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from lms.accounts.models import Beneficiary
from lms.certificates.codes import normalise_code
from lms.certificates.models import EXPIRED, REVOKED, VALID, Certificate
from lms.certificates.pdf import PrintedCertificate
from lms.core.errors import NotAllowed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.extension_points import enrolments_of_cohort
from lms.courses.models import Course


@dataclass
class CertificateFilters:
    course_id: int | None = None
    status: str | None = None
    beneficiary_id: int | None = None
    cohort_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    q: str | None = None


def certificate_filters(session: Session, *, course: str | None = None, status: str | None = None,
                        beneficiary: str | None = None, cohort_id: int | None = None,
                        issued_from: date | None = None, issued_to: date | None = None,
                        q: str | None = None) -> CertificateFilters:
    """The filters of a certificate list as both doors take them: a course by its slug, a
    beneficiary by its code. One that names nothing matches nothing (id -1)."""
    course_id = beneficiary_id = None
    if course:
        course_id = session.scalar(select(Course.id).where(Course.slug == course)) or -1
    if beneficiary:
        beneficiary_id = session.scalar(select(Beneficiary.id).where(Beneficiary.code == beneficiary.upper())) or -1
    return CertificateFilters(course_id=course_id, status=status if status in (VALID, EXPIRED, REVOKED) else None,
                              beneficiary_id=beneficiary_id, cohort_id=cohort_id, issued_from=issued_from,
                              issued_to=issued_to, q=q)


def may_manage_certificates(user) -> bool:
    return getattr(user, "is_authenticated", False) and (user.is_admin or user.is_manager)


def scope_of(user) -> set[int] | None:
    """Beneficiary ids whose certificates ``user`` manages; None means all."""
    if user.is_admin:
        return None
    return user.managed_beneficiary_ids()


def containing(text: str) -> str:
    """A LIKE pattern (escaped with a backslash) that finds ``text`` anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def managed_certificates(user, filters: CertificateFilters) -> Select:
    """The certificates ``user`` manages that match ``filters``, newest first.

    A national manager asking for another beneficiary is refused rather than shown nothing.
    """
    if not may_manage_certificates(user):
        raise NotAllowed()
    scope = scope_of(user)
    if scope is not None and filters.beneficiary_id is not None and filters.beneficiary_id not in scope:
        raise NotAllowed(_("You manage the certificates of your own beneficiary only."))
    query = (select(Certificate).join(Course, Course.id == Certificate.course_id)
             .options(contains_eager(Certificate.course), joinedload(Certificate.beneficiary)))
    if scope is not None:
        query = query.where(Certificate.beneficiary_id.in_(scope))
    if filters.beneficiary_id is not None:
        query = query.where(Certificate.beneficiary_id == filters.beneficiary_id)
    if filters.course_id is not None:
        query = query.where(Certificate.course_id == filters.course_id)
    if filters.status == REVOKED:
        query = query.where(Certificate.status == REVOKED)
    elif filters.status in (VALID, EXPIRED):
        now = utcnow()
        in_date = or_(Certificate.expires_at.is_(None), Certificate.expires_at > now)
        query = query.where(Certificate.status == VALID,
                            in_date if filters.status == VALID else Certificate.expires_at <= now)
    if filters.cohort_id is not None:
        query = query.where(Certificate.cohort_id == filters.cohort_id)
    if filters.issued_from is not None:
        query = query.where(Certificate.issued_at >= _day_start(filters.issued_from))
    if filters.issued_to is not None:
        query = query.where(Certificate.issued_at < _day_start(filters.issued_to + timedelta(days=1)))
    text = (filters.q or "").strip()
    if text:
        code = normalise_code(text)
        pattern = containing(text.lower())
        condition = func.lower(Certificate.holder_name).like(pattern, escape="\\")
        query = query.where(or_(condition, Certificate.code == code) if code else condition)
    return query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


def cohorts_with_certificates(session: Session, user) -> list[tuple[int, str]]:
    """(id, name) of the groups with certificates in ``user``'s scope, for a filter."""
    scope = scope_of(user)
    query = (select(Certificate.cohort_id, func.max(Certificate.cohort_name))
             .where(Certificate.cohort_id.is_not(None)).group_by(Certificate.cohort_id))
    if scope is not None:
        query = query.where(Certificate.beneficiary_id.in_(scope))
    return sorted(((row[0], row[1] or "") for row in session.execute(query)), key=lambda row: row[1].lower())


def cohort_certificates(session: Session, user, cohort_id: int) -> list[PrintedCertificate]:
    """The valid certificates of a tutored group, ready to print, in holder-name order."""
    if not may_manage_certificates(user):
        raise NotAllowed()
    enrolment_ids = enrolments_of_cohort(session, user, cohort_id)
    query = (select(Certificate).options(joinedload(Certificate.beneficiary))
             .where(Certificate.enrolment_id.in_(enrolment_ids), Certificate.status == VALID)
             .order_by(Certificate.holder_name, Certificate.id))
    scope = scope_of(user)
    if scope is not None:
        query = query.where(Certificate.beneficiary_id.in_(scope))
    return [PrintedCertificate.of(certificate) for certificate in session.scalars(query)]
