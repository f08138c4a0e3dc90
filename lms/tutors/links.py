"""Links to our pages from anywhere: a request, an e-mail sent from a script, a cron job."""

from __future__ import annotations

import contextlib

from flask import current_app, has_request_context, url_for


@contextlib.contextmanager
def url_context():
    """Outside a request, build links as if serving ``LMS_BASE_URL``."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["LMS_BASE_URL"]):
        yield


def absolute_url(endpoint: str, **values) -> str:
    with url_context():
        return current_app.config["LMS_BASE_URL"] + url_for(endpoint, **values)
