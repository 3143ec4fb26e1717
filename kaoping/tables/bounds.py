"""Bounds checked before any base-data file is parsed (issue 11, hostile files).

A parser trusts what a file says about itself: python-calamine allocates a dense grid from A1
to the last cell it meets, so one cell in XFD1048576 of an 8 KB workbook asks for 512 GB, and a
1 MB workbook can hold a 1 GB shared-strings table. Every check looks at the file *before*
calamine or the CSV parser do, with bounded memory, and refuses it with a clear message when
reading it could cost more than :data:`LIMITS` allows.

The same checks run for the command line and for web uploads (``read_sheet`` calls them), so
both accept and refuse the same files. The limits keep the reader of one file under 500 MB
of memory and 10 s on a 2-core machine (``tests/test_tables_bounds.py`` measures the corpus).

Here: the limits, the file's size, a table's width and a CSV file's fields (an upper bound
counted from its delimiters and line breaks; a regular file, kept as bytes and offsets, may
hold more fields than one the csv module reads into one Python string a field). An XLSX
workbook's package, shared strings and sheet extent are checked by
:mod:`kaoping.tables.xlsx_bounds` (loaded for workbooks only).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaoping.tables.errors import fail


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


def check_file_size(size: int, filename: str | None, limits: Limits = LIMITS) -> None:
    if size > limits.max_file_bytes:
        fail(
            "data.file_too_big",
            filename,
            size=megabytes(size),
            limit=megabytes(limits.max_file_bytes),
        )


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


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"
