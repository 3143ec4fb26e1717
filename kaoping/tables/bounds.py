"""Bounds checked before any base-data file is parsed (issue 11, hostile files).

A parser trusts what a file says about itself: python-calamine allocates a dense grid from A1
to the last cell it meets, so one cell in XFD1048576 of an 8 KB workbook asks for 512 GB, and a
1 MB workbook can hold a 1 GB shared-strings table. Everything here looks at the file *before*
calamine or the CSV parser do, in pure Python with bounded memory, and refuses it with a clear
message when reading it could cost more than :data:`LIMITS` allows.

The same checks run for the command line and for web uploads (``read_sheet`` calls them), so
both accept and refuse the same files. The limits keep the reader of one file under 500 MB
of memory and 10 s on a 2-core machine (``tests/test_tables_bounds.py`` measures the corpus).

For an XLSX workbook (a zip package):

* the zip directory: number of entries, declared uncompressed sizes, compression ratio;
* the actual sizes: every part is decompressed once, in chunks, and must end where its
  declared size and CRC say (a part that lies about its size is refused as damaged);
* the shared-strings table: how many strings;
* the chosen sheet's real extent (the last row and column that hold a cell, whatever its
  ``<dimension>`` says) and its cell count.

For a CSV file: its size and an upper bound of its cells (delimiters and line breaks); a
regular file (kept as bytes and offsets) may hold more fields than one the csv module reads
into one Python string a field (:class:`Limits`).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from kaoping.tables.errors import fail
from kaoping.tables.xlsx_xml import column_index, column_letters


@dataclass(frozen=True)
class Limits:
    """What one base-data file may cost. See ``docs/security.md``.

    Attributes
    ----------
    max_file_bytes : int
        The file itself (an upload is also limited by the web's own ``KAOPING_MAX_UPLOAD_MB``).
    max_entries : int
        Parts in an XLSX package (a template has about a dozen).
    max_uncompressed_bytes : int
        All parts together, decompressed.
    max_ratio : float
        Compression ratio of a part larger than 1 MB decompressed.
    max_cells : int
        Cells of the sheet's grid from A1 to its last cell (calamine holds them densely),
        and shared strings of a workbook. The mof-2012 table of 3,000 units has 84,000.
    max_csv_cells : int
        Fields of a CSV file read by the csv module (quoted or ragged files: one Python string
        a field, ~117 bytes each), bounded before parsing by counting delimiters and line
        breaks: 3 million keep such a file near 350 MB.
    max_csv_grid_fields : int
        Fields of a regular CSV file (no quotes, every line as wide), which is kept as its
        bytes plus a 4-byte offset a field and converted to 8-byte numbers
        (:mod:`kaoping.tables.csv_grid`). Sized to the whole ``kaoping evaluate`` of such a
        table within 600 MB (issue 15): 300,000 rows x 27 columns (8.1 million fields)
        measured at the figure in docs/performance.md; 10 million leave that margin, and a
        file just over is refused before any parsing.
    max_columns : int
        Columns of a table (a scheme has a few dozen fields).
    """

    max_file_bytes: int = 100 * 1024 * 1024
    max_entries: int = 2000
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    max_ratio: float = 100.0
    max_cells: int = 2_000_000
    max_csv_cells: int = 3_000_000
    max_csv_grid_fields: int = 10_000_000
    max_columns: int = 1000


LIMITS = Limits()

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


def check_file_size(size: int, filename: str | None, limits: Limits = LIMITS) -> None:
    if size > limits.max_file_bytes:
        fail("data.file_too_big", filename, size=_mb(size), limit=_mb(limits.max_file_bytes))


def check_csv_text(text: str, filename: str | None, limits: Limits = LIMITS) -> None:
    """Refuse a CSV text with more fields than :attr:`Limits.max_csv_cells`, before parsing.

    Every field ends at a delimiter or a line break, so their count bounds the fields (quoted
    delimiters only make it larger: the bound errs on the side of refusing).
    """
    bound = text.count(",") + text.count("\t") + text.count(";") + text.count("\n") + 1
    if bound > limits.max_csv_cells:
        fail("data.too_many_cells", filename, cells=bound, limit=limits.max_csv_cells)


def check_csv_fields(count: int, filename: str | None, limits: Limits = LIMITS) -> None:
    """Refuse a regular CSV file with more fields than :attr:`Limits.max_csv_grid_fields`
    (``count`` from its delimiters and line breaks, counted on the bytes before parsing)."""
    if count > limits.max_csv_grid_fields:
        fail("data.too_many_cells", filename, cells=count, limit=limits.max_csv_grid_fields)


def check_columns(width: int, filename: str | None, limits: Limits = LIMITS) -> None:
    if width > limits.max_columns:
        fail("data.too_many_columns", filename, columns=width, limit=limits.max_columns)


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
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, zlib.error,
            OSError, RuntimeError, NotImplementedError, KeyError) as exc:  # fmt: skip
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        fail(
            "data.unreadable",
            filename,
            reason=(f"Excel 工作簿已损坏或不完整（{detail}）",
                    f"the Excel workbook is damaged or incomplete ({detail})"),
        )  # fmt: skip


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


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def _reason_entries(count: int, limits: Limits) -> tuple[str, str]:
    return (f"压缩包内有 {count} 个部件（上限 {limits.max_entries}）",
            f"the package holds {count} parts (limit {limits.max_entries})")  # fmt: skip


def _reason_size(size: int, limits: Limits) -> tuple[str, str]:
    return (f"解压后共 {_mb(size)} MB（上限 {_mb(limits.max_uncompressed_bytes)} MB）",
            f"{_mb(size)} MB decompressed (limit {_mb(limits.max_uncompressed_bytes)} MB)")  # fmt: skip


def _reason_ratio(entry: zipfile.ZipInfo, limits: Limits) -> tuple[str, str]:
    ratio = entry.file_size / max(entry.compress_size, 1)
    return (f"部件 {entry.filename} 的压缩比为 {ratio:.0f}:1（上限 {limits.max_ratio:.0f}:1）",
            f"the part {entry.filename} is compressed {ratio:.0f}:1 "
            f"(limit {limits.max_ratio:.0f}:1)")  # fmt: skip
