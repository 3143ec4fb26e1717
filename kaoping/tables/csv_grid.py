"""Large CSV tables read without a Python object per cell (issue 15).

A CSV file without quotes in which every non-empty line has the same number of fields (what
Excel, WPS and scripts write for a table of codes, names and numbers) is a grid: the fields
are the bytes between delimiters and line breaks. Such a file is kept as its bytes plus one
32-bit offset per field (where each field ends); a numeric column is converted by
:func:`decimal_numbers` in numpy, straight from the bytes, and only the text columns (unit
code, unit name) and the cells the vectorised conversion does not take ("1,234", "1e5",
full-width digits, whitespace, words) become Python strings, to be read by the cell-by-cell
parser that names them in its messages. 300,000 rows x 27 columns: the file's 51 MB, 32 MB of
offsets, and 8 bytes a number after validation, instead of ~117 bytes a field as Python
strings (docs/performance.md).

A file with quotes, lines of different widths, a lone carriage return or a field longer than
the csv module accepts is read by the csv module instead (:mod:`kaoping.tables.csv_text`),
with its own, lower bound on fields (:class:`kaoping.tables.bounds.Limits`). Both give the
same rows.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from kaoping.tables.cells import is_empty

_NEWLINE, _CR = 10, 13
# Bytes that str.strip() removes (ASCII whitespace, the information separators).
_SPACE_BYTES = (9, 10, 11, 12, 13, 28, 29, 30, 31, 32)
# Plain decimals up to 15 digits are converted exactly (see decimal_numbers).
_MAX_DIGITS = 15
_MAX_LENGTH = _MAX_DIGITS + 2  # a sign and a point
_POW10 = 10.0 ** np.arange(_MAX_DIGITS + 1)


@dataclass(eq=False)
class CsvGrid:
    """A regular CSV file: its bytes and where each field ends.

    Attributes
    ----------
    content : bytes
        The file (UTF-8 or GB18030: in both, delimiters and line breaks are single bytes
        that never occur inside a multi-byte character).
    encoding : str
    delimiter : str
    width : int
        Fields of every non-empty line.
    row_of_record : numpy.ndarray
        For each record (line) of the file, its row in ``ends``; -1 for an empty line.
    line_starts, line_ends : numpy.ndarray
        Byte range of each non-empty line (the line break and a carriage return excluded).
    ends : numpy.ndarray
        ``ends[r, j]``: where field ``j`` of non-empty line ``r`` ends (int32, exclusive).
    """

    content: bytes
    encoding: str
    delimiter: str
    width: int
    row_of_record: np.ndarray
    line_starts: np.ndarray
    line_ends: np.ndarray
    ends: np.ndarray

    @property
    def data(self) -> np.ndarray:
        return np.frombuffer(self.content, dtype=np.uint8)

    def field_ranges(self, column: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Byte ranges of one column in the given non-empty lines."""
        ends = self.ends[rows, column].astype(np.int64)
        if column == 0:
            starts = self.line_starts[rows].astype(np.int64)
        else:
            starts = self.ends[rows, column - 1].astype(np.int64) + 1
        return starts, ends

    def text(self, start: int, end: int) -> str:
        return self.content[start:end].decode(self.encoding)

    def line(self, row: int) -> list[str]:
        start, end = int(self.line_starts[row]), int(self.line_ends[row])
        return self.text(start, end).split(self.delimiter)

    @functools.cached_property
    def blank(self) -> np.ndarray:
        """True for each record whose cells are all empty (``is_empty``), decided on the
        bytes, a block at a time; a line with no visible ASCII character but other bytes (a
        full-width space, say) is decoded and checked cell by cell."""
        blank = self.row_of_record < 0
        starts = self.line_starts.astype(np.int64)
        if not starts.size:
            return blank
        data = self.data
        spaces = np.array((*_SPACE_BYTES, ord(self.delimiter)), dtype=np.uint8)
        has_visible = np.zeros(len(starts), dtype=bool)
        has_other = np.zeros(len(starts), dtype=bool)
        # Each line's bytes run from its start to the next line's start (what lies between
        # is a line break or empty lines: nothing visible). Blocks are cut at line starts.
        first = 0
        while first < len(starts):
            last = int(np.searchsorted(starts, starts[first] + _BLOCK, side="right"))
            last = max(last, first + 1)
            end = int(starts[last]) if last < len(starts) else len(data)
            block = data[int(starts[first]) : end]
            visible = (block > 32) & (block < 127) & (block != spaces[-1])
            other = ~visible & ~np.isin(block, spaces)
            cuts = starts[first:last] - starts[first]
            has_visible[first:last] = np.logical_or.reduceat(visible, cuts)
            has_other[first:last] = np.logical_or.reduceat(other, cuts)
            first = last
        line_blank = ~has_visible
        for row in np.flatnonzero(line_blank & has_other):
            line_blank[row] = all(is_empty(cell) for cell in self.line(int(row)))
        blank[~blank] = line_blank[self.row_of_record[~blank]]
        return blank


def build_grid(content: bytes, encoding: str, offset: int, delimiter: str) -> CsvGrid | None:
    """The grid of a CSV file, or None when it is not one (quotes, ragged lines, a lone
    carriage return, a field longer than the csv module allows)."""
    if b'"' in content or content.count(b"\r") != content.count(b"\r\n"):
        return None
    data = np.frombuffer(content, dtype=np.uint8)
    separators, longest = _separators(data, ord(delimiter), offset)
    if not content.endswith(b"\n"):
        separators = np.append(separators, np.asarray(len(content), dtype=separators.dtype))
    if longest > csv.field_size_limit():
        return None  # the csv module says so, with its own message
    is_newline = data[np.minimum(separators, len(content) - 1)] == _NEWLINE
    if not content.endswith(b"\n"):
        is_newline[-1] = True
    newline_at = np.flatnonzero(is_newline)
    del is_newline
    counts = np.diff(newline_at, prepend=-1)
    line_starts = np.empty(len(newline_at), dtype=np.int64)
    line_starts[0] = offset
    line_starts[1:] = separators[newline_at[:-1]] + 1
    line_ends = separators[newline_at].astype(np.int64)
    has_cr = np.zeros(len(line_ends), dtype=bool)
    inside = line_ends > line_starts
    has_cr[inside] = data[line_ends[inside] - 1] == _CR
    line_ends -= has_cr
    empty = (counts == 1) & (line_ends == line_starts)
    if empty.all():
        return None
    width = int(counts[~empty][0])
    if not (counts[~empty] == width).all():
        return None
    if empty.any():  # leave out the empty lines' line breaks
        separators = separators[np.repeat(~empty, counts)]
    ends = separators.reshape(-1, width)  # without empty lines: a view, not a copy
    del separators
    ends[:, -1] = line_ends[~empty]
    row_of_record = np.full(len(counts), -1, dtype=np.int64)
    row_of_record[~empty] = np.arange(int((~empty).sum()))
    return CsvGrid(
        content=content,
        encoding=encoding,
        delimiter=delimiter,
        width=width,
        row_of_record=row_of_record,
        line_starts=line_starts[~empty].astype(ends.dtype),
        line_ends=line_ends[~empty].astype(ends.dtype),
        ends=ends,
    )


_BLOCK = 8 * 1024 * 1024  # bytes scanned at a time: the masks stay at a few blocks


def _separators(data: np.ndarray, delimiter: int, offset: int) -> tuple[np.ndarray, int]:
    """Positions of the delimiters and line breaks from ``offset`` on, found block by block
    and kept as 32-bit offsets (the file is at most 100 MB), so memory stays near 4 bytes a
    field instead of 8 plus a mask of the whole file; and the longest run between two of them
    (no field is longer)."""
    index_type = np.int32 if len(data) < 2**31 else np.int64
    found = []
    previous, longest = offset - 1, 0
    for start in range(offset, len(data), _BLOCK):
        block = data[start : start + _BLOCK]
        hits = np.flatnonzero((block == delimiter) | (block == _NEWLINE)) + start
        if hits.size:
            longest = max(longest, int(np.diff(hits, prepend=previous).max()) - 1)
            previous = int(hits[-1])
        found.append(hits.astype(index_type))
    longest = max(longest, len(data) - previous - 1)  # after the last separator
    return (np.concatenate(found) if found else np.zeros(0, dtype=index_type)), longest


class GridRows(Sequence[list[Any]]):
    """The records of a :class:`CsvGrid` as lists of strings, made when asked for (what
    :attr:`kaoping.tables.read.RawSheet.rows` is for such a file)."""

    def __init__(self, grid: CsvGrid) -> None:
        self.grid = grid

    def __len__(self) -> int:
        return len(self.grid.row_of_record)

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...
    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = int(self.grid.row_of_record[index])
        return [] if row < 0 else self.grid.line(row)

    def __iter__(self) -> Iterator[list[Any]]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def width(self) -> int:
        return self.grid.width if (self.grid.row_of_record >= 0).any() else 0

    def column(self, index: int, records: Sequence[int] | np.ndarray) -> GridColumn:
        return GridColumn(self.grid, index, np.asarray(records, dtype=np.int64))


class GridColumn(Sequence[str]):
    """One column's cells in the given records, decoded one by one when asked for; its
    numbers converted all at once by :meth:`numbers`."""

    def __init__(self, grid: CsvGrid, index: int, records: np.ndarray) -> None:
        self.grid = grid
        rows = grid.row_of_record[records]
        present = (rows >= 0) & (index < grid.width)
        self.starts = np.zeros(len(records), dtype=np.int64)
        self.ends = np.zeros(len(records), dtype=np.int64)
        if present.any():
            starts, ends = grid.field_ranges(min(index, grid.width - 1), rows[present])
            self.starts[present], self.ends[present] = starts, ends

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.grid.text(int(self.starts[index]), int(self.ends[index]))

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts())

    def texts(self) -> list[str]:
        """Every cell's text (one list comprehension: as fast here as gathering the bytes in
        numpy and decoding them at once, measured on 300,000 names)."""
        content, encoding = self.grid.content, self.grid.encoding
        return [
            content[start:end].decode(encoding)
            for start, end in zip(self.starts.tolist(), self.ends.tolist(), strict=True)
        ]

    def numbers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Numbers of the plain decimal cells, which cells those are, and which are empty
        (no byte at all); the other cells are left for the cell-by-cell parser."""
        values, converted = decimal_numbers(self.grid.data, self.starts, self.ends)
        return values, converted, self.ends == self.starts


def decimal_numbers(
    data: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Plain decimal numbers in byte ranges of ``data``, converted in numpy.

    A field of an optional sign, up to 15 digits and at most one point (``-1234.5``,
    ``.5``, ``7.``) is converted exactly as Python's ``float()`` converts its text: its digits
    are an integer below 2**53 and its scale a power of ten below 10**16, both exact in
    binary, and one IEEE division of two exact numbers is correctly rounded, as ``float()``
    is. Every other field (empty, whitespace, a comma, an exponent, more digits) is left out.

    Returns
    -------
    values : numpy.ndarray
        The numbers (NaN where not converted).
    converted : numpy.ndarray of bool

    Examples
    --------
    >>> data = np.frombuffer(b"12.5,-.5,1e3,,007", dtype=np.uint8)
    >>> values, ok = decimal_numbers(data, np.array([0, 5, 9, 13, 14]), np.array([4, 8, 12, 13, 17]))
    >>> values.tolist(), ok.tolist()
    ([12.5, -0.5, nan, nan, 7.0], [True, True, False, False, True])
    """
    n = len(starts)
    values = np.full(n, np.nan)
    converted = np.zeros(n, dtype=bool)
    lengths = ends - starts
    todo = np.flatnonzero((lengths > 0) & (lengths <= _MAX_LENGTH))
    if not todo.size:
        return values, converted
    starts, lengths = starts[todo], lengths[todo]
    # Horner's rule, one character place at a time over all fields: a few passes over
    # 1-D arrays per place instead of a 2-D array of every character.
    mantissa = np.zeros(len(todo))  # exact: at most 15 digits, below 2**53
    digits = np.zeros(len(todo), dtype=np.int64)
    points = np.zeros(len(todo), dtype=np.int64)
    scale = np.zeros(len(todo), dtype=np.int64)
    good = np.ones(len(todo), dtype=bool)
    negative = data[starts] == 45
    last = len(data) - 1
    for place in range(int(lengths.max())):
        inside = place < lengths
        char = data[np.minimum(starts + place, last)]
        digit = char.astype(np.int64) - 48
        is_digit = (digit >= 0) & (digit <= 9) & inside
        is_point = (char == 46) & inside
        if place == 0:
            good &= is_digit | is_point | (((char == 45) | (char == 43)) & inside)
        else:
            good &= is_digit | is_point | ~inside
        mantissa = np.where(is_digit, mantissa * 10 + digit, mantissa)
        points += is_point
        scale += is_digit & (points > 0)
        digits += is_digit
    good &= (points <= 1) & (digits >= 1) & (digits <= _MAX_DIGITS)
    number = mantissa[good] / _POW10[scale[good]]
    number[negative[good]] *= -1
    values[todo[good]] = number
    converted[todo[good]] = True
    return values, converted
