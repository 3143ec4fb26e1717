"""Bounds of an XLSX workbook, checked before python-calamine reads it (issue 11).

For an XLSX workbook (a zip package):

* the zip directory: number of entries, declared uncompressed sizes, compression ratio;
* the actual sizes: every part is decompressed once, in chunks, and must end where its
  declared size and CRC say (a part that lies about its size is refused as damaged);
* the shared-strings table: how many strings;
* the chosen sheet's real extent (the last row and column that hold a cell, whatever its
  ``<dimension>`` says) and its cell count.

The limits are :data:`kaoping.tables.bounds.LIMITS`; see that module.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from kaoping.tables.bounds import LIMITS, Limits, check_columns, check_file_size, megabytes
from kaoping.tables.errors import fail
from kaoping.tables.letters import column_index, column_letters

_CHUNK = 1024 * 1024
_RATIO_FLOOR = 1024 * 1024  # tiny parts compress absurdly well legitimately
# A cell start tag, with or without a namespace prefix; not <col>, <cfRule> or <cols>.
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])")
_CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br=[\"']([A-Z]{1,4})(\d{1,8})[\"']")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])[^>]*>")
_ROW_NUMBER = re.compile(rb"\br=[\"'](\d{1,8})[\"']")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])")
_TAG_END = b">"


@dataclass
class Extent:
    """The real extent of a sheet: last row and column holding a cell (1-based), cells."""

    rows: int = 0
    columns: int = 0
    cells: int = 0

    @property
    def reference(self) -> str:
        return f"A1:{column_letters(max(self.columns, 1) - 1)}{max(self.rows, 1)}"


def check_package(content: bytes, filename: str | None, limits: Limits = LIMITS) -> None:
    """Refuse a zip package whose directory or parts exceed the limits (see module doc).

    Every part is decompressed once in 1 MB chunks to prove its declared size: memory stays
    at one chunk whatever the part holds. The shared-strings part is counted on the way.
    """
    check_file_size(len(content), filename, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_entries:
                fail("data.zip_bomb", filename, reason=_reason_entries(len(entries), limits))
            declared = sum(e.file_size for e in entries)
            if declared > limits.max_uncompressed_bytes:
                fail("data.zip_bomb", filename, reason=_reason_size(declared, limits))
            for entry in entries:
                if entry.file_size > _RATIO_FLOOR and entry.file_size > limits.max_ratio * max(
                    entry.compress_size, 1
                ):
                    fail("data.zip_bomb", filename, reason=_reason_ratio(entry, limits))
            for entry in entries:
                _check_part(archive, entry, filename, limits)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        zlib.error,
        OSError,
        RuntimeError,
        NotImplementedError,
        KeyError,
    ) as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        fail(
            "data.unreadable",
            filename,
            reason=(
                f"Excel 工作簿已损坏或不完整（{detail}）",
                f"the Excel workbook is damaged or incomplete ({detail})",
            ),
        )


def _check_part(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, filename: str | None, limits: Limits
) -> None:
    """Decompress one part chunk by chunk: zipfile stops at the declared size and checks the
    CRC at the end, so a part whose real content is longer or shorter raises BadZipFile."""
    is_strings = entry.filename.lower().endswith("sharedstrings.xml")
    strings, tail = 0, b""
    with archive.open(entry) as part:
        while chunk := part.read(_CHUNK):
            if not is_strings:
                continue
            # Count whole tags only: the unfinished tail goes with the next chunk.
            window = tail + chunk
            cut = window.rfind(_TAG_END) + 1
            strings += len(_SHARED_STRING.findall(window, 0, cut))
            tail = _bounded_tail(window[cut:], filename)
            if strings > limits.max_cells:
                fail("data.too_many_strings", filename, strings=strings, limit=limits.max_cells)


def _bounded_tail(tail: bytes, filename: str | None) -> bytes:
    """What follows a chunk's last ``>``: at most 1 MB, so the scan stays linear.

    Excel limits a cell's text to 32,767 characters; no part of a real workbook has a megabyte
    without a ``>``.
    """
    if len(tail) > _CHUNK:
        fail("data.unreadable", filename, reason=_NOT_EXCEL_XML)
    return tail


_NOT_EXCEL_XML = (
    "工作簿中有超过 1 MB 的单个 XML 标记或文本，不是 Excel 或 WPS 能保存的内容",
    "the workbook holds a single XML tag or text over 1 MB, which Excel or WPS cannot save",
)


def sheet_extent(content: bytes, part_name: str, filename: str | None = None) -> Extent:
    """The real extent of one worksheet part, read in chunks (cells with or without ``r``).

    A cell with an ``r`` reference is placed there; one without it follows the previous cell
    of its row, as calamine places it; a row without ``r`` follows the previous row.
    """
    extent = Extent()
    row = column = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(part_name) as part:
        tail = b""
        while True:
            chunk = part.read(_CHUNK)
            window = tail + chunk
            cut = window.rfind(_TAG_END) + 1 if chunk else len(window)
            body, tail = window[:cut], _bounded_tail(window[cut:], filename)
            if b"<" in body:
                row, column = _scan(body, extent, row, column)
            if not chunk:
                return extent


_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>"
)  # a row or cell start tag and its attributes
_R_ATTRIBUTE = re.compile(rb"\br=[\"']([A-Z]{0,4})(\d{0,8})[\"']")


def _scan(body: bytes, extent: Extent, row: int, column: int) -> tuple[int, int]:
    fast = _fast_scan(body, extent)
    if fast is not None:
        return fast if fast[0] else (row, column)
    for match in _TAG.finditer(body):
        reference = _R_ATTRIBUTE.search(match.group(2))
        if match.group(1) == b"row":
            row = int(reference.group(2)) if reference and reference.group(2) else row + 1
            column = 0
            continue
        extent.cells += 1
        if reference and reference.group(1):
            column = column_index(reference.group(1).decode()) + 1
            if reference.group(2):
                row = int(reference.group(2))
        else:
            column += 1
        extent.rows = max(extent.rows, row)
        extent.columns = max(extent.columns, column)
    return row, column


def _fast_scan(body: bytes, extent: Extent) -> tuple[int, int] | None:
    """When every cell of the chunk has a full ``r`` reference (what Excel and WPS write),
    the extent comes from C-speed ``findall`` without a Python loop over cells.

    Returns the last (row, column) or None when the slow, positional scan is needed.
    """
    cells = len(_CELL.findall(body))
    references = _CELL_REF.findall(body)
    if len(references) != cells:
        return None
    extent.cells += cells
    if not references:
        return (0, 0)
    widest = max((letters for letters, _row in references), key=lambda s: (len(s), s))
    extent.columns = max(extent.columns, column_index(widest.decode()) + 1)
    extent.rows = max(extent.rows, max(int(r) for _letters, r in references))
    last_letters, last_row = references[-1]
    return int(last_row), column_index(last_letters.decode()) + 1


def check_sheet(
    content: bytes, part_name: str, sheet: str, filename: str | None, limits: Limits = LIMITS
) -> Extent:
    """Refuse a sheet whose grid (A1 to its last cell) or width exceeds the limits."""
    extent = sheet_extent(content, part_name, filename)
    if extent.rows * extent.columns > limits.max_cells:
        fail("data.too_large", filename, sheet=sheet, range=extent.reference)
    check_columns(extent.columns, filename, limits)
    return extent


def _reason_entries(count: int, limits: Limits) -> tuple[str, str]:
    return (
        f"压缩包内有 {count} 个部件（上限 {limits.max_entries}）",
        f"the package holds {count} parts (limit {limits.max_entries})",
    )


def _reason_size(size: int, limits: Limits) -> tuple[str, str]:
    return (
        f"解压后共 {megabytes(size)} MB（上限 {megabytes(limits.max_uncompressed_bytes)} MB）",
        f"{megabytes(size)} MB decompressed (limit {megabytes(limits.max_uncompressed_bytes)} MB)",
    )


def _reason_ratio(entry: zipfile.ZipInfo, limits: Limits) -> tuple[str, str]:
    ratio = entry.file_size / max(entry.compress_size, 1)
    return (
        f"部件 {entry.filename} 的压缩比为 {ratio:.0f}:1（上限 {limits.max_ratio:.0f}:1）",
        f"the part {entry.filename} is compressed {ratio:.0f}:1 (limit {limits.max_ratio:.0f}:1)",
    )
