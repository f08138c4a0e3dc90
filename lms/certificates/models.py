"""A certificate: one per completed enrolment, with a public verification code.

What the PDF prints is kept on the record as it stood when the certificate was issued
(or last reissued): the PDF of a given revision is then always the same document, and
a later course update or profile edit never silently changes a certificate someone
already holds. A manager reissues to take up a corrected name.

A course may give its certificates a validity period (``certificate: valid_for_months``
in course.yaml, kept here as a ``CertificatePolicy``): the certificate then carries the
date it expires, set once when it is issued. An expired certificate is not revoked: it
verifies as expired. A refresher course (``renews: [slug]``) renews it: completing the
refresher issues the refresher's own certificate, and the old one records which
certificate renewed it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Beneficiary, User
from lms.certificates.codes import format_code
from lms.core.i18n import _l
from lms.core.models import Base, JSONType, utcnow
from lms.courses.models import Course, Enrolment

# A tutored course ends in a certificate of completion, a self-paced one in a statement
# of accomplishment.
COMPLETION, ACCOMPLISHMENT = "completion", "accomplishment"
KINDS = {
    COMPLETION: _l("Certificate of completion"),
    ACCOMPLISHMENT: _l("Statement of accomplishment"),
}
VALID, REVOKED = "valid", "revoked"
STATUSES = {VALID: _l("Valid"), REVOKED: _l("Revoked")}
# What a certificate is now: its status, and for a valid one whether its validity has run out.
EXPIRED = "expired"
STATES = {VALID: _l("Valid"), EXPIRED: _l("Expired"), REVOKED: _l("Revoked")}


class Certificate(Base):
    __tablename__ = "certificate"
    __table_args__ = (
        # Exactly one certificate per enrolment: a second insert for it cannot succeed.
        UniqueConstraint("enrolment_id"),
        UniqueConstraint("code"),
        CheckConstraint("kind IN ('completion', 'accomplishment')", name="known_kind"),
        CheckConstraint("status IN ('valid', 'revoked')", name="known_status"),
        Index("ix_certificate_course_issued", "course_id", "issued_at"),
        Index("ix_certificate_beneficiary_issued", "beneficiary_id", "issued_at"),
        Index("ix_certificate_expires", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=VALID)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime] = mapped_column()
    course_version: Mapped[int] = mapped_column()

    # As printed, in ``language``; refreshed by a reissue.
    language: Mapped[str] = mapped_column(String(10))
    holder_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(300))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    # The group's beneficiary for a tutored course, else the holder's: whose managers see it.
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary.id"))
    # From the tutored group, when there is one (printed only then).
    cohort_id: Mapped[int | None] = mapped_column(index=True)
    cohort_name: Mapped[str | None] = mapped_column(String(200))
    tutor_names: Mapped[list] = mapped_column(JSONType, default=list)

    revision: Mapped[int] = mapped_column(default=1)
    reissued_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    # Open Badges 2.0: the recipient's e-mail, salted and hashed, as of issuance.
    badge_salt: Mapped[str] = mapped_column(String(32))
    badge_identity: Mapped[str] = mapped_column(String(80))

    # Set once at issue from the course's validity period; None: never expires.
    expires_at: Mapped[datetime | None] = mapped_column()
    # The holder was reminded that it expires soon (once per certificate).
    reminded_at: Mapped[datetime | None] = mapped_column()
    # The refresher's certificate that renewed this one, and when.
    renewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    renewed_at: Mapped[datetime | None] = mapped_column()

    # Two managers acting on one certificate at once: the second is told (409).
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    enrolment: Mapped[Enrolment] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    course: Mapped[Course] = relationship()
    beneficiary: Mapped[Beneficiary | None] = relationship()
    renewed_by: Mapped[Certificate | None] = relationship(remote_side="Certificate.id", foreign_keys=[renewed_by_id])

    @property
    def grouped_code(self) -> str:
        return format_code(self.code)

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    @property
    def is_revoked(self) -> bool:
        return self.status == REVOKED

    def is_expired_at(self, moment: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= moment

    @property
    def is_expired(self) -> bool:
        """Valid but past its validity period (a revoked certificate is revoked, not expired)."""
        return self.is_valid and self.is_expired_at(utcnow())

    @property
    def is_current(self) -> bool:
        """Valid and in date: what a holder may show as a certificate they hold now."""
        return self.is_valid and not self.is_expired

    @property
    def state(self) -> str:
        """valid, expired or revoked, as verification tells it."""
        if self.is_revoked:
            return REVOKED
        return EXPIRED if self.is_expired else VALID

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])

    def expires_within(self, days: int, moment: datetime | None = None) -> bool:
        moment = moment or utcnow()
        return (self.is_valid and self.expires_at is not None
                and moment < self.expires_at <= moment + timedelta(days=days))

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def is_tutored(self) -> bool:
        return self.kind == COMPLETION

    def is_held_by(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and user.id == self.user_id

    def can_be_managed_by(self, user) -> bool:
        """Admins, and managers whose scope covers the certificate's beneficiary."""
        if not getattr(user, "is_authenticated", False):
            return False
        return user.is_admin or (user.is_manager and user.can_manage_beneficiary(self.beneficiary_id))

    def can_be_downloaded_by(self, user) -> bool:
        """The holder while it is valid; its managers always (for their records)."""
        return (self.is_held_by(user) and self.is_valid) or self.can_be_managed_by(user)

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.grouped_code} {self.status}>"


class CertificatePolicy(Base):
    """A course's rules for its certificates, from course.yaml's ``certificate`` section."""

    __tablename__ = "certificate_policy"
    __table_args__ = (
        CheckConstraint("valid_months IS NULL OR valid_months > 0", name="positive_validity"),
        CheckConstraint("remind_days >= 0", name="reminder_days"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    # Months a certificate is valid for, from the completion date; None: it never expires.
    valid_months: Mapped[int | None] = mapped_column()
    # How many days before the expiry date its holder is reminded.
    remind_days: Mapped[int] = mapped_column(default=30)
    # Slugs of the courses whose certificates completing this one renews (a refresher).
    renews: Mapped[list] = mapped_column(JSONType, default=list)

    course: Mapped[Course] = relationship()
