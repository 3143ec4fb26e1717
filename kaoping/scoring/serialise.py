"""Results as plain data: the JSON document of ``kaoping evaluate --format json`` and the
rows of the ranking table (for the terminal, CSV, Excel and the web application)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.messages import DEFAULT_LANGUAGE


def result_to_dict(result: EvaluationResult, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """One JSON-ready object: scheme, input fingerprint, units, indicator statistics, warnings.

    Numbers are not rounded. ``value`` is the indicator as the notice defines it;
    ``score`` is the final indicator score after standards, whose points are ``adjustment``.
    Units are listed in rank order.
    """
    document = result_document(result, lang)
    document["units"] = list(document["units"])
    return document


def result_document(
    result: EvaluationResult,
    lang: str = DEFAULT_LANGUAGE,
    extend: Callable[[int, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """:func:`result_to_dict` with ``units`` a generator (one unit's entry at a time, for
    :func:`iter_json`); ``extend(u, entry)`` may add to each unit's entry."""
    scheme = result.scheme

    def units() -> Iterator[dict[str, Any]]:
        for u in result.order():
            entry = unit_entry(result, u, lang)
            if extend is not None:
                extend(u, entry)
            yield entry

    return {
        "scheme": {"code": scheme.code, "version": scheme.version, "sha256": scheme.sha256},
        "input_sha256": result.data.sha256,
        "units": units(),
        "indicators": {
            code: {k: _clean(v) for k, v in stats.items() if k != "code"}
            for code, stats in result.stats.items()
        },
        "warnings": [w.render(lang) for w in result.warnings],
    }


def unit_entry(result: EvaluationResult, u: int, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Unit ``u``'s entry of the JSON document: total, rank, grade, groups, indicators."""
    scheme = result.scheme
    unit = result.data.units[u]
    indicators = {}
    for j, ind in enumerate(scheme.indicators):
        problem = result.reason_problem(u, j)
        indicators[ind.code] = {
            "value": _num(result.values[u, j]),
            "z": _num(result.z[u, j]),
            "score": _num(result.scores[u, j]),
            "adjustment": float(result.standard_points[u, j]),
            "status": "ok" if problem is None else "not_applicable",
            "reason": None if problem is None else problem.text(lang),
        }
    entry: dict[str, Any] = {
        "code": unit.code,
        "name": unit.name,
        "year": unit.year,
        "total": _num(result.totals[u]),
        "rank": int(result.ranks[u]) or None,
        "grade": result.grades[u],
        "groups": {code: _num(scores[u]) for code, scores in result.group_scores.items()},
        "indicators": indicators,
    }
    if result.adjustments:
        entry["base_total"] = _num(result.base_totals[u])
        entry["bonus"] = float(result.bonus[u])
    if result.previous is not None:
        entry["previous"] = _previous(result, u)
    return entry


def iter_json(document: Any) -> Iterator[str]:
    """Compact JSON text of ``document`` in pieces: a generator among its values is written
    item by item, so a document of any number of units needs the memory of one unit.

    Compact separators and the C encoder (``indent`` forces Python's slow one); complete and
    unrounded, as :func:`json.dumps` writes it.

    Examples
    --------
    >>> "".join(iter_json({"a": 1, "units": (u for u in [{"x": 1.5}, {"x": None}]), "b": "中"}))
    '{"a":1,"units":[{"x":1.5},{"x":null}],"b":"中"}'
    """
    if isinstance(document, dict):
        yield "{"
        for i, (key, value) in enumerate(document.items()):
            yield ("," if i else "") + _ENCODER.encode(str(key)) + ":"
            yield from iter_json(value)
        yield "}"
    elif isinstance(document, Iterator):
        yield "["
        for i, item in enumerate(document):
            yield ("," if i else "") + _ENCODER.encode(item)
        yield "]"
    else:
        yield _ENCODER.encode(document)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def ranking_rows(result: EvaluationResult) -> list[dict[str, Any]]:
    """Rows of the ranking table in rank order: code, name, groups, total, rank, grade and,
    with a previous evaluation, the previous total and rank and their changes."""
    rows = []
    for u in result.order():
        unit = result.data.units[u]
        row: dict[str, Any] = {"rank": int(result.ranks[u]) or None, "code": unit.code,
                               "name": unit.name}  # fmt: skip
        for code, scores in result.group_scores.items():
            if result.scheme.group(code).parent is None:
                row[code] = _num(scores[u])
        if result.adjustments:
            row["bonus"] = float(result.bonus[u])
        row["total"] = _num(result.totals[u])
        row["grade"] = result.grades[u]
        if result.previous is not None:
            row.update(_previous(result, u))
        rows.append(row)
    return rows


def _previous(result: EvaluationResult, u: int) -> dict[str, Any]:
    prev = result.previous
    assert prev is not None
    total = _num(prev.totals[u])
    rank = int(prev.ranks[u]) or None
    now_rank = int(result.ranks[u]) or None
    now_total = _num(result.totals[u])
    return {
        "previous_total": total,
        "previous_rank": rank,
        "change": None if total is None or now_total is None else now_total - total,
        "rank_change": None if rank is None or now_rank is None else rank - now_rank,
    }


def _num(x: Any) -> float | None:
    value = float(x)
    return None if math.isnan(value) else value


def _clean(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (np.floating, np.integer)):
        return _clean(v.item())
    if isinstance(v, list):
        return [_clean(x) for x in v]
    return v
