"""A scoring run's frozen inputs, and evaluating them again on demand.

A run stores only the numbers its pages list (``UnitResult``); the engine's explanation of
one unit, the reports and the charts need the whole :class:`EvaluationResult`. Rather than
explaining every unit at scoring time (3,000 units x two languages took ~24 s), the run
keeps its inputs (``RunSnapshot``: the base data exactly as evaluated, last year's data,
bonus/deduction points) and the round's scheme text frozen at publication; evaluating them
again gives the very same numbers (the engine is deterministic) in ~25 ms for 3,000 units.
The scheme's SHA-256 and the data's digest are checked before the result is used.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from kaoping.scoring import Assessment, assess, explain
from kaoping.scoring.adjustments import AdjustmentEntry
from kaoping.scoring.data import BaseData, UnitRef
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.explanation import Explanation
from kaoping.web.common import ActionError
from kaoping.web.results.models import RunSnapshot
from kaoping.web.rounds.models import parse_scheme_text, sha256_text

CACHED_RUNS = 4  # evaluated runs kept in memory per process (a 3,000-unit run is a few MB)

_cache: OrderedDict[tuple, tuple[EvaluationResult, EvaluationResult | None]] = OrderedDict()
_lock = threading.Lock()


def data_payload(data: BaseData) -> dict[str, Any]:
    """The base data as plain JSON (the engine's fingerprint payload: units and columns).

    Examples
    --------
    >>> data = BaseData.from_records([{"unit_code": "01", "unit_name": "甲", "x": 1.5}])
    >>> data_payload(data)
    {'units': [['01', '甲', None]], 'columns': {'x': [1.5]}}
    """
    payload = {
        "units": [[u.code, u.name, u.year] for u in data.units],
        "columns": {
            key: [None if v != v else v for v in column.tolist()]
            for key, column in data.columns.items()
        },
    }
    if data.extras:  # text columns carried along (not evaluated)
        payload["extras"] = {key: list(values) for key, values in data.extras.items()}
    return payload


def data_from_payload(payload: dict[str, Any], source: str = "", sha256: str = "") -> BaseData:
    """The inverse of :func:`data_payload` (floats round-trip exactly through JSON).

    Examples
    --------
    >>> data = data_from_payload({"units": [["01", "甲", 2024]], "columns": {"x": [None]}})
    >>> data.codes, bool(np.isnan(data.columns["x"][0]))
    (['01'], True)
    """
    units = [UnitRef(code=c, name=n, year=y) for c, n, y in payload["units"]]
    columns = {
        key: np.array([np.nan if v is None else v for v in values], dtype=float)
        for key, values in payload["columns"].items()
    }
    extras = {key: list(values) for key, values in payload.get("extras", {}).items()}
    return BaseData(
        units=units, columns=columns, source=source or None, sha256=sha256 or None, extras=extras
    )


def data_digest(data: BaseData) -> str:
    """SHA-256 over the codes, names, years and the numbers' bytes (NaN made canonical).

    Much faster than the engine's JSON fingerprint at 3,000 units; it guards the snapshot
    against any change between scoring and re-evaluation.

    Examples
    --------
    >>> a = BaseData.from_records([{"unit_code": "01", "unit_name": "甲", "x": 1.5}])
    >>> data_digest(a) == data_digest(data_from_payload(data_payload(a)))
    True
    """
    digest = hashlib.sha256()
    digest.update(repr([[u.code, u.name, u.year] for u in data.units]).encode("utf-8"))
    for key in sorted(data.columns):
        column = np.asarray(data.columns[key], dtype=np.float64)
        digest.update(key.encode("utf-8") + b"\0")
        digest.update(np.where(np.isnan(column), np.nan, column).tobytes())
    return digest.hexdigest()


def adjustments_payload(adjustments) -> list[dict[str, Any]]:
    return [asdict(a) for a in adjustments]


def frozen_results(run) -> tuple[EvaluationResult, EvaluationResult | None]:
    """The run's evaluation and last year's, evaluated again from the frozen inputs.

    Raises
    ------
    ActionError
        The run has no snapshot (scored before inputs were kept) or a fingerprint differs.
    """
    key = _key(run)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    results = _evaluate_again(run)
    with _lock:
        _cache[key] = results
        while len(_cache) > CACHED_RUNS:
            _cache.popitem(last=False)
    return results


def _key(run) -> tuple:
    # Not the primary key alone: a test database's rolled-back rows give ids out again.
    return (run.pk, run.started_at.isoformat() if run.started_at else "", run.input_sha256)


def remember(run, result: EvaluationResult, previous: EvaluationResult | None) -> None:
    """Keep the evaluation a run has just computed (the same numbers a re-evaluation gives)."""
    with _lock:
        _cache[_key(run)] = (result, previous)
        while len(_cache) > CACHED_RUNS:
            _cache.popitem(last=False)


def frozen_result(run) -> EvaluationResult:
    return frozen_results(run)[0]


def unit_explanation(run, unit_code: str) -> Explanation:
    """The engine's explanation of one unit of ``run`` (built when a page asks for it)."""
    return explain(frozen_result(run), unit_code)


def _evaluate_again(run) -> tuple[EvaluationResult, EvaluationResult | None]:
    snapshot = (
        RunSnapshot.objects.select_related("run__round", "previous_round").filter(run=run).first()
    )
    if snapshot is None:
        raise ActionError(
            _("The inputs of results v%(version)s were not kept; run the scoring again.")
            % {"version": run.version}
        )
    round = snapshot.run.round
    _check(sha256_text(round.scheme_text), run.scheme_sha256)
    # The frozen data already holds the aggregated expert scores and adopted corrections;
    # the assessment re-ranks by the committee's tie rule, as the run did.
    earlier_rounds: tuple[Assessment, ...] = ()
    if snapshot.previous_data is not None and snapshot.previous_round is not None:
        earlier = snapshot.previous_round
        _check(sha256_text(earlier.scheme_text), snapshot.previous_scheme_sha256)
        earlier_rounds = (
            Assessment(
                parse_scheme_text(earlier.scheme_text),
                data_from_payload(snapshot.previous_data, str(earlier.year)),
                period=str(earlier.year),
            ),
        )
    data = data_from_payload(snapshot.data, str(round.year), run.input_sha256)
    _check(data_digest(data), snapshot.data_digest)
    entries = tuple(AdjustmentEntry(**a) for a in snapshot.adjustments)
    assessed = assess(
        Assessment(
            parse_scheme_text(round.scheme_text),
            data,
            adjustments=entries,
            previous=earlier_rounds,
            period=str(round.year),
        )
    )
    previous = assessed.previous[-1].evaluation if assessed.previous else None
    return assessed.evaluation, previous


def _check(actual: str, expected: str) -> None:
    # An empty expectation is a run scored before fingerprints were kept: nothing to check.
    if expected and actual != expected:
        raise ActionError(
            _("The frozen inputs (fingerprint %(actual)s) differ from the run's (%(expected)s).")
            % {"actual": actual[:12], "expected": expected[:12]}
        )


def forget() -> None:
    """Drop every cached evaluation (tests, benchmarks)."""
    with _lock:
        _cache.clear()
