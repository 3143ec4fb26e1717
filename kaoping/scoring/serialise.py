"""Results as plain data: the JSON document of ``kaoping evaluate --format json`` and the
rows of the ranking table (for the terminal, CSV, Excel and the web application)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from kaoping.scoring.evaluation import REASON_CODES, EvaluationResult
from kaoping.scoring.messages import DEFAULT_LANGUAGE, Problem


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
        rows = _Rows(result, lang)  # the arrays as Python lists, converted once
        for u in result.order():
            entry = rows.entry(u)
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
    return _Rows(result, lang).entry(u)


class _Rows:
    """The unit entries of a result, each built from its rows converted to Python lists at
    once (not cell by cell; and one unit at a time, so memory stays flat)."""

    def __init__(self, result: EvaluationResult, lang: str) -> None:
        self.result = result
        self.codes = result.scheme.indicator_codes
        self.totals = result.totals.tolist()
        self.ranks = result.ranks.tolist()
        self.groups = {code: scores.tolist() for code, scores in result.group_scores.items()}
        self.texts = {code: Problem(key).text(lang) for code, key in REASON_CODES.items()}
        self.base = result.base_totals.tolist() if result.adjustments else None
        self.bonus = result.bonus.tolist() if result.adjustments else None

    def entry(self, u: int) -> dict[str, Any]:
        result = self.result
        unit = result.data.units[u]
        values, z = result.values[u].tolist(), result.z[u].tolist()
        scores, points = result.scores[u].tolist(), result.standard_points[u].tolist()
        indicators = {}
        for j, (code, reason) in enumerate(
            zip(self.codes, result.reasons[u].tolist(), strict=True)
        ):
            text = self.texts.get(reason)
            indicators[code] = {
                "value": _nan_none(values[j]),
                "z": _nan_none(z[j]),
                "score": _nan_none(scores[j]),
                "adjustment": points[j],
                "status": "ok" if text is None else "not_applicable",
                "reason": text,
            }
        entry: dict[str, Any] = {
            "code": unit.code,
            "name": unit.name,
            "year": unit.year,
            "total": _nan_none(self.totals[u]),
            "rank": self.ranks[u] or None,
            "grade": result.grades[u],
            "groups": {code: _nan_none(scores[u]) for code, scores in self.groups.items()},
            "indicators": indicators,
        }
        if self.base is not None and self.bonus is not None:
            entry["base_total"] = _nan_none(self.base[u])
            entry["bonus"] = self.bonus[u]
        if result.previous is not None:
            entry["previous"] = _previous(result, u)
        return entry


def _nan_none(x: float) -> float | None:
    return None if x != x else x  # NaN is the one float unequal to itself


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
    columns = ranking_columns(result)
    keys = list(columns)
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def ranking_columns(result: EvaluationResult) -> dict[str, list[Any]]:
    """The ranking table as columns in rank order (the keys of :func:`ranking_rows`): whole
    columns converted to Python numbers once (NaN -> None), no object per unit."""
    order = np.asarray(result.order(), dtype=np.int64)
    units = result.data.units
    ranks = np.asarray(result.ranks)[order].tolist()
    columns: dict[str, list[Any]] = {
        "rank": [int(r) or None for r in ranks],
        "code": [units[u].code for u in order.tolist()],
        "name": [units[u].name for u in order.tolist()],
    }
    for code, scores in result.group_scores.items():
        if result.scheme.group(code).parent is None:
            columns[code] = _numbers(np.asarray(scores, dtype=float)[order])
    if result.adjustments:
        columns["bonus"] = np.asarray(result.bonus, dtype=float)[order].tolist()
    columns["total"] = _numbers(np.asarray(result.totals, dtype=float)[order])
    grades = result.grades
    columns["grade"] = [grades[u] for u in order.tolist()]
    if result.previous is not None:
        columns.update(_previous_columns(result, order))
    return columns


def _previous_columns(result: EvaluationResult, order: np.ndarray) -> dict[str, list[Any]]:
    prev = result.previous
    assert prev is not None
    totals = _numbers(np.asarray(prev.totals, dtype=float)[order])
    ranks = [int(r) or None for r in np.asarray(prev.ranks)[order].tolist()]
    now_ranks = [int(r) or None for r in np.asarray(result.ranks)[order].tolist()]
    now_totals = _numbers(np.asarray(result.totals, dtype=float)[order])
    return {
        "previous_total": totals,
        "previous_rank": ranks,
        "change": [
            None if t is None or n is None else n - t
            for t, n in zip(totals, now_totals, strict=True)
        ],
        "rank_change": [
            None if r is None or n is None else r - n for r, n in zip(ranks, now_ranks, strict=True)
        ],
    }


def _numbers(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else v for v in np.asarray(values, dtype=float).tolist()]


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
