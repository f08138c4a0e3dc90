"""Background work of certificates: their PDFs rendered before anyone asks for them, and
the daily reminders of certificates about to expire."""

from __future__ import annotations

from lms.certificates import files
from lms.certificates.models import Certificate
from lms.certificates.operations.validity import send_expiry_reminders
from lms.certificates.pdf import PrintedCertificate
from lms.core.models import utcnow
from lms.core.tasks import crontab, periodic, task
from lms.extensions import db


@task(retries=2, retry_delay=30)
def render_certificate_pdf(certificate_id: int, revision: int) -> None:
    """Render a certificate's PDF into this worker's cache (a download renders it otherwise)."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.revision != revision:
        return  # reissued meanwhile: that revision has its own task
    files.prerender(PrintedCertificate.of(certificate))


@periodic(crontab(minute="30", hour="6"))
def remind_expiring_certificates() -> int:
    """Each morning, holders whose certificates expire within their course's reminder period."""
    return send_expiry_reminders(db.session, utcnow()).sent
