"""What every response tells the browser: a Content-Security-Policy that allows only this
site's own scripts (no inline script anywhere), no framing, no MIME sniffing, a strict
referrer, and HSTS when the site is served over HTTPS only (``LMS_SESSION_COOKIE_SECURE``).
Also: a notice flashed twice before it is shown is kept once."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, has_request_context, message_flashed, session

# Style attributes stay allowed (a progress bar's width); style sheets and scripts come from
# this site only, and a <style> element only with this response's nonce (a chart's own CSS).
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'{nonce}",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HSTS = "max-age=31536000; includeSubDomains"
NONCE_KEY = "lms_csp_nonce"


def csp_nonce() -> str:
    """The nonce of this response that lets a ``<style>`` element of ours apply (a chart's)."""
    if not has_request_context():
        return ""
    nonce = g.get(NONCE_KEY)
    if nonce is None:
        nonce = secrets.token_urlsafe(16)
        setattr(g, NONCE_KEY, nonce)
    return nonce


def _secure_headers(response: Response, *, https_only: bool) -> Response:
    headers = response.headers
    nonce = g.get(NONCE_KEY)
    headers.setdefault("Content-Security-Policy",
                       CONTENT_SECURITY_POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else ""))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if https_only:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _keep_each_notice_once(app: Flask, message, category) -> None:
    """Five redirects to the sign-in page flash its notice five times: keep it once."""
    flashes = session.get("_flashes") or []
    seen: set = set()
    unique = []
    for item in flashes:
        key = (item[0], str(item[1]))
        if key not in seen:
            seen.add(key)
            unique.append(item)
    if len(unique) != len(flashes):
        session["_flashes"] = unique


def init_app(app: Flask) -> None:
    https_only = bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.after_request(lambda response: _secure_headers(response, https_only=https_only))
    message_flashed.connect(_keep_each_notice_once, app)
