"""Certificate rules: issue on completion, look up by code, revoke, reinstate, reissue, list.

Operations flush and raise domain errors; the request handler commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app, render_template
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload

from lms.accounts.models import Beneficiary, User
from lms.certificates import files
from lms.certificates.codes import format_code, generate_code, normalise_code
from lms.certificates.models import ACCOMPLISHMENT, COMPLETION, REVOKED, VALID, Certificate
from lms.certificates.pdf import PrintedCertificate
from lms.certificates.tasks import render_certificate_pdf
from lms.core import audit
from lms.core.concurrency import expect_version
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, use_language
from lms.core.mail import Mail, queue_mail
from lms.core.models import utcnow
from lms.core.tasks import enqueue_after_commit
from lms.courses.completion import complete_manually
from lms.courses.extension_points import details_of, enrolments_of_cohort
from lms.courses.models import ACTIVE, Course, Enrolment

MAX_REASON_LENGTH = 2000
CODE_ATTEMPTS = 5


# --- issuing ---------------------------------------------------------------------------

def certificate_language(user: User, course: Course, details: dict) -> str:
    """The holder's preferred language when the course has it, then the group's, else the course's."""
    offered = [code for code in (course.languages or []) if code in LANGUAGES]
    for code in (user.language, details.get("language")):
        if code in offered:
            return code
    return course.default_language if course.default_language in LANGUAGES else DEFAULT_LANGUAGE


def _take_snapshot(session: Session, certificate: Certificate, enrolment: Enrolment) -> None:
    """Copy onto the certificate what its PDF prints, as it stands now."""
    user, course = enrolment.user, enrolment.course
    details = details_of(session, enrolment)
    language = certificate_language(user, course, details)
    beneficiary = details.get("beneficiary")
    certificate.language = language
    certificate.holder_name = user.full_name
    certificate.course_title = course.title_in(language)[:300]
    certificate.hours = Decimal(course.hours)
    certificate.beneficiary_id = beneficiary.id if beneficiary is not None else user.beneficiary_id
    certificate.cohort_id = details.get("cohort_id")
    certificate.cohort_name = details.get("cohort")
    certificate.tutor_names = [str(name) for name in details.get("tutors") or []]


def _recipient_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


def certificate_of_enrolment(session: Session, enrolment_id: int) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment_id))


def issue_certificate(session: Session, enrolment: Enrolment) -> Certificate:
    """Issue the enrolment's one certificate (or return it if it exists), in this transaction."""
    existing = certificate_of_enrolment(session, enrolment.id)
    if existing is not None:
        return existing
    course = enrolment.course
    salt = secrets.token_hex(16)
    for _attempt in range(CODE_ATTEMPTS):
        certificate = Certificate(
            enrolment_id=enrolment.id, user_id=enrolment.user_id, course_id=course.id,
            kind=COMPLETION if course.is_tutored else ACCOMPLISHMENT, code=generate_code(),
            status=VALID, issued_at=utcnow(), completed_at=enrolment.completed_at,
            course_version=enrolment.completed_version or course.version, revision=1,
            badge_salt=salt, badge_identity=_recipient_hash(enrolment.user.email, salt))
        _take_snapshot(session, certificate, enrolment)
        try:
            with session.begin_nested():
                session.add(certificate)
        except IntegrityError:
            existing = certificate_of_enrolment(session, enrolment.id)
            if existing is not None:
                return existing
            continue  # the one-in-2^80 code collision: draw again
        enqueue_after_commit(session, render_certificate_pdf, certificate.id, certificate.revision)
        _tell_holder(session, certificate, "issued")
        return certificate
    raise Conflict(_("A certificate could not be issued. Please try again."))


def on_course_completed(session: Session, enrolment: Enrolment) -> None:
    """Listener of ``COURSE_COMPLETED``: issue inside the completing transaction."""
    issue_certificate(session, enrolment)


def _tell_holder(session: Session, certificate: Certificate, event: str) -> None:
    user = certificate.user
    if not user.email or not user.is_active_account:
        return
    base = current_app.config["LMS_BASE_URL"]
    with use_language(user.language):
        subjects = {
            "issued": _("Your certificate is ready"),
            "reissued": _("Your certificate has been reissued"),
            "revoked": _("Your certificate has been revoked"),
            "reinstated": _("Your certificate is valid again"),
        }
        text = render_template(f"certificates/email/{event}.txt", certificate=certificate,
                               verify_url=files.verification_url(certificate.code),
                               dashboard_url=base + "/dashboard")
        queue_mail(session, Mail(to=user.email, subject=subjects[event], text=text))


# --- looking up ------------------------------------------------------------------------

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


def certificates_of_holder(session: Session, user_id: int) -> list[Certificate]:
    return list(session.scalars(
        select(Certificate).join(Course, Course.id == Certificate.course_id)
        .options(contains_eager(Certificate.course))
        .where(Certificate.user_id == user_id).order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


# --- revoking, reinstating, reissuing ----------------------------------------------------

def _check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(_("Keep the reason under {count} characters.").format(count=MAX_REASON_LENGTH),
                               field="reason")
    return reason


def _expect_version(certificate: Certificate, version: int | None) -> None:
    """The version the manager saw; a save that races another fails on its UPDATE (409 too)."""
    expect_version(certificate, version,
                   _("Someone else changed this certificate in the meantime. Check it again."))


def _state(certificate: Certificate) -> dict:
    return {"status": certificate.status, "revision": certificate.revision,
            "holder_name": certificate.holder_name, "language": certificate.language,
            "revocation_reason": certificate.revocation_reason}


def revoke(session: Session, actor: User, certificate: Certificate, *, reason: str | None,
           version: int | None = None) -> Certificate:
    """Withdraw a certificate; its verification page then says revoked, with date and reason."""
    if not certificate.can_be_managed_by(actor):
        raise NotAllowed()
    reason = _check_reason(reason)
    _expect_version(certificate, version)
    if certificate.is_revoked:
        raise Conflict(_("This certificate is already revoked."))
    before = _state(certificate)
    certificate.status = REVOKED
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id
    certificate.revocation_reason = reason
    session.flush()
    audit.record(session, actor_id=actor.id, action="certificate.revoked", subject_type="certificate",
                 subject_id=certificate.id, before=before, after=_state(certificate), reason=reason)
    _tell_holder(session, certificate, "revoked")
    return certificate


def reinstate(session: Session, actor: User, certificate: Certificate, *, reason: str | None,
              version: int | None = None) -> Certificate:
    """Undo a revocation made in error; logged like the revocation itself."""
    if not certificate.can_be_managed_by(actor):
        raise NotAllowed()
    reason = _check_reason(reason)
    _expect_version(certificate, version)
    if certificate.is_valid:
        raise Conflict(_("This certificate is not revoked."))
    before = _state(certificate)
    certificate.status = VALID
    certificate.revoked_at = None
    certificate.revoked_by_id = None
    certificate.revocation_reason = None
    session.flush()
    audit.record(session, actor_id=actor.id, action="certificate.reinstated", subject_type="certificate",
                 subject_id=certificate.id, before=before, after=_state(certificate), reason=reason)
    _tell_holder(session, certificate, "reinstated")
    return certificate


def reissue(session: Session, actor: User, certificate: Certificate, *, reason: str | None,
            version: int | None = None) -> Certificate:
    """Print the certificate again from the holder's profile as it is now, keeping its code.

    The earlier PDF still carries the same code, so it verifies to this same record, which
    shows the current name and that the certificate was reissued.
    """
    if not certificate.can_be_managed_by(actor):
        raise NotAllowed()
    reason = _check_reason(reason)
    _expect_version(certificate, version)
    if certificate.is_revoked:
        raise ValidationFailed(_("This certificate is revoked. Reinstate it before reissuing it."))
    before = _state(certificate)
    _take_snapshot(session, certificate, certificate.enrolment)
    # The badge names its recipient by e-mail: follow a changed address too.
    certificate.badge_salt = secrets.token_hex(16)
    certificate.badge_identity = _recipient_hash(certificate.user.email, certificate.badge_salt)
    certificate.revision += 1
    certificate.reissued_at = utcnow()
    session.flush()
    audit.record(session, actor_id=actor.id, action="certificate.reissued", subject_type="certificate",
                 subject_id=certificate.id, before=before, after=_state(certificate), reason=reason)
    enqueue_after_commit(session, render_certificate_pdf, certificate.id, certificate.revision)
    _tell_holder(session, certificate, "reissued")
    return certificate


# --- completions recorded by hand ----------------------------------------------------------

@dataclass(frozen=True)
class ManualCompletion:
    """A completion a manager recorded by hand, and the certificate it issued."""

    enrolment: Enrolment
    certificate: Certificate | None


def record_manual_completion(session: Session, actor: User, enrolment: Enrolment, reason: str) -> ManualCompletion:
    """Mark the course completed (``lms.courses.completion.complete_manually``): the
    certificate is issued in the same transaction."""
    complete_manually(session, actor, enrolment, reason)
    return ManualCompletion(enrolment, certificate_of_enrolment(session, enrolment.id))


def enrolments_to_complete(user, *, course_id: int | None = None, q: str | None = None) -> Select:
    """Active, uncompleted enrolments in ``user``'s scope that match, by trainee's name."""
    query = (select(Enrolment).join(User, User.id == Enrolment.user_id).join(Course, Course.id == Enrolment.course_id)
             .options(contains_eager(Enrolment.user).joinedload(User.beneficiary),
                      contains_eager(Enrolment.course))
             .where(Enrolment.status == ACTIVE, Enrolment.completed_at.is_(None)))
    scope = scope_of(user)
    if scope is not None:
        query = query.where(User.beneficiary_id.in_(scope))
    if course_id is not None:
        query = query.where(Enrolment.course_id == course_id)
    text = (q or "").strip().lower()
    if text:
        pattern = _containing(text)
        query = query.where(or_(func.lower(User.full_name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\")))
    return query.order_by(User.full_name, Enrolment.id)


# --- lists for managers ----------------------------------------------------------------

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
    return CertificateFilters(course_id=course_id, status=status if status in (VALID, REVOKED) else None,
                              beneficiary_id=beneficiary_id, cohort_id=cohort_id, issued_from=issued_from,
                              issued_to=issued_to, q=q)


def may_manage_certificates(user) -> bool:
    return getattr(user, "is_authenticated", False) and (user.is_admin or user.is_manager)


def scope_of(user) -> set[int] | None:
    """Beneficiary ids whose certificates ``user`` manages; None means all."""
    if user.is_admin:
        return None
    return user.managed_beneficiary_ids()


def _containing(text: str) -> str:
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
    if filters.status in (VALID, REVOKED):
        query = query.where(Certificate.status == filters.status)
    if filters.cohort_id is not None:
        query = query.where(Certificate.cohort_id == filters.cohort_id)
    if filters.issued_from is not None:
        query = query.where(Certificate.issued_at >= _day_start(filters.issued_from))
    if filters.issued_to is not None:
        query = query.where(Certificate.issued_at < _day_start(filters.issued_to + timedelta(days=1)))
    text = (filters.q or "").strip()
    if text:
        code = normalise_code(text)
        pattern = _containing(text.lower())
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


def verification_facts(certificate: Certificate) -> dict:
    """What anyone may learn from a verification code — and nothing else about the holder."""
    return {
        "code": format_code(certificate.code),
        "status": certificate.status,
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
        "verification_url": files.verification_url(certificate.code),
    }
