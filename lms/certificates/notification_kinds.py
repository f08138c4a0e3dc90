"""What a holder is told, in the app and by e-mail, when their certificate is issued."""

from __future__ import annotations

from flask import current_app, render_template

from lms.certificates import files
from lms.certificates.models import Certificate
from lms.core.i18n import _, _l
from lms.notifications.extension_points import NotificationKind

ISSUED = "certificate_issued"


def _issued_text(params: dict) -> str:
    return _("Your certificate is ready")


def _issued_details(session, notification) -> str | None:
    """Where to download it and how anyone checks it (the e-mail's body)."""
    certificate = session.get(Certificate, (notification.params or {}).get("certificate_id"))
    if certificate is None:
        return None
    return render_template("certificates/email/issued.txt", certificate=certificate,
                           verify_url=files.verification_url(certificate.code),
                           dashboard_url=current_app.config["LMS_BASE_URL"] + "/dashboard")


ISSUED_KIND = NotificationKind(ISSUED, _l("Certificate issued"), render=_issued_text, details=_issued_details,
                               order=30)
