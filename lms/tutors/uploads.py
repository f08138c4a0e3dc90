"""Attachment files: checked by name, size and content before they are kept.

What passes is kept in the database (``AttachmentContent``), which every app server
shares; the original name is only ever shown, never used as a path.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from flask import current_app

from lms.core.errors import TooLarge, ValidationFailed
from lms.core.i18n import _

MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class FileType:
    key: str
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES = {
    file_type.key: file_type
    for file_type in (
        FileType("pdf", ("pdf",), "application/pdf"),
        FileType("docx", ("docx",),
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FileType("odt", ("odt",), "application/vnd.oasis.opendocument.text"),
        FileType("txt", ("txt",), "text/plain; charset=utf-8"),
        FileType("png", ("png",), "image/png"),
        FileType("jpg", ("jpg", "jpeg"), "image/jpeg"),
    )
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def allowed_types() -> list[FileType]:
    configured = current_app.config.get("LMS_UPLOAD_TYPES") or []
    keys = {"jpg" if key == "jpeg" else key for key in configured}
    return [file_type for key, file_type in FILE_TYPES.items() if key in keys]


def max_bytes() -> int:
    return int(current_app.config["LMS_UPLOAD_MAX_MB"]) * 1024 * 1024


def check_name(raw: str | None) -> str:
    """Refuse names that try to leave the folder or hide; return the name as it will be shown."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise ValidationFailed(_("The file has no name."), field="file")
    if ("/" in name or "\\" in name or "\x00" in name or name.startswith(".") or ".." in name
            or any(unicodedata.category(ch).startswith("C") for ch in name)):
        raise ValidationFailed(_("The file name “{name}” is not allowed. Rename the file using letters, "
                                 "digits, spaces, dashes and one dot before the extension.").format(name=name),
                               field="file")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(_("The file name is too long ({max} characters at most).").format(
            max=MAX_NAME_LENGTH), field="file")
    return name


def _is_zip_with(data: bytes, check) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return check(archive)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False


def _docx(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _odt(archive: zipfile.ZipFile) -> bool:
    return "mimetype" in archive.namelist() and archive.read("mimetype").strip() == ODT_MIMETYPE


def _plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text)


def detect_type(data: bytes) -> str | None:
    """The file's type from its content (magic bytes, ZIP members), or None if unknown."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        if _is_zip_with(data, _docx):
            return "docx"
        if _is_zip_with(data, _odt):
            return "odt"
        return None
    if _plain_text(data.removeprefix(b"\xef\xbb\xbf")):
        return "txt"
    return None


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    file_type: FileType


def check_file(raw_name: str | None, stream) -> CheckedFile:
    """Validate an upload: name, size, and a type allowed by config and matching its content."""
    name = check_name(raw_name)
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(_("The file is larger than {size} MB.").format(size=current_app.config["LMS_UPLOAD_MAX_MB"]),
                       errors={"file": [_("The file is larger than {size} MB.").format(
                           size=current_app.config["LMS_UPLOAD_MAX_MB"])]})
    if not data:
        raise ValidationFailed(_("The file is empty."), field="file")
    types = allowed_types()
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    claimed = next((t for t in types if extension in t.extensions), None)
    accepted = ", ".join(ext for t in types for ext in t.extensions[:1])
    if claimed is None:
        raise ValidationFailed(_("Files of this type are not accepted. Accepted types: {types}.").format(
            types=accepted), field="file")
    if detect_type(data) != claimed.key:
        raise ValidationFailed(_("The content of “{name}” is not a {type} file. Accepted types: {types}.").format(
            name=name, type=claimed.key.upper(), types=accepted), field="file")
    return CheckedFile(name, data, claimed)
