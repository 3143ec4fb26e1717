"""Between submissions and the engine: validation through kaoping.tables, BaseData, templates.

Form entries are validated by writing them as a one-row CSV and reading it back with
``kaoping.tables.read_base_data``: a typed value and an uploaded cell meet the same rules and
the same messages.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext

from kaoping.scoring import BaseData, DataError, Problem, Scheme, UnitRef
from kaoping.tables import read_base_data, write_template
from kaoping.web.schemes.fields import template_scheme, unit_fields


@dataclass(frozen=True)
class Finding:
    """A problem as a page shows it: row, column (field label), value and message."""

    row: int | None
    column: str | None
    field: str | None
    value: str
    message: str

    @classmethod
    def of(cls, problem: Problem, scheme: Scheme, lang: str) -> Finding:
        key = field_key_for(scheme, problem.column)
        label = scheme.field(key).label_for(lang) if key else problem.column
        value = "" if problem.value is None else str(problem.value)
        return cls(problem.row, label, key, value, problem.text(lang))


def input_fields(scheme: Scheme):
    """The numeric fields a unit fills in (not expert items, targets or price factors)."""
    return unit_fields(scheme)


def field_key_for(scheme: Scheme, column: str | None) -> str | None:
    if not column:
        return None
    for spec in scheme.fields:
        if column in (spec.key, spec.label, spec.label_en):
            return spec.key
    return None


def values_of(data: BaseData, position: int, scheme: Scheme) -> dict[str, float | None]:
    values = {}
    for spec in input_fields(scheme):
        column = data.columns.get(spec.key)
        x = float(column[position]) if column is not None else math.nan
        values[spec.key] = None if math.isnan(x) else x
    return values


def all_values(data: BaseData, scheme: Scheme) -> list[dict[str, float | None]]:
    """Every row's values, as :func:`values_of` gives one row's: column by column (an import
    of 3,000 rows converts 12 arrays, not 36,000 cells one at a time)."""
    columns = {}
    for spec in input_fields(scheme):
        column = data.columns.get(spec.key)
        if column is None:
            columns[spec.key] = [None] * len(data)
        else:
            array = np.asarray(column, dtype=float)
            columns[spec.key] = np.where(np.isnan(array), None, array).tolist()
    if not columns:
        return [{} for _ in range(len(data))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def validate_values(scheme: Scheme, unit, year: int, values: Mapping[str, object]) -> BaseData:
    """Validate one unit's values with the engine's table rules; raises DataError."""
    # Only the unit's own fields: expert items, targets and price factors are not its to give.
    own = template_scheme(scheme)
    return read_base_data(
        one_row_csv(own, [(unit, values)], year), own, filename=gettext("web form")
    )


def one_row_csv(
    scheme: Scheme, rows: Iterable[tuple[object, Mapping[str, object]]], year: int
) -> bytes:
    # A unit's own columns only: the evaluator's (the price factor) are refused in its data.
    keys = [f.key for f in scheme.fields if f.source == "unit"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(keys)
    for unit, values in rows:
        row = []
        for key in keys:
            if key == "unit_code":
                row.append(unit.code)
            elif key == "unit_name":
                row.append(unit.name)
            elif key == "year":
                row.append(year)
            else:
                value = values.get(key)
                row.append("" if value is None else _plain_number(value))
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _plain_number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def base_data_for(
    scheme: Scheme,
    year: int,
    items: list[tuple[object, Mapping[str, object]]],
    *,
    fingerprint: bool = True,
) -> BaseData:
    """BaseData for the engine from stored (already validated) values, in the given order.

    Without ``fingerprint`` the data's SHA-256 is not computed (a page's plausibility check
    of 3,000 units needs no fingerprint; it took a third of the page's time).
    """
    keys = [f.key for f in input_fields(scheme)]
    # One array for all rows and fields (None becomes NaN), then a column per field.
    matrix = np.array(
        [[values.get(key) for key in keys] for _, values in items], dtype=float
    ).reshape(len(items), len(keys))
    columns = {key: matrix[:, j].copy() for j, key in enumerate(keys)}
    columns["year"] = np.full(len(items), float(year))
    units = [UnitRef(code=unit.code, name=unit.name, year=year) for unit, _ in items]
    data = BaseData(units=units, columns=columns, source=f"{year}")
    if fingerprint:
        data.sha256 = data.fingerprint()
    return data


def template_bytes(
    scheme: Scheme, units: list, year: int, values: list[Mapping] | None, lang: str
) -> bytes:
    """The engine's Excel template, pre-filled with the units and any values saved so far."""
    buffer = io.BytesIO()
    refs = [UnitRef(code=u.code, name=u.name, year=year) for u in units]
    data = None
    if values is not None:
        data = base_data_for(scheme, year, list(zip(units, values, strict=True)))
    write_template(template_scheme(scheme), buffer, units=refs, year=year, data=data, lang=lang)
    return buffer.getvalue()


def findings_of(error: DataError, scheme: Scheme, lang: str) -> list[Finding]:
    return [Finding.of(p, scheme, lang) for p in error.problems]
