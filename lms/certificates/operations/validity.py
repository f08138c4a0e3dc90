"""Validity and recertification: when a certificate expires, reminding its holder before it
does, and renewing it through a refresher course."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from lms.certificates import files
from lms.certificates.content import DEFAULT_REMIND_DAYS, MAX_REMIND_DAYS
from lms.certificates.models import VALID, Certificate, CertificatePolicy
from lms.core import audit
from lms.core.i18n import _, use_language
from lms.core.mail import Mail, queue_mail
from lms.core.urls import absolute_url
from lms.courses.models import Course


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan → 28 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def policy_of(session: Session, course_id: int) -> CertificatePolicy | None:
    return session.get(CertificatePolicy, course_id)


def expiry_date(session: Session, course_id: int, completed_at: datetime) -> datetime | None:
    """When a certificate of the course completed at ``completed_at`` expires; None: never."""
    policy = policy_of(session, course_id)
    if policy is None or policy.valid_months is None:
        return None
    return add_months(completed_at, policy.valid_months)


def refreshers_of(session: Session, course: Course) -> list[Course]:
    """The courses whose completion renews ``course``'s certificates, by slug."""
    policies = session.scalars(select(CertificatePolicy).options(joinedload(CertificatePolicy.course)))
    return sorted((p.course for p in policies if course.slug in (p.renews or [])), key=lambda c: c.slug)


def renew_earlier_certificates(session: Session, certificate: Certificate) -> list[Certificate]:
    """The holder's certificates that ``certificate`` (a refresher's) renews: those of the
    courses its course names, valid, with an expiry date, and not renewed before."""
    policy = policy_of(session, certificate.course_id)
    if policy is None or not policy.renews:
        return []
    renewed = list(session.scalars(
        select(Certificate).join(Course, Course.id == Certificate.course_id)
        .where(Certificate.user_id == certificate.user_id, Course.slug.in_(policy.renews),
               Certificate.status == VALID, Certificate.expires_at.is_not(None),
               Certificate.renewed_by_id.is_(None), Certificate.id != certificate.id)
        .order_by(Certificate.id)))
    for earlier in renewed:
        earlier.renewed_by_id = certificate.id
        earlier.renewed_at = certificate.issued_at
        audit.record(session, actor_id=None, action="certificate.renewed", subject_type="certificate",
                     subject_id=earlier.id, before={"renewed_by": None},
                     after={"renewed_by": certificate.code})
    session.flush()
    return renewed


@dataclass(frozen=True)
class Reminders:
    sent: int
    skipped: int


def remind_days_of(session: Session) -> dict[int, int]:
    return {p.course_id: p.remind_days for p in session.scalars(select(CertificatePolicy))}


def send_expiry_reminders(session: Session, now: datetime) -> Reminders:
    """Tell each holder whose certificate expires within its course's reminder period, once.

    Safe to run twice at once: a certificate is marked reminded in the same transaction
    as its e-mail, and its version makes the second run's update fail.
    """
    days_by_course = remind_days_of(session)
    refreshers: dict[int, list[Course]] = {}
    due = list(session.scalars(
        select(Certificate).options(joinedload(Certificate.course), joinedload(Certificate.user))
        .where(Certificate.status == VALID, Certificate.renewed_by_id.is_(None),
               Certificate.reminded_at.is_(None), Certificate.expires_at > now,
               Certificate.expires_at <= now + timedelta(days=MAX_REMIND_DAYS))
        .order_by(Certificate.expires_at, Certificate.id)))
    sent = skipped = 0
    for certificate in due:
        days = days_by_course.get(certificate.course_id, DEFAULT_REMIND_DAYS)
        if certificate.expires_at > now + timedelta(days=days):
            continue
        certificate.reminded_at = now
        if certificate.course_id not in refreshers:
            refreshers[certificate.course_id] = refreshers_of(session, certificate.course)
        if _tell_of_expiry(session, certificate, refreshers[certificate.course_id]):
            sent += 1
        else:
            skipped += 1
    session.flush()
    return Reminders(sent, skipped)


def _tell_of_expiry(session: Session, certificate: Certificate, refreshers: list[Course]) -> bool:
    user = certificate.user
    if not user.email or not user.is_active_account:
        return False
    with use_language(user.language):
        text = render_template(
            "certificates/email/expiring.txt", certificate=certificate,
            refreshers=[(course.title_in(user.language), absolute_url("courses.course", slug=course.slug))
                        for course in refreshers],
            verify_url=files.verification_url(certificate.code),
            dashboard_url=current_app.config["LMS_BASE_URL"] + "/dashboard")
        queue_mail(session, Mail(to=user.email, subject=_("Your certificate expires soon"), text=text))
    return True
