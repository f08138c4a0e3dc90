"""A certificate: one per completed enrolment, with a public verification code.

What the PDF prints is kept on the record as it stood when the certificate was issued
(or last reissued): the PDF of a given revision is then always the same document, and
a later course update or profile edit never silently changes a certificate someone
already holds. A manager reissues to take up a corrected name.
"""

from __future__ import annotations

from datetime import datetime
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

    # Two managers acting on one certificate at once: the second is told (409).
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    enrolment: Mapped[Enrolment] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    course: Mapped[Course] = relationship()
    beneficiary: Mapped[Beneficiary | None] = relationship()

    @property
    def grouped_code(self) -> str:
        return format_code(self.code)

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    @property
    def is_revoked(self) -> bool:
        return self.status == REVOKED

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
