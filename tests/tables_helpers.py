"""Shared builders for the kaoping.tables tests: valid mof-2012 rows, real CSV and XLSX files."""

from __future__ import annotations

import copy
import csv
import functools
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from kaoping.scoring.errors import DataError, Problem
from kaoping.scoring.schemes import Scheme, load_scheme, scheme_from_dict

POLICY_ITEMS = (
    "public_employment_service",
    "vocational_training_subsidy",
    "job_referral_subsidy",
    "social_insurance_subsidy",
    "public_welfare_post_subsidy",
    "small_loan_interest_subsidy",
    "skill_appraisal_subsidy",
    "specific_policy_subsidy",
    "internship_subsidy",
)


@functools.cache
def mof() -> Scheme:
    """The real mof-2012 scheme (loaded once: schemes are immutable)."""
    return load_scheme("mof-2012")


def unit_fields() -> list:
    """The fields of a unit's base-data table (the evaluator's price factor is not one)."""
    return [f for f in mof().fields if f.source == "unit"]


def scheme_with_fields(extra: Iterable[Mapping[str, Any]]) -> Scheme:
    """mof-2012 with more fields appended, e.g. an optional field without a default."""
    raw = copy.deepcopy(dict(mof().raw))
    raw["fields"] = [*raw["fields"], *extra]
    return scheme_from_dict(raw)


def record(code: str = "0101", name: str = "东城区", year: int = 2023, seed: int = 0) -> dict:
    """One unit's valid mof-2012 values (the nine policy items sum below the expenditure)."""
    values: dict[str, Any] = {"unit_code": code, "unit_name": name, "year": year}
    for n, spec in enumerate(mof().input_fields):
        if spec.type == "amount":
            values[spec.key] = 100.5 + 10 * n + seed
        elif spec.type == "count":
            values[spec.key] = 50 + n + seed
        elif spec.type == "rate":
            values[spec.key] = 1.46
        elif spec.type == "factor":
            values[spec.key] = 1.1
    values["fund_expenditure"] = 5000.25 + seed
    return values


def records(n: int = 3, year: int = 2023) -> list[dict]:
    return [record(f"{101 + i:04d}", f"单位{i + 1}", year, seed=i) for i in range(n)]


def table(
    rows: Sequence[Mapping[str, Any]],
    *,
    header: str = "label",
    keys: Sequence[str] | None = None,
    scheme: Scheme | None = None,
) -> list[list[Any]]:
    """Header row (labels, keys or English labels) then one row per record."""
    scheme = scheme or mof()
    # The columns of a unit's table: not the evaluator's fields (the price factor).
    keys = list(keys) if keys is not None else [f.key for f in scheme.fields if f.source == "unit"]
    names = {
        "label": {f.key: f.label for f in scheme.fields},
        "key": {f.key: f.key for f in scheme.fields},
        "en": {f.key: f.label_en or f.key for f in scheme.fields},
    }[header]
    head = [names.get(k, k) for k in keys]
    return [head, *[[r.get(k, "") for k in keys] for r in rows]]


def csv_bytes(
    rows: Sequence[Sequence[Any]], encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in rows]
    )
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8", **kw) -> Path:
    path.write_bytes(csv_bytes(rows, encoding, **kw))
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    formats: Mapping[int, str] | None = None,
    first_sheet: str | None = None,
) -> Path:
    """A real workbook; ``formats`` gives a number format per 0-based column (data rows)."""
    workbook = openpyxl.Workbook()
    if first_sheet:
        workbook.active.title = first_sheet
        workbook.active["A1"] = "说明"
        target = workbook.create_sheet(sheet)
    else:
        target = workbook.active
        target.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                cell = target.cell(r, c, value)
                if formats and r > 1 and (c - 1) in formats:
                    cell.number_format = formats[c - 1]
    workbook.save(path)
    return path


def problems_of(action: Callable[[], object]) -> list[Problem]:
    """The problems of the DataError that ``action`` must raise."""
    try:
        action()
    except DataError as exc:
        return exc.problems
    raise AssertionError("expected a DataError")


def only(problems: Sequence[Problem], code: str) -> Problem:
    """The single problem with ``code``."""
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [p.render("en") for p in problems]
    return found[0]
