"""Issuing a certificate inside the transaction that completes an enrolment, and telling
its holder of each change."""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.certificates import files
from lms.certificates.codes import generate_code
from lms.certificates.extension_points import CERTIFICATE_HOLDS
from lms.certificates.models import ACCOMPLISHMENT, COMPLETION, VALID, Certificate
from lms.certificates.notification_kinds import ISSUED
from lms.certificates.operations.validity import expiry_date, renew_earlier_certificates
from lms.certificates.tasks import render_certificate_pdf
from lms.core.errors import Conflict
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, first_available, use_language
from lms.core.mail import Mail, queue_mail
from lms.core.models import utcnow
from lms.core.tasks import enqueue_after_commit
from lms.courses.extension_points import details_of
from lms.courses.models import Course, Enrolment
from lms.notifications.operations import notify

CODE_ATTEMPTS = 5


def certificate_language(user: User, course: Course, details: dict) -> str:
    """The holder's preferred language when the course has it, then the group's, then the
    closest the course has (``language_chain``), else the course's."""
    offered = [code for code in (course.languages or []) if code in LANGUAGES]
    found = first_available(offered, user.language, details.get("language"))
    if found is not None:
        return found
    return course.default_language if course.default_language in LANGUAGES else DEFAULT_LANGUAGE


def take_snapshot(session: Session, certificate: Certificate, enrolment: Enrolment) -> None:
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


def recipient_hash(email: str, salt: str) -> str:
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
            badge_salt=salt, badge_identity=recipient_hash(enrolment.user.email, salt),
            expires_at=expiry_date(session, course.id, enrolment.completed_at))
        take_snapshot(session, certificate, enrolment)
        try:
            with session.begin_nested():
                session.add(certificate)
        except IntegrityError:
            existing = certificate_of_enrolment(session, enrolment.id)
            if existing is not None:
                return existing
            continue  # the one-in-2^80 code collision: draw again
        enqueue_after_commit(session, render_certificate_pdf, certificate.id, certificate.revision)
        # In the app and, as the holder chooses, by e-mail (lms.certificates.notification_kinds).
        notify(session, certificate.user_id, ISSUED, params={"certificate_id": certificate.id},
               link_endpoint="courses.course", link_params={"slug": enrolment.course.slug},
               dedupe_key=f"certificate-issued:{certificate.id}")
        return certificate
    raise Conflict(_("A certificate could not be issued. Please try again."))


def on_course_completed(session: Session, enrolment: Enrolment) -> None:
    """Listener of ``COURSE_COMPLETED``: issue inside the completing transaction, unless a
    feature holds the certificate back (``CERTIFICATE_HOLDS``)."""
    if any(hold(session, enrolment) for hold in CERTIFICATE_HOLDS):
        return
    release_certificate(session, enrolment)


def release_certificate(session: Session, enrolment: Enrolment) -> Certificate:
    """Issue a completed enrolment's certificate (a held one, once its hold is lifted); a
    refresher's certificate renews the holder's earlier ones it names. Idempotent."""
    existing = certificate_of_enrolment(session, enrolment.id)
    if existing is not None:
        return existing
    certificate = issue_certificate(session, enrolment)
    renew_earlier_certificates(session, certificate)
    return certificate


def tell_holder(session: Session, certificate: Certificate, event: str) -> None:
    user = certificate.user
    if not user.email or not user.is_active_account:
        return
    base = current_app.config["LMS_BASE_URL"]
    with use_language(user.language):
        subjects = {
            "reissued": _("Your certificate has been reissued"),
            "revoked": _("Your certificate has been revoked"),
            "reinstated": _("Your certificate is valid again"),
        }
        text = render_template(f"certificates/email/{event}.txt", certificate=certificate,
                               verify_url=files.verification_url(certificate.code),
                               dashboard_url=base + "/dashboard")
        queue_mail(session, Mail(to=user.email, subject=subjects[event], text=text))
