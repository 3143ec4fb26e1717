"""From raw rows to :class:`~kaoping.scoring.data.BaseData`, or every problem at once.

A user who uploads a table with five mistakes should see five messages, each naming the
file, the spreadsheet row, the column as headed in the file, the value and what was
expected, not fix them one upload at a time. So every rule runs on every row, and the
problems are raised together in one :class:`~kaoping.scoring.messages.DataError`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import starmap
from pathlib import Path

import numpy as np

from kaoping.scoring.data import BaseData, UnitRef
from kaoping.scoring.messages import DataError, Problem
from kaoping.scoring.schemes import FieldSpec, Scheme
from kaoping.tables.cells import is_empty, show
from kaoping.tables.columns import (
    CellPlace,
    ParsedColumn,
    code_converter,
    parse_numeric_column,
    parse_text_column,
)
from kaoping.tables.csv_grid import GridRows
from kaoping.tables.errors import capped
from kaoping.tables.header import (
    Column,
    HeaderMatcher,
    find_header_row,
    first_data_row,
    header_for,
    read_columns,
)
from kaoping.tables.letters import column_letters
from kaoping.tables.read import RawSheet, read_sheet
from kaoping.tables.rules import duplicate_units, failed_checks, year_mismatches

DEFAULT_MAX_PROBLEMS = 200
IDENTITY_FIELDS = ("unit_code", "unit_name")


@dataclass
class _Layout:
    """Where things are in the sheet: the header, the columns and the data rows."""

    sheet: RawSheet
    header_index: int  # 0-based row of the header
    columns: list[Column]
    data_indices: list[int]  # 0-based rows holding units

    @property
    def header_row(self) -> int:
        return self.header_index + 1

    @functools.cached_property
    def rows(self) -> list[int]:
        """Spreadsheet row (1-based) of each unit (asked for by every column's checks)."""
        return [i + 1 for i in self.data_indices]

    def column_of(self, key: str) -> Column | None:
        """The first column holding a field (a repeat is reported, not read)."""
        return next((c for c in self.columns if c.key == key), None)

    def cells(self, index: int) -> Sequence[object]:
        """The cells of one sheet column in the data rows ("" past a short row's end); of a
        CSV grid, its byte ranges, decoded or converted by the column's parser."""
        if isinstance(self.sheet.rows, GridRows):
            return self.sheet.rows.column(index, self._data_array)
        column = self._transposed(index)
        if column is None:  # a column no row reaches
            return [""] * len(self.data_indices)
        return [column[i] for i in self.data_indices]

    @functools.cached_property
    def _data_array(self) -> np.ndarray:
        return np.asarray(self.data_indices, dtype=np.int64)

    def _transposed(self, index: int) -> tuple[object, ...] | None:
        """Column ``index`` of every row: the rows padded to one width and transposed once,
        in C (``zip``), instead of one Python index per cell per column (300,000 rows:
        0.25 s a column)."""
        cache: dict[int, tuple[object, ...]] = self.__dict__.setdefault("_columns", {})
        if not cache:
            rows = self.sheet.rows
            width = max(map(len, rows), default=0)
            padded = (r if len(r) == width else [*r, *[""] * (width - len(r))] for r in rows)
            cache.update(enumerate(zip(*padded, strict=True)))
        return cache.get(index)


@dataclass
class _Findings:
    """Problems found so far, each with a key that sorts them as the user reads the table."""

    items: list[tuple[tuple[int, int, int], Problem]] = field(default_factory=list)

    def add(self, problem: Problem, column: int = -1) -> None:
        key = (problem.row or 0, column, len(self.items))
        self.items.append((key, problem))

    def sorted(self) -> list[Problem]:
        return [problem for _, problem in sorted(self.items, key=lambda item: item[0])]


def read_base_data(
    source: str | Path | bytes, scheme: Scheme, filename: str | None = None
) -> BaseData:
    """Read and validate a base-data file: :func:`read_sheet` then :func:`parse_base_data`.

    Examples
    --------
    >>> from kaoping.scoring.schemes import load_scheme
    >>> data = read_base_data("path/to/基础数据.xlsx", load_scheme("mof-2012"))  # doctest: +SKIP
    """
    return parse_base_data(read_sheet(source, filename), scheme)


def parse_base_data(
    sheet: RawSheet, scheme: Scheme, *, max_problems: int = DEFAULT_MAX_PROBLEMS
) -> BaseData:
    """Validate a sheet against a scheme's fields and checks.

    Parameters
    ----------
    sheet : RawSheet
        As read by :func:`read_sheet`.
    scheme : Scheme
        Its ``fields`` define the columns, its ``checks`` the cross-field rules.
    max_problems : int
        Report at most this many problems, then one ``data.too_many`` with the total.

    Returns
    -------
    BaseData
        One unit per data row, in file order; ``columns`` holds a float array for every
        numeric field (NaN for an empty optional cell; the default where the field has one).

    Raises
    ------
    DataError
        With every problem found (up to ``max_problems``), sorted by row and column.
    """
    layout = _layout(sheet, scheme)
    findings = _Findings()
    _check_columns(layout, scheme, findings)
    if not layout.data_indices:
        findings.add(Problem("data.empty", file=sheet.filename))
        raise DataError(capped(findings.sorted(), max_problems, sheet.filename))
    cells = _parse_cells(layout, scheme, findings)
    _check_rows(layout, scheme, findings, cells)
    if findings.items:
        raise DataError(capped(findings.sorted(), max_problems, sheet.filename))
    return BaseData(
        units=_units(cells),
        columns=cells.columns,
        source=sheet.filename,
        rows=layout.rows,
        sha256=sheet.sha256,
        extras=cells.extras,
    )


@dataclass
class _Cells:
    """Every field's cells, parsed: texts, and numbers with the positions of bad cells."""

    codes: list[str]
    names: list[str]
    extras: dict[str, list[str]]
    numeric: dict[str, ParsedColumn]
    bad_rows: np.ndarray  # bool per unit: some cell of the row has a problem

    @property
    def columns(self) -> dict[str, np.ndarray]:
        return {key: column.values for key, column in self.numeric.items()}


def _parse_cells(layout: _Layout, scheme: Scheme, findings: _Findings) -> _Cells:
    formats = _formats_by_position(layout, scheme)
    codes, code_column = _text_field(layout, scheme.field("unit_code"), findings, formats)
    names, name_column = _text_field(layout, scheme.field("unit_name"), findings, {})
    extras = {
        spec.key: _text_field(layout, spec, findings, {})[0]
        for spec in scheme.fields
        if not spec.is_numeric and spec.key not in IDENTITY_FIELDS
    }
    numeric = {  # the evaluator's fields (price factor) come with the round, not the table
        spec.key: _numeric_field(layout, spec, findings, formats)
        for spec in scheme.fields
        if spec.is_numeric and spec.source == "unit"
    }
    bad_rows = code_column.bad | name_column.bad
    for column in numeric.values():
        bad_rows = bad_rows | column.bad
    return _Cells(codes, names, extras, numeric, bad_rows)


# --- layout and columns ---------------------------------------------------------------------


def _layout(sheet: RawSheet, scheme: Scheme) -> _Layout:
    matcher = HeaderMatcher(scheme)
    header_index = find_header_row(sheet.rows, matcher)
    if header_index is None:
        examples = "、".join(f"“{spec.label}”（{spec.key}）" for spec in scheme.fields[:2])
        examples_en = ", ".join(f"“{spec.label}” ({spec.key})" for spec in scheme.fields[:2])
        problem = Problem(
            "data.no_header", file=sheet.filename, params={"examples": (examples, examples_en)}
        )
        raise DataError([problem])
    start = first_data_row(sheet.rows, header_index, matcher)
    if isinstance(sheet.rows, GridRows):  # decided on the bytes, no row made
        blank = sheet.rows.grid.blank
        data_indices = (np.flatnonzero(~blank[start:]) + start).tolist()
    else:
        data_indices = [
            i for i in range(start, len(sheet.rows)) if not all(is_empty(c) for c in sheet.rows[i])
        ]
    columns = read_columns(sheet.rows[header_index], matcher)
    return _Layout(sheet, header_index, columns, data_indices)


def _check_columns(layout: _Layout, scheme: Scheme, findings: _Findings) -> None:
    """Unknown, repeated, unnamed and missing columns."""
    filename, row = layout.sheet.filename, layout.header_row
    first_header: dict[str, str] = {}
    for column in layout.columns:
        params: dict[str, object] = {"column": column.header}
        if column.key is None:
            code = "data.unknown_column"
        elif scheme.field(column.key).source == "evaluator":
            code = "data.evaluator_column"  # e.g. a unit typing its own price factor
        elif column.key in first_header:
            code = "data.duplicate_column"
            params["first"] = first_header[column.key]
        else:
            first_header[column.key] = column.header
            continue
        problem = Problem(code, file=filename, row=row, column=column.header, params=params)
        findings.add(problem, column.index)
    _check_unnamed_columns(layout, findings)
    for spec in scheme.fields:
        if spec.key not in first_header and spec.required and spec.default is None:
            params = {"label": (spec.label, spec.label_en or spec.key), "key": spec.key}
            findings.add(Problem("data.missing_column", file=filename, params=params))


def _check_unnamed_columns(layout: _Layout, findings: _Findings) -> None:
    """Data under an empty header: the user would expect it to be read, and it is not."""
    named = {column.index for column in layout.columns}
    rows = layout.sheet.rows
    if isinstance(rows, GridRows):
        width = rows.width if layout.data_indices else 0
    else:
        width = max((len(rows[i]) for i in layout.data_indices), default=0)
    for index in range(width):
        if index in named:
            continue
        filled = [c for c in layout.cells(index) if not is_empty(c)]
        if filled:
            letters = column_letters(index)
            problem = Problem(
                "data.unnamed_column",
                file=layout.sheet.filename,
                row=layout.header_row,
                column=letters,
                value=show(filled[0]),
                params={"letters": letters},
            )
            findings.add(problem, index)


def _formats_by_position(layout: _Layout, scheme: Scheme) -> dict[str, dict[int, str]]:
    """Excel number formats that change a value's meaning, by field and data position.

    Only looked up when they can matter (an XLSX code or rate column holding numbers),
    since the lookup reads the sheet's XML a second time.
    """
    if layout.sheet.kind != "xlsx":
        return {}
    wanted: dict[int, str] = {}
    for spec in scheme.fields:
        column = layout.column_of(spec.key)
        if column is None or not (spec.key == "unit_code" or spec.type == "rate"):
            continue
        if any(
            isinstance(c, int | float) and not isinstance(c, bool)
            for c in layout.cells(column.index)
        ):
            wanted[column.index] = spec.key
    if not wanted:
        return {}
    position_of = {row: position for position, row in enumerate(layout.data_indices)}
    found = layout.sheet.number_formats(wanted)
    return {
        wanted[index]: {position_of[r]: fmt for r, fmt in by_row.items() if r in position_of}
        for index, by_row in found.items()
    }


def _place(layout: _Layout, column: Column) -> CellPlace:
    return CellPlace(layout.sheet.filename, column.header, layout.rows)


def _text_field(
    layout: _Layout, spec: FieldSpec, findings: _Findings, formats: dict[str, dict[int, str]]
) -> tuple[list[str], ParsedColumn]:
    column = layout.column_of(spec.key)
    n = len(layout.data_indices)
    if column is None:  # reported as a missing column when required
        return [""] * n, ParsedColumn(np.full(n, np.nan), np.zeros(n, dtype=bool), [])
    convert = code_converter(formats.get(spec.key, {})) if spec.key == "unit_code" else None
    texts, parsed = parse_text_column(
        layout.cells(column.index), spec, _place(layout, column), convert
    )
    for problem in parsed.problems:
        findings.add(problem, column.index)
    return texts, parsed


def _numeric_field(
    layout: _Layout, spec: FieldSpec, findings: _Findings, formats: dict[str, dict[int, str]]
) -> ParsedColumn:
    column = layout.column_of(spec.key)
    n = len(layout.data_indices)
    if column is None:  # absent: the default, else empty (reported if required)
        fill = np.nan if spec.default is None else spec.default
        return ParsedColumn(np.full(n, fill), np.zeros(n, dtype=bool), [])
    parsed = parse_numeric_column(
        layout.cells(column.index), spec, _place(layout, column), formats.get(spec.key)
    )
    for problem in parsed.problems:
        findings.add(problem, column.index)
    return parsed


# --- rows -----------------------------------------------------------------------------------


def _check_rows(layout: _Layout, scheme: Scheme, findings: _Findings, cells: _Cells) -> None:
    """Repeated units, a year unlike the others, and the scheme's cross-field checks."""
    filename, rows = layout.sheet.filename, layout.rows
    headers = {spec.key: header_for(spec, layout.columns) for spec in scheme.fields}
    code_column = layout.column_of("unit_code")
    if code_column is not None:
        for problem in duplicate_units(cells.codes, rows, filename, code_column.header):
            findings.add(problem, code_column.index)
    year_column = layout.column_of("year")
    if year_column is not None and "year" in cells.numeric:
        years = cells.numeric["year"]
        year_ok = ~years.bad & ~np.isnan(years.values)
        for problem in year_mismatches(years.values, year_ok, rows, filename, headers["year"]):
            findings.add(problem, year_column.index)
    # Only rows whose cells all parsed: a check on a half-read row would mislead.
    usable = ~cells.bad_rows
    index_of_header = {c.header: c.index for c in layout.columns}
    for problem in failed_checks(scheme.checks, cells.columns, usable, rows, filename, headers):
        findings.add(problem, index_of_header.get(problem.column or "", -1))


def _units(cells: _Cells) -> list[UnitRef]:
    year_column = cells.numeric.get("year")
    if year_column is None:
        years: list[int | None] = [None] * len(cells.codes)
    else:  # one conversion for the column, not a numpy scalar test per unit
        values = year_column.values
        finite = np.isfinite(values).tolist()
        years = [int(y) if ok else None for y, ok in zip(values.tolist(), finite, strict=True)]
    # starmap: the loop in C, the fields by position (UnitRef is code, name, year).
    return list(starmap(UnitRef, zip(cells.codes, cells.names, years, strict=True)))
