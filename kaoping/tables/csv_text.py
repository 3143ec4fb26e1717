"""CSV files as Chinese offices produce them: UTF-8 (with or without BOM) or GBK/GB18030.

Excel on a Chinese Windows saves "CSV (逗号分隔)" in GBK and "CSV UTF-8" with a byte-order
mark; WPS and scripts write plain UTF-8. "Unicode 文本" is UTF-16 with a BOM, tab-separated.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import cast

from kaoping.scoring.errors import Text
from kaoping.scoring.i18n import gettext_noop
from kaoping.tables.bounds import check_csv_text
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


def read_csv_rows(content: bytes, filename: str | None) -> list[list[object]]:
    """All records of a CSV file as lists of strings (never converted: codes keep zeros)."""
    text = decode_text(content, filename)
    check_csv_text(text, filename)
    try:
        delimiter = sniff_delimiter(text)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        return cast("list[list[object]]", rows)  # strings, read by the same code as XLSX cells
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit
        fail(
            "data.unreadable",
            filename,
            reason=Text(gettext_noop("bad CSV: {error}"), {"error": str(exc)}),
        )
