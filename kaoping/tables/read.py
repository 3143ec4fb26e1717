"""Reading an uploaded base-data file into rows of raw cell values.

Nothing is interpreted here except what the file format forces (text encodings, CSV
delimiters, the sheet to read); :mod:`kaoping.tables.validate` gives the cells meaning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaoping.tables.bounds import LIMITS, check_columns, check_file_size
from kaoping.tables.cells import is_empty
from kaoping.tables.csv_grid import GridRows
from kaoping.tables.csv_text import read_csv_rows
from kaoping.tables.errors import fail

# .txt: what Excel's "Unicode 文本" (UTF-16, tab-separated) saves as.
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class RawSheet:
    """The cells of one sheet, as read.

    Attributes
    ----------
    filename : str or None
        The name the user knows the file by, used in every message.
    rows : sequence of list
        ``rows[i][j]`` is the cell in spreadsheet row ``i + 1``, column ``j + 1``: ``str``
        for CSV; for XLSX whatever python-calamine gives (``str``, ``float``, ``int``,
        ``bool``, dates; ``""`` when empty). Rows may differ in length. A list, or for a
        regular CSV file a :class:`~kaoping.tables.csv_grid.GridRows` that makes each row
        when asked for (validation reads its columns without making rows).
    sha256 : str
        Fingerprint of the file's bytes, reported with results.
    kind : {"csv", "xlsx"}
    sheet_name : str or None
        The worksheet read (XLSX).
    content : bytes
        The file, kept to look up XLSX number formats on demand.
    """

    filename: str | None
    rows: Sequence[list[Any]]
    sha256: str
    kind: str = "csv"
    sheet_name: str | None = None
    content: bytes = field(default=b"", repr=False, compare=False)

    def number_formats(self, columns: Collection[int]) -> dict[int, dict[int, str]]:
        """Excel number formats of styled cells: ``{column: {row: format}}``, 0-based.

        Always empty for CSV, which has no formats.
        """
        if self.kind != "xlsx" or self.sheet_name is None:
            return {}
        from kaoping.tables import xlsx_xml  # workbooks only (see read_sheet)

        return xlsx_xml.read_number_formats(self.content, self.sheet_name, columns)


def read_sheet(source: str | Path | bytes, filename: str | None = None) -> RawSheet:
    """Read a CSV or XLSX base-data file.

    Parameters
    ----------
    source : str, Path or bytes
        A path, or the file's content (an upload).
    filename : str, optional
        The name to show in messages and to take the file type from; by default the
        path's name. Content given as bytes without a name is recognised by its first bytes.

    Returns
    -------
    RawSheet

    Raises
    ------
    DataError
        ``data.unreadable`` (missing or damaged file), ``data.unsupported_format``,
        ``data.encoding`` (CSV in an unknown encoding) or ``data.empty``.

    Examples
    --------
    >>> sheet = read_sheet("单位编码,单位名称\\n0101,东城区\\n".encode("gbk"), "a.csv")
    >>> list(sheet.rows)
    [['单位编码', '单位名称'], ['0101', '东城区']]
    """
    content, filename = _load(source, filename)
    filename = printable_name(filename)
    check_file_size(len(content), filename)
    if not content.strip():
        fail("data.empty", filename)
    kind = _kind(content, filename)
    digest = hashlib.sha256(content).hexdigest()
    if kind == "csv":
        rows, sheet_name = read_csv_rows(content, filename), None
    else:
        # The workbook reader (python-calamine, zipfile, ElementTree) is loaded for workbooks
        # only: a command reading a CSV file starts without it (issue 15, start-up time).
        from kaoping.tables.xlsx import read_xlsx_rows

        sheet_name, rows = read_xlsx_rows(content, filename)
    if isinstance(rows, GridRows):
        check_columns(rows.width, filename)
        if rows.grid.blank.all():
            fail("data.empty", filename)
    else:
        check_columns(max(map(len, rows), default=0), filename)
        if all(is_empty(cell) for row in rows for cell in row):
            fail("data.empty", filename)
    return RawSheet(filename, rows, digest, kind, sheet_name, content)


def printable_name(name: str | None) -> str | None:
    """A file name safe to print in a terminal or a page: control characters (which could
    move the cursor or ring the bell) and undecodable bytes are shown as escapes.

    >>> printable_name("a\\x1b[31m.csv")
    'a\\\\x1b[31m.csv'
    """
    if name is None:
        return None
    return "".join(
        ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else ascii(ch)[1:-1]
        for ch in name
    )


def _load(source: str | Path | bytes, filename: str | None) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), filename
    path = Path(source)
    shown = filename or path.name
    try:
        with path.open("rb") as file:  # never more than the limit, even from a device
            content = file.read(LIMITS.max_file_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        fail("data.unreadable", shown, reason=(f"{reason}（{path}）", f"{reason} ({path})"))
    return content, shown


def _kind(content: bytes, filename: str | None) -> str:
    """``csv`` or ``xlsx``, from the file name's suffix or, without one, the content."""
    suffix = Path(filename).suffix.lower() if filename else ""
    if suffix in CSV_SUFFIXES:
        if content.startswith(b"PK\x03\x04"):
            fail("data.unreadable", filename, reason=_XLSX_NAMED_CSV)
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix:
        fail("data.unsupported_format", filename, suffix=suffix)
    return "xlsx" if content.startswith(b"PK\x03\x04") else "csv"


_XLSX_NAMED_CSV = (
    "文件内容是 Excel 工作簿，但扩展名是 .csv；请把扩展名改为 .xlsx",
    "the file is an Excel workbook named .csv; rename it to .xlsx",
)
