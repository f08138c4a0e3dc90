"""What a manager does to a certificate: revoke it, reinstate it, reissue it. Each needs a
reason, is logged, tells the holder, and refuses a certificate changed since it was seen."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.certificates.models import REVOKED, VALID, Certificate
from lms.certificates.operations.issuing import recipient_hash, take_snapshot, tell_holder
from lms.certificates.tasks import render_certificate_pdf
from lms.core import audit
from lms.core.concurrency import expect_version
from lms.core.errors import Conflict, NotAllowed, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.tasks import enqueue_after_commit

MAX_REASON_LENGTH = 2000


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
    tell_holder(session, certificate, "revoked")
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
    tell_holder(session, certificate, "reinstated")
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
    take_snapshot(session, certificate, certificate.enrolment)
    # The badge names its recipient by e-mail: follow a changed address too.
    certificate.badge_salt = secrets.token_hex(16)
    certificate.badge_identity = recipient_hash(certificate.user.email, certificate.badge_salt)
    certificate.revision += 1
    certificate.reissued_at = utcnow()
    session.flush()
    audit.record(session, actor_id=actor.id, action="certificate.reissued", subject_type="certificate",
                 subject_id=certificate.id, before=before, after=_state(certificate), reason=reason)
    enqueue_after_commit(session, render_certificate_pdf, certificate.id, certificate.revision)
    tell_holder(session, certificate, "reissued")
    return certificate
