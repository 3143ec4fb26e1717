"""Award and criticism lists given to the reports as files (JSON or CSV).

JSON: ``{"awards": [{"unit_code": ..., "tier": ..., "reason": ...}], "criticism": [...]}``
or a plain list (all awards). CSV: columns ``unit_code``, ``tier``, ``reason``, optional
``unit_name`` and ``kind`` (``award`` / ``criticism``, or 奖励 / 通报批评; default award).

The output of ``kaoping awards`` is read as it is, in any of its formats (JSON document,
CSV in Chinese or English, .xlsx): units with a tier are awards, criticised units the
criticism list, the others neither.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from kaoping.reports.errors import ReportInputError, ReportProblem

CRITICISM_KINDS = ("criticism", "通报批评", "批评")
REQUIRED = ("unit_code", "tier")


def load_award_lists(path: str | Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Read (awards, criticism) from a JSON or CSV file; every problem is reported."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _from_awards_rows(path, _xlsx_rows(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(
            [ReportProblem("report.unreadable", file=path.name, params={"reason": exc})]
        ) from None
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and not ({"unit_code", "tier"} & set(rows[0])):
            return _from_awards_rows(path, [list(rows[0])] + [list(r.values()) for r in rows])
        awards = [r for r in rows if (r.get("kind") or "").strip() not in CRITICISM_KINDS]
        criticism = [r for r in rows if (r.get("kind") or "").strip() in CRITICISM_KINDS]
        first_row = 2  # the header is row 1
    else:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReportInputError(
                [ReportProblem("report.bad_format", file=path.name,
                               params={"format": "JSON", "reason": exc})]
            ) from None  # fmt: skip
        if isinstance(raw, dict) and isinstance(raw.get("units"), list):
            return _from_awards_document(raw)
        if isinstance(raw, list):
            awards, criticism = raw, []
        elif isinstance(raw, dict):
            awards, criticism = raw.get("awards", []), raw.get("criticism", [])
        else:
            awards = criticism = None  # type: ignore[assignment]
        if not isinstance(awards, list) or not isinstance(criticism, list):
            raise ReportInputError(
                [ReportProblem("report.bad_format", file=path.name,
                               params={"format": "JSON", "reason": "awards / criticism"})]
            )  # fmt: skip
        first_row = None
    problems = []
    for items in (awards, criticism):
        for number, item in enumerate(items, start=1):
            for key in REQUIRED:
                if not isinstance(item, dict) or not str(item.get(key) or "").strip():
                    row = first_row + number - 1 if first_row else None
                    problems.append(ReportProblem("report.award_field", file=path.name, row=row,
                                                  params={"item": number, "key": key}))  # fmt: skip
    if problems:
        raise ReportInputError(problems)
    return [dict(a) for a in awards], [dict(c) for c in criticism]


# Column titles of ``kaoping awards`` (Chinese and English) and the keys they carry.
AWARDS_COLUMNS = {"单位编码": "unit_code", "code": "unit_code", "单位名称": "unit_name",
                  "name": "unit_name", "获奖档次": "tier", "tier": "tier",
                  "通报批评": "criticised", "criticised": "criticised", "原因": "reason",
                  "reason": "reason"}  # fmt: skip
YES = ("true", "是", "yes", "1", "√")


def _from_awards_document(raw: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The JSON document of ``kaoping awards``."""
    awards, criticism = [], []
    for unit in raw["units"]:
        if not isinstance(unit, dict):
            continue
        item = {"unit_code": str(unit.get("code") or ""), "unit_name": unit.get("name") or "",
                "reason": "；".join(str(r) for r in unit.get("reasons") or [])}  # fmt: skip
        if unit.get("tier"):
            awards.append({**item, "tier": str(unit["tier"]),
                           "scheme": (raw.get("scheme") or {}).get("code", "")})  # fmt: skip
        if unit.get("criticised"):
            criticism.append({**item, "tier": "通报批评"})
    return awards, criticism


def _from_awards_rows(path: Path, rows: list[list[Any]]):
    """The table of ``kaoping awards`` (CSV or .xlsx): find its header row, then read on."""
    header_at = next((i for i, row in enumerate(rows)
                      if {"单位编码", "code"} & {str(c).strip() for c in row if c}), None)  # fmt: skip
    if header_at is None:
        raise ReportInputError([ReportProblem("report.award_field", file=path.name,
                                              params={"item": 1, "key": "单位编码"})])  # fmt: skip
    keys = [AWARDS_COLUMNS.get(str(c).strip()) if c else None for c in rows[header_at]]
    awards, criticism = [], []
    for row in rows[header_at + 1 :]:
        item = {k: ("" if v is None else str(v).strip()) for k, v in zip(keys, row, strict=False)
                if k}  # fmt: skip
        if not item.get("unit_code") or item["unit_code"] in ("合计", "Total"):
            continue
        if item.get("tier"):
            awards.append(item)
        if item.get("criticised", "").lower() in YES:
            criticism.append({**item, "tier": "通报批评"})
    return awards, criticism


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ReportInputError([ReportProblem("report.unreadable", file=path.name,
                                              params={"reason": exc})]) from None  # fmt: skip
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
