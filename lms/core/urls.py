"""Absolute addresses of our pages, for what leaves the site: e-mails, PDFs, badges.

A link in an e-mail names the platform by its public address, ``LMS_BASE_URL``, whoever
asks for it: a request (whatever host it came in on), a task or a command, which serve no
request at all. The address is built from the application's own routes, bound to that base
URL; no request, real or made up, is involved.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter


def _adapter(app: Flask) -> MapAdapter:
    """The application's routes bound to ``LMS_BASE_URL`` (its scheme, host and path)."""
    base = urlsplit(app.config["LMS_BASE_URL"])
    return app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")


def path_for(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` as a path under ``LMS_BASE_URL`` (its base path included),
    in or out of a request: for links that a task may build and a page may show."""
    app = current_app._get_current_object()
    app.inject_url_defaults(endpoint, values)
    return _adapter(app).build(endpoint, values)


def origin() -> str:
    """Scheme and host of ``LMS_BASE_URL``: what a path from ``path_for`` is appended to."""
    base = urlsplit(current_app.config["LMS_BASE_URL"])
    return f"{base.scheme or 'http'}://{base.netloc}"


def absolute_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` as a full address under ``LMS_BASE_URL``, in or out of a
    request (``_anchor`` is the fragment, as with ``url_for``)."""
    app = current_app._get_current_object()
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    url = _adapter(app).build(endpoint, values, force_external=True)
    if anchor is not None:
        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
    return url
