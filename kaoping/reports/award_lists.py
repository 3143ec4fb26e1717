"""Award and criticism lists given to the reports as files (JSON, CSV or XLSX).

What ``kaoping awards -o`` writes is read as it is: its JSON document (``units`` and
``criticism_list``), or its CSV / XLSX table (单位编码, 单位名称, 获奖档次, 通报批评, 原因).
Lists made by hand are read too. JSON: ``{"awards": [{"unit_code": ..., "tier": ...,
"reason": ...}], "criticism": [...]}`` or a plain list (all awards). CSV: columns
``unit_code``, ``tier``, ``reason``, optional ``unit_name`` and ``kind`` (``award`` /
``criticism``, or 奖励 / 通报批评; default award).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kaoping.reports.errors import ReportInputError, ReportProblem

# What award lists write, in the Chinese of the files and in English (data, matched as written):
# the kinds of a criticism row, the tier a criticised unit is listed under, the unit-code headers
# that find the header row, the first cells of a totals row.
CRITICISM_KINDS = ("criticism", "通报批评", "批评")
CRITICISM_TIER = "通报批评"
UNIT_CODE_HEADERS = frozenset({"单位编码", "code", "unit_code"})
TOTAL_ROWS = ("合计", "Total")
REQUIRED = ("unit_code", "tier")
# The headers ``kaoping awards`` writes (Chinese and English) -> the keys used here.
HEADERS = {
    "单位编码": "unit_code",
    "code": "unit_code",
    "单位名称": "unit_name",
    "name": "unit_name",
    "获奖档次": "tier",
    "原因": "reason",
    "通报批评": "criticised",
    "criticised": "criticised",
}
YES = ("是", "yes", "true", "1")
# (awards, criticism): one row mapping per unit, as the report builders take them.
AwardLists = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def _from_table(rows: list[dict[str, Any]]) -> AwardLists | None:
    """(awards, criticism) from the table ``kaoping awards`` writes; None for other tables."""
    if not rows or "criticised" not in {HEADERS.get(k, k) for k in rows[0]}:
        return None
    plain = [
        {HEADERS.get(k, k): ("" if v is None else str(v).strip()) for k, v in r.items()}
        for r in rows
    ]
    awards = [r for r in plain if r.get("tier")]
    criticism = [
        {**r, "tier": CRITICISM_TIER} for r in plain if str(r.get("criticised", "")).lower() in YES
    ]
    return awards, criticism


def _from_awards_document(raw: dict[str, Any]) -> AwardLists | None:
    """(awards, criticism) from the JSON document of ``kaoping awards``."""
    units = raw.get("units")
    if not isinstance(units, list) or "criticism_list" not in raw:
        return None
    scheme = raw["scheme"] if isinstance(raw.get("scheme"), dict) else {}
    awards = [
        {
            "unit_code": u.get("code"),
            "unit_name": u.get("name"),
            "tier": u.get("tier"),
            "reason": "",
            "total": u.get("total"),
            "rank": u.get("rank"),
            "scheme": scheme.get("code", ""),
        }
        for u in units
        if isinstance(u, dict) and u.get("tier")
    ]
    criticism = [
        {
            "unit_code": c.get("code"),
            "unit_name": c.get("name"),
            "tier": CRITICISM_TIER,
            "reason": c.get("reason", ""),
        }
        for c in raw["criticism_list"]
        if isinstance(c, dict)
    ]
    return awards, criticism


def header_row(rows: Sequence[Sequence[Any]], limit: int = 5) -> int:
    """The index of the header row (the first naming a unit code column) among the first
    rows, below a title row when there is one; 0 when none does."""
    for i, row in enumerate(rows[:limit]):
        if UNIT_CODE_HEADERS & {str(c or "").strip() for c in row}:
            return i
    return 0


def load_award_lists(path: str | Path) -> AwardLists:
    """Read (awards, criticism) from a JSON or CSV file; every problem is reported."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _load_xlsx(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(
            [ReportProblem("report.unreadable", file=path.name, params={"reason": exc})]
        ) from None
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        written = _from_table(rows)
        if written is not None:
            return written
        awards = [r for r in rows if (r.get("kind") or "").strip() not in CRITICISM_KINDS]
        criticism = [r for r in rows if (r.get("kind") or "").strip() in CRITICISM_KINDS]
        first_row = 2  # the header is row 1
    else:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReportInputError(
                [
                    ReportProblem(
                        "report.bad_format",
                        file=path.name,
                        params={"format": "JSON", "reason": exc},
                    )
                ]
            ) from None
        written = _from_awards_document(raw) if isinstance(raw, dict) else None
        if written is not None:
            return written
        awards_raw: Any = None
        criticism_raw: Any = None
        if isinstance(raw, list):
            awards_raw, criticism_raw = raw, []
        elif isinstance(raw, dict):
            awards_raw, criticism_raw = raw.get("awards", []), raw.get("criticism", [])
        if not isinstance(awards_raw, list) or not isinstance(criticism_raw, list):
            raise ReportInputError(
                [
                    ReportProblem(
                        "report.bad_format",
                        file=path.name,
                        params={"format": "JSON", "reason": "awards / criticism"},
                    )
                ]
            )
        awards, criticism = awards_raw, criticism_raw
        first_row = None
    problems = []
    for items in (awards, criticism):
        for number, item in enumerate(items, start=1):
            for key in REQUIRED:
                if not isinstance(item, dict) or not str(item.get(key) or "").strip():
                    row = first_row + number - 1 if first_row else None
                    problems.append(
                        ReportProblem(
                            "report.award_field",
                            file=path.name,
                            row=row,
                            params={"item": number, "key": key},
                        )
                    )
    if problems:
        raise ReportInputError(problems)
    return [dict(a) for a in awards], [dict(c) for c in criticism]


def _load_xlsx(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The XLSX table ``kaoping awards -f xlsx`` writes (first sheet, a title row above the
    header; the 合计 row, if any, left out)."""
    from kaoping.tables import read_sheet

    sheet = read_sheet(path)
    if not sheet.rows:
        return [], []
    at = header_row(sheet.rows)
    header = [str(c or "").strip() for c in sheet.rows[at]]
    rows = [
        dict(zip(header, r, strict=False))
        for r in sheet.rows[at + 1 :]
        if any(r) and str(r[0] or "").strip() not in TOTAL_ROWS
    ]
    written = _from_table(rows)
    if written is None:
        raise ReportInputError(
            [
                ReportProblem(
                    "report.bad_format",
                    file=path.name,
                    params={"format": "XLSX", "reason": "kaoping awards"},
                )
            ]
        )
    return written
