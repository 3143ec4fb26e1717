"""CSV files as Chinese offices produce them: UTF-8 (with or without BOM) or GBK/GB18030.

Excel on a Chinese Windows saves "CSV (逗号分隔)" in GBK and "CSV UTF-8" with a byte-order
mark; WPS and scripts write plain UTF-8. "Unicode 文本" is UTF-16 with a BOM, tab-separated.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Sequence
from typing import Any, cast

from kaoping.tables.bounds import check_csv_fields, check_csv_text
from kaoping.tables.csv_grid import GridRows, build_grid
from kaoping.tables.errors import fail

# Tried in this order: UTF-8 is strict enough that GBK text almost never decodes as UTF-8,
# while almost any byte string decodes as GB18030 (a superset of GBK and GB2312).
_ENCODINGS = ("utf-8", "gb18030")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_DELIMITERS = (",", "\t", ";")
_SNIFF_LINES = 50


def decode_text(content: bytes, filename: str | None) -> str:
    """The text of a CSV file, whichever of the usual encodings it was saved in.

    Raises
    ------
    DataError
        ``data.encoding`` when no encoding fits, or the text holds NUL characters (binary
        data, or UTF-16 without its byte-order mark).
    """
    text = _decode(content)
    if text is None or "\x00" in text:
        fail("data.encoding", filename)
    return text


def _decode(content: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                return None
    for encoding in _ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one that splits the first lines most consistently.

    ``csv.Sniffer`` is easily misled by Chinese text and by thousands separators inside
    numbers; counting how many lines share the same number of fields is not.
    """
    sample = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths = Counter(len(row) for row in csv.reader(sample, delimiter=delimiter))
        width, lines = widths.most_common(1)[0] if widths else (0, 0)
        score = (lines, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_rows(content: bytes, filename: str | None) -> Sequence[list[Any]]:
    """All records of a CSV file as lists of strings (never converted: codes keep zeros).

    A regular file (no quotes, every line as wide) is kept as a grid of byte offsets
    (:mod:`kaoping.tables.csv_grid`), bounded by :attr:`Limits.max_csv_grid_fields`; any
    other by the csv module, one string a field, bounded by :attr:`Limits.max_csv_cells`.
    """
    grid = _read_grid(content, filename)
    if grid is not None:
        return grid
    text = decode_text(content, filename)
    check_csv_text(text, filename)
    try:
        delimiter = sniff_delimiter(text)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        return cast("list[list[object]]", rows)  # strings, read by the same code as XLSX cells
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit
        fail("data.unreadable", filename, reason=(f"CSV 格式错误：{exc}", f"bad CSV: {exc}"))


_VALIDATE_CHUNK = 1024 * 1024
_HEAD_BYTES = 64 * 1024


def _read_grid(content: bytes, filename: str | None) -> GridRows | None:
    """The file as a grid, or None when it needs the csv module (or cannot be decoded:
    :func:`decode_text` then says why)."""
    found = _byte_encoding(content)
    if found is None:
        return None
    encoding, offset = found
    head = content[offset : offset + _HEAD_BYTES]
    if len(content) > offset + _HEAD_BYTES and b"\n" in head:  # whole lines to the sniffer
        head = head[: head.rfind(b"\n") + 1]
    delimiter = sniff_delimiter(head.decode(encoding, errors="replace"))
    check_csv_fields(content.count(delimiter.encode()) + content.count(b"\n") + 1, filename)
    grid = build_grid(content, encoding, offset, delimiter)
    return None if grid is None else GridRows(grid)


def _byte_encoding(content: bytes) -> tuple[str, int] | None:
    """UTF-8 (with its BOM's length) or GB18030, checked in 1 MB pieces without holding the
    decoded text; None for UTF-16, NUL bytes or bytes neither encoding takes."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content:
        return None
    offset = 3 if content.startswith(b"\xef\xbb\xbf") else 0
    for encoding in _ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(offset, len(content), _VALIDATE_CHUNK):
                decoder.decode(content[start : start + _VALIDATE_CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            if offset:
                return None  # a UTF-8 BOM before bytes that are not UTF-8
            continue
        return encoding, offset
    return None
