"""Rate limits of everything that answers a verification code, shared between its doors.

Every look-up counts against a generous limit; look-ups of unknown codes also count
against a strict one, so someone checking a pile of genuine certificates is served while
someone guessing codes is soon stopped. Limits are per client address and, in
production, shared between workers through ``LMS_RATELIMIT_STORAGE_URL``.
"""

from __future__ import annotations

from flask import current_app

from lms.extensions import limiter


def _every_lookup() -> str:
    return current_app.config["LMS_VERIFY_RATE_LIMIT"]


def _unknown_codes() -> str:
    return current_app.config["LMS_VERIFY_MISS_LIMIT"]


_lookups = limiter.shared_limit(_every_lookup, scope="certificate-lookups")
_misses = limiter.shared_limit(_unknown_codes, scope="certificate-misses",
                               deduct_when=lambda response: response.status_code == 404)


def limit_lookups(view):
    """Put a view that looks up a verification code under both limits."""
    return _lookups(_misses(view))
