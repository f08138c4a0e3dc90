"""Smaller responses for slow connections: gzip for every client that accepts it.

Pages, JSON, CSS, JavaScript and SVG of at least ``MIN_SIZE`` bytes are compressed when the
request's ``Accept-Encoding`` allows gzip (brotli would need a dependency the project does
not carry). A streamed response (an export, a ZIP) is left alone: compressing it would
hold it whole in memory. Static files are compressed once per version of the file and
kept (``lms.core.static_files`` gives them long cache lifetimes). ``LMS_COMPRESS_LEVEL=0``
turns compression off.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

from flask import Flask, Response, request

from lms.core.static_files import requested_static_file

MIN_SIZE = 500          # below this, the gzip header costs more than it saves
COMPRESSIBLE = frozenset({"text/html", "text/css", "text/plain", "text/csv", "text/javascript",
                          "application/javascript", "application/json", "application/problem+json",
                          "image/svg+xml", "application/xml", "text/xml"})
STATIC_CACHE = 256      # compressed static files kept


def accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


@lru_cache(maxsize=STATIC_CACHE)
def _compressed_file(path: str, mtime_ns: int, size: int, level: int) -> bytes:   # noqa: ARG001 (cache key)
    with open(path, "rb") as source:
        return gzip.compress(source.read(), compresslevel=level, mtime=0)


def _should_compress(response: Response) -> bool:
    return (response.status_code == 200 and response.mimetype in COMPRESSIBLE
            and "Content-Encoding" not in response.headers and request.method != "HEAD")


def compress_response(response: Response, level: int) -> Response:
    response.vary.add("Accept-Encoding")
    if not _should_compress(response) or not accepts_gzip():
        return response
    if response.direct_passthrough:
        static_path = requested_static_file()
        if static_path is None:
            return response            # a file we do not know to be small
        stat = static_path.stat()
        body = _compressed_file(str(static_path), stat.st_mtime_ns, stat.st_size, level)
        response.direct_passthrough = False
        response.set_data(body)
    elif response.is_streamed:
        return response
    else:
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(gzip.compress(data, compresslevel=level, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    if response.headers.get("ETag"):
        etag, weak = response.get_etag()
        response.set_etag(f"{etag}-gzip", weak=weak)
    return response


def init_app(app: Flask) -> None:
    level = int(app.config.get("LMS_COMPRESS_LEVEL", 6))
    if level <= 0:
        return

    @app.after_request
    def _compress(response: Response) -> Response:
        return compress_response(response, min(level, 9))
