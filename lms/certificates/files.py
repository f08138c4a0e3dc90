"""Certificate PDFs as files: rendered once per revision and kept, sent as downloads, and
streamed as ZIPs.

The cache is a folder of rendered PDFs named by code, revision and a fingerprint of
everything else that shapes the document (layout version, base URL, issuer, the
catalogue of the certificate's language). A missing or unwritable cache only costs a
render; losing it loses nothing, since the same revision renders to the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import Flask, Response, current_app, send_file

from lms.certificates.codes import format_code
from lms.certificates.embedding import prepare
from lms.certificates.models import Certificate
from lms.certificates.pdf import FONT_FILES, LAYOUT_VERSION, PrintedCertificate, render_certificate
from lms.core.transliteration import to_plain_latin

log = logging.getLogger(__name__)
VERIFY_PATH = "/verify/"


def verification_url(code: str) -> str:
    return current_app.config["LMS_BASE_URL"] + VERIFY_PATH + format_code(code)


def _fingerprint(language: str) -> str:
    config = current_app.config
    catalogue = Path(config["LMS_TRANSLATIONS_DIR"]) / language / "LC_MESSAGES" / "messages.mo"
    try:
        stat = catalogue.stat()
        catalogue_state = f"{stat.st_size}-{stat.st_mtime_ns}"
    except OSError:
        catalogue_state = "-"
    raw = "|".join((str(LAYOUT_VERSION), config["LMS_BASE_URL"], config["LMS_ISSUER_NAME"], catalogue_state))
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def cached_path(printed: PrintedCertificate) -> Path:
    folder = Path(current_app.config["LMS_CERTIFICATE_CACHE_DIR"])
    return folder / f"{printed.code}-r{printed.revision}-{_fingerprint(printed.language)}.pdf"


def font_store() -> Path:
    """Where the certificate fonts' metrics and subsets are kept between processes."""
    return Path(current_app.config["LMS_CERTIFICATE_CACHE_DIR"]) / "fonts"


def prepare_font_store() -> int:
    """Cut and store every block set of the certificate fonts, so that the first certificate a
    fresh process renders reads them instead of cutting them (``lms setup`` calls this)."""
    return prepare(FONT_FILES.values(), font_store())


def render(printed: PrintedCertificate) -> bytes:
    return render_certificate(printed, verify_url=verification_url(printed.code),
                              issuer_name=current_app.config["LMS_ISSUER_NAME"], font_store=font_store())


def prerender(printed: PrintedCertificate) -> None:
    """Render into the cache unless it is there (the task run after a certificate is issued)."""
    if not cached_path(printed).exists():
        _store(cached_path(printed), render(printed))


def pdf_bytes(printed: PrintedCertificate) -> bytes:
    """The PDF of this revision: from the cache, or rendered and cached."""
    path = cached_path(printed)
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = render(printed)
    _store(path, data)
    return data


def _store(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_bytes(data)
        os.replace(partial, path)  # readers see the whole file or none
    except OSError:
        log.warning("Could not cache the certificate PDF %s", path, exc_info=True)


def pdf_download(certificate: Certificate) -> Response:
    """The certificate's PDF as a download (both doors): private, never cached."""
    printed = PrintedCertificate.of(certificate)
    response = send_file(io.BytesIO(pdf_bytes(printed)), mimetype="application/pdf",
                         as_attachment=True, download_name=file_name(printed))
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- archives -------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def file_name(printed: PrintedCertificate) -> str:
    """``Jelena Markovic K7QM-3XJD-9PRA-T2HC.pdf``: the name as printed, in plain Latin letters
    (Đorđe Šćekić → Dorde Scekic, Cyrillic → Latin), safe in any file system and mail client."""
    name = " ".join(_UNSAFE.sub(" ", to_plain_latin(printed.holder_name)).split())[:80].strip(" .")
    return f"{name} {format_code(printed.code)}.pdf" if name else f"{format_code(printed.code)}.pdf"


class _Chunks(io.RawIOBase):
    """A write-only, unseekable sink: what the ZIP writer produced since the last ``take``."""

    def __init__(self):
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def zip_stream(certificates: Iterable[PrintedCertificate], app: Flask) -> Iterator[bytes]:
    """A ZIP of the certificates' PDFs, yielded entry by entry (never whole in memory).

    It runs after the request has ended, as the response is sent: each PDF is made inside
    an application context of its own, never one held open across a ``yield``.
    """
    sink = _Chunks()
    archive = zipfile.ZipFile(sink, "w")
    for printed in certificates:
        with app.app_context():
            data = pdf_bytes(printed)
        info = zipfile.ZipInfo(file_name(printed), date_time=printed.dated.timetuple()[:6])
        # Stored, not deflated: a certificate's streams (its fonts above all) are compressed
        # already, and deflating them again saved about 2% of the archive for a tenth of
        # the time each entry costs.
        info.compress_type = zipfile.ZIP_STORED
        archive.writestr(info, data)
        yield sink.take()
    archive.close()
    yield sink.take()


def zip_download(printed: list[PrintedCertificate], cohort_id: int) -> Response:
    """Stream a group's archive (both doors): each PDF is rendered (or read from the cache) as
    it is sent.

    The facts were read before the response started; the stream needs no request or
    database session, only the application (settings, the certificate's language).
    """
    response = Response(zip_stream(printed, current_app._get_current_object()), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="certificates-group-{cohort_id}.zip"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response
