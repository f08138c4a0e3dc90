"""Background work of certificates: their PDFs rendered before anyone asks for them."""

from __future__ import annotations

from lms.certificates import files
from lms.certificates.models import Certificate
from lms.certificates.pdf import PrintedCertificate
from lms.core.tasks import task
from lms.extensions import db


@task(retries=2, retry_delay=30)
def render_certificate_pdf(certificate_id: int, revision: int) -> None:
    """Render a certificate's PDF into this worker's cache (a download renders it otherwise)."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.revision != revision:
        return  # reissued meanwhile: that revision has its own task
    files.prerender(PrintedCertificate.of(certificate))
