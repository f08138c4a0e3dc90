"""Where later features plug into certificates.

``CERTIFICATE_HOLDS``: rule(session, enrolment) -> bool. A completed enrolment whose rule
answers True gets no certificate yet; the feature that holds it issues it later with
``lms.certificates.operations.release_certificate`` (``surveys`` holds a course's certificate
until its trainee has answered the course evaluation, when course.yaml asks for that).
"""

from __future__ import annotations

from collections.abc import Callable

from lms.core.extension_points import ExtensionPoint

CERTIFICATE_HOLDS: ExtensionPoint[Callable] = ExtensionPoint("certificates.holds")
