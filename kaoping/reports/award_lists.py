"""Award and criticism lists given to the reports as files (JSON or CSV).

JSON: ``{"awards": [{"unit_code": ..., "tier": ..., "reason": ...}], "criticism": [...]}``
or a plain list (all awards). CSV: columns ``unit_code``, ``tier``, ``reason``, optional
``unit_name`` and ``kind`` (``award`` / ``criticism``, or 奖励 / 通报批评; default award).
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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(
            [ReportProblem("report.unreadable", file=path.name, params={"reason": exc})]
        ) from None
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
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
