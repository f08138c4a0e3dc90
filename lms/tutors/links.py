"""Links to our pages from anywhere: a request, an e-mail sent from a script, a cron job.

``absolute_url`` is ``lms.core.urls.absolute_url`` (kept importable from here while tutors'
modules move to the core helper). ``url_context`` is what tutors' code still uses to call
``url_for`` outside a request (relative links in the grading queue and digest).
"""

from __future__ import annotations

import contextlib

from flask import current_app, has_request_context

from lms.core.urls import absolute_url

__all__ = ["absolute_url", "url_context"]


@contextlib.contextmanager
def url_context():
    """Outside a request, build links as if serving ``LMS_BASE_URL``."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["LMS_BASE_URL"]):
        yield
