"""Finding the header row of a base-data table and what each column is.

Tables arrive in many shapes: the 附件2 template (a title row, then labels, units and field
keys), a CSV with field keys only, an old sheet with labels such as "本级财政支出（万元）"
typed with a stray space. A header cell matches a field when, after normalising width,
case and spaces, it equals the field's key, Chinese label or English label, with or without
a trailing unit in brackets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from kaoping.scoring.schemes import FieldSpec, Scheme
from kaoping.tables.cells import is_empty, text_of

HEADER_SEARCH_ROWS = 10
# "本级财政支出（万元）", "本级财政支出[万元]", "本级财政支出 (万元)": NFKC has already made
# full-width brackets ASCII; 【】 and 〔〕 have no ASCII form.
_TRAILING_BRACKETS = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕)$")
_SPACES = re.compile(r"\s+")
# Required-field markers that templates put before or after a label.
_MARKERS = "*※"


@dataclass(frozen=True)
class Column:
    """A column of the table: where it is, its header as written, and its field."""

    index: int  # 0-based column in the sheet
    header: str  # as written (spaces tidied), for messages
    key: str | None  # the scheme field, None when not recognised


def normalise_header(text: str) -> str:
    """A header reduced to what matters for matching: no width, case, spaces or markers.

    Examples
    --------
    >>> normalise_header(" 本级 财政支出（万元）"), normalise_header("Unit Code")
    ('本级财政支出(万元)', 'unitcode')
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub("", text).strip(_MARKERS)


class HeaderMatcher:
    """Recognises a scheme's fields and units in header-like cells."""

    def __init__(self, scheme: Scheme) -> None:
        self._names: dict[str, str] = {}
        for spec in scheme.fields:
            for name in (spec.key, spec.label, spec.label_en):
                if name:
                    self._names.setdefault(normalise_header(name), spec.key)
        self._units = {normalise_header(f.unit) for f in scheme.fields if f.unit}
        self._units |= {normalise_header(u) for u in ("计量单位", "单位", "unit")}

    def field_key(self, cell: object) -> str | None:
        """The field a header cell names, or None."""
        if is_empty(cell) or not isinstance(cell, str):
            return None
        name = normalise_header(cell)
        if name in self._names:
            return self._names[name]
        without_unit = _TRAILING_BRACKETS.sub("", name)
        return self._names.get(without_unit) if without_unit else None

    def is_unit(self, cell: object) -> bool:
        """True for a cell of a template's unit row: "万元", "（万元）", "人", "%"."""
        if not isinstance(cell, str):
            return False
        name = normalise_header(cell)
        return name in self._units or name.strip("()[]【】〔〕") in self._units

    def count_matches(self, row: Sequence[object]) -> tuple[int, int]:
        """Cells naming a field, and non-empty cells, in a row."""
        filled = [cell for cell in row if not is_empty(cell)]
        return sum(self.field_key(cell) is not None for cell in filled), len(filled)

    def is_header_like(self, row: Sequence[object]) -> bool:
        """A row of units or field names only, such as the template's rows 3 and 4."""
        filled = [cell for cell in row if not is_empty(cell)]
        return bool(filled) and all(
            self.is_unit(cell) or self.field_key(cell) is not None for cell in filled
        )


def find_header_row(rows: Sequence[Sequence[object]], matcher: HeaderMatcher) -> int | None:
    """Index of the first row, among the first ten, where most cells name fields.

    "Most" is more than half of the non-empty cells and at least two of them: a title
    such as "基础数据表" in one merged cell is never the header, and a few extra columns
    (notes, a serial number) do not hide it.
    """
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matches, filled = matcher.count_matches(row)
        if matches >= 2 and matches * 2 > filled:
            return index
    return None


def first_data_row(rows: Sequence[Sequence[object]], header: int, matcher: HeaderMatcher) -> int:
    """Index of the first row after the header that is not a unit or key row."""
    index = header + 1
    while index < len(rows) and matcher.is_header_like(rows[index]):
        index += 1
    return index


def read_columns(header_row: Sequence[object], matcher: HeaderMatcher) -> list[Column]:
    """The non-empty header cells, each with the field it names (or None)."""
    columns = []
    for index, cell in enumerate(header_row):
        if is_empty(cell):
            continue
        header = _SPACES.sub(" ", text_of(cell))
        columns.append(Column(index, header, matcher.field_key(cell)))
    return columns


def header_for(spec: FieldSpec, columns: Sequence[Column]) -> str:
    """The header a field has in this file, or its label when the file lacks it."""
    for column in columns:
        if column.key == spec.key:
            return column.header
    return spec.label
