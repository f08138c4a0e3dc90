"""What every response tells the browser, and notices that do not pile up."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT


def test_every_page_carries_a_policy_without_inline_script(client):
    for url in ("/", "/login", "/api/v1/me", "/no-such-page", "/healthz"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP in embedded mode


def test_hsts_when_cookies_are_https_only(make_app):
    secure = make_app(SESSION_COOKIE_SECURE=True)
    assert secure.test_client().get("/login").headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_template_has_inline_script_or_event_handlers():
    """What the policy forbids, nothing of ours needs: scripts are static files."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    offenders = [str(path.relative_to(ROOT)) for path in Path(ROOT, "lms").rglob("*.html")
                 if inline.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_notice_flashed_on_every_redirect_is_shown_once(client):
    for _ in range(5):
        assert client.get("/dashboard").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert page.count("Please sign in to see this page.") == 1
