"""Checks on every uploaded file before anything reads it (issue 6, hardening).

- size: at most ``KAOPING_MAX_UPLOAD_BYTES`` (20 MB by default);
- type by content, not by name: XLSX/DOCX are zip files (``PK\\x03\\x04``), PDF starts with
  ``%PDF-``, PNG and JPEG with their signatures, old XLS/DOC with the OLE2 signature; CSV
  must be text (UTF-8 or GB18030) without NUL bytes;
- XLSX decompression bombs: the zip's entries are inspected *before* any parsing: total
  uncompressed size, per-entry compression ratio and entry count are bounded.

Every refusal is an :class:`UploadRejected` with a message for the user (Chinese by default)
naming the file and what was expected.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from kaoping.scoring.errors import DataError
from kaoping.tables.csv_text import decode_text
from kaoping.web.common import ActionError

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES = {
    ".xlsx": (ZIP,),
    ".docx": (ZIP,),
    ".zip": (ZIP,),
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".xls": (OLE2,),
    ".doc": (OLE2,),
}
TEXT_TYPES = (".csv", ".txt")  # .txt: Excel's "Unicode 文本" (UTF-16, tabs)
TABLE_TYPES = (".xlsx", ".csv", ".txt")
DOCUMENT_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".xlsx", ".xls", ".csv", ".docx", ".doc")
MAX_ZIP_ENTRIES = 2000


class UploadRejected(ActionError):
    """An upload refused before it was read; ``str()`` is the message for the user."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "KAOPING_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def check_upload(content: bytes, filename: str, allowed: tuple[str, ...]) -> str:
    """Refuse a file that is too large, of another type, or whose content is not its type.

    Returns the (lower-case) extension. Examples
    --------
    >>> check_upload(b"%PDF-1.7 ...", "核查记录.pdf", DOCUMENT_TYPES)
    '.pdf'
    """
    name = PurePath(filename or "").name
    extension = check_name_and_size(name, len(content), allowed)
    if not content:
        raise UploadRejected(_("%(name)s is empty.") % {"name": name})
    if extension in TEXT_TYPES:
        _check_text(content, name)
    elif not content.startswith(SIGNATURES[extension]):
        raise UploadRejected(
            _("%(name)s is not really a %(type)s file (its content does not match its name).")
            % {"name": name, "type": extension.lstrip(".").upper()}
        )
    if extension in (".xlsx", ".docx", ".zip"):
        check_zip_content(content, name)
    return extension


def check_name_and_size(filename: str, size: int, allowed: tuple[str, ...]) -> str:
    """Refuse a file by its type (extension) or size before reading it; returns the type."""
    name = PurePath(filename or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in allowed:
        raise UploadRejected(
            _("%(name)s: files of this type cannot be uploaded here (allowed: %(allowed)s).")
            % {"name": name, "allowed": " ".join(allowed)}
        )
    limit = max_upload_bytes()
    if size > limit:
        raise UploadRejected(
            _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": _mb(size), "limit": _mb(limit)}
        )
    return extension


def read_checked(upload, allowed: tuple[str, ...]) -> bytes:
    """The upload's bytes after the size, type-by-content and zip-bomb checks."""
    # Size and type first: a huge file is refused before it is read into memory.
    check_name_and_size(upload.name, upload.size or 0, allowed)
    content = upload.read()
    check_upload(content, upload.name, allowed)
    return content


def check_zip_upload(content: bytes, filename: str) -> None:
    """An archive bundle (.zip): size, signature and zip-bomb checks."""
    check_upload(content, filename, (".zip",))


def check_zip_content(content: bytes, name: str) -> None:
    """Inspect a zip's directory (no decompression): entries, total size, ratio."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise UploadRejected(
            _("%(name)s is damaged or not a valid Excel/zip file; save it again and retry.")
            % {"name": name}
        ) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _bomb(name)
    total = sum(e.file_size for e in entries)
    max_total = int(getattr(settings, "KAOPING_MAX_XLSX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))
    max_ratio = float(getattr(settings, "KAOPING_MAX_XLSX_RATIO", 100))
    if total > max_total:
        raise _bomb(name)
    for e in entries:
        # Tiny entries compress absurdly well legitimately; only large ones can be bombs.
        if e.file_size > 1024 * 1024 and e.file_size > max_ratio * max(e.compress_size, 1):
            raise _bomb(name)


def _bomb(name: str) -> UploadRejected:
    return UploadRejected(
        _(
            "%(name)s would expand to far more data than a base-data table holds "
            "(a decompression bomb?); it was not opened."
        )
        % {"name": name}
    )


def _check_text(content: bytes, name: str) -> None:
    """The same encodings as the command line: the table reader's own decoding (UTF-8, GBK /
    GB18030, and Excel's UTF-16 "Unicode 文本" with its byte-order mark)."""
    try:
        decode_text(content, name)
    except DataError:
        raise UploadRejected(
            _(
                "%(name)s is not a text (CSV) file in UTF-8, GB18030 or UTF-16; save the CSV "
                "as UTF-8."
            )
            % {"name": name}
        ) from None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"
