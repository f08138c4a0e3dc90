"""Static files named by their content, kept by browsers for a year.

``url_for("static", filename="css/app.css")`` (and a blueprint's ``static``) gives
``/static/css/app.css?v=<fingerprint>``, the fingerprint a hash of the file's content
(templates write ``static_url("css/app.css")``, the same address built once). A
request carrying the current fingerprint is answered with ``Cache-Control: public,
max-age=LMS_STATIC_MAX_AGE, immutable``: a repeat visit loads nothing again until the file
changes, and then its address changes with it. The plain name keeps working (an old page,
a bookmark, another site), answered with ``no-cache`` so that it is revalidated
(ETag / Last-Modified, usually a 304).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, has_request_context, request, url_for
from werkzeug.security import safe_join

FINGERPRINT_LENGTH = 12
VERSION_ARG = "v"


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def static_folder(endpoint: str) -> str | None:
    if endpoint == "static":
        return current_app.static_folder
    blueprint = current_app.blueprints.get(endpoint.rsplit(".", 1)[0])
    return blueprint.static_folder if blueprint is not None else None


def static_path(endpoint: str, filename: str) -> Path | None:
    folder = static_folder(endpoint)
    joined = safe_join(folder, filename) if folder else None
    path = Path(joined) if joined else None
    return path if path is not None and path.is_file() else None


@lru_cache(maxsize=1024)
def _hash(path: str, mtime_ns: int, size: int) -> str:   # noqa: ARG001 (the file's version: cache key)
    with open(path, "rb") as source:
        return hashlib.sha256(source.read()).hexdigest()[:FINGERPRINT_LENGTH]


def fingerprint(path: Path) -> str:
    stat = path.stat()
    return _hash(str(path), stat.st_mtime_ns, stat.st_size)


def requested_static_file() -> Path | None:
    """The file a static request names, or None (another endpoint, no such file)."""
    if not _is_static(request.endpoint) or not request.view_args:
        return None
    return static_path(request.endpoint, request.view_args.get("filename", ""))


def _add_fingerprint(endpoint: str, values: dict) -> None:
    if _is_static(endpoint) and VERSION_ARG not in values and "filename" in values:
        path = static_path(endpoint, values["filename"])
        if path is not None:
            values[VERSION_ARG] = fingerprint(path)


def static_url(filename: str, endpoint: str = "static") -> str:
    """``url_for(endpoint, filename=filename)`` with its fingerprint, built once per application
    (every page links the same stylesheets and scripts); in debug mode, on every call, so that
    an edited file gets its new address at once."""
    app = current_app._get_current_object()   # the object, not the proxy: five times a page
    if app.debug or not has_request_context():   # outside a request the address is absolute
        return url_for(endpoint, filename=filename)
    urls = app.extensions.setdefault("lms.static_urls", {})
    url = urls.get((endpoint, filename))
    if url is None:
        url = urls[(endpoint, filename)] = url_for(endpoint, filename=filename)
    return url


def _cache_headers(response: Response) -> Response:
    path = requested_static_file()
    if path is None or response.status_code not in (200, 304):
        return response
    if request.args.get(VERSION_ARG) == fingerprint(path):
        response.cache_control.no_cache = None      # send_file's default for a file without max-age
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["LMS_STATIC_MAX_AGE"]
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(_add_fingerprint)
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(_cache_headers)
