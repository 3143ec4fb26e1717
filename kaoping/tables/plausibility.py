"""Plausibility checks (合理性检查): values that are valid but unlikely, as warnings.

The table reader refuses what cannot be right (text in a number, a negative amount). What is
possible but unlikely (a rate typed as a fraction, 0.0203 for 2.03 %; one value of 1e300; 500
recipients of a subsidy of 0) passes the reader and would quietly move a unit's rank. These
checks find such values and report each as a **warning** (a :class:`Problem` with severity
``"warning"``) naming the file, row, column and value. A warning does not stop reading; a
unit's submission or its verification cannot go past one without a reason, which is logged
(``kaoping.web.submissions``).

Each scheme declares its own checks in a ``[plausibility]`` section::

    [plausibility]
    robust_z = 3.5          # outliers against the other units (median / MAD), 0: off
    all_amounts_zero = true # a unit whose every amount is 0
    year = true             # the year column against the round's year

    [[plausibility.ranges]]  # typical range of a field
    field = "registered_unemployment_rate"
    min = 0.2
    max = 30

    [[plausibility.pairs]]   # people with a subsidy, and the subsidy: both or neither
    count = "employed_after_training"
    amount = "vocational_training_subsidy"

    [[plausibility.shares]]  # a part larger than its whole (a share over 100 %)
    part = "loans_recovered"
    whole = "loans_due"

    [[plausibility.previous]]  # this year's figure for last year, against last year's data
    field = "prev_local_raised"
    previous = "local_raised"
    tolerance = 0.001          # relative

Examples
--------
>>> from kaoping.scoring import BaseData, load_scheme
>>> scheme = load_scheme("mof-2012")
>>> data = BaseData.from_records([
...     {"unit_code": "01", "unit_name": "甲", "registered_unemployment_rate": 0.0203},
... ])
>>> [w.render("zh") for w in plausibility_warnings(data, scheme, only=("ranges",))]
['“城镇登记失业率”：甲（01）：值 0.0203 超出通常范围 0.2～30（是否把百分数填成了小数？如 2.03% 应填 2.03）']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaoping.scoring.data import BaseData
from kaoping.scoring.messages import Problem, SchemeError
from kaoping.scoring.schemes import Scheme

SECTION = "plausibility"
DEFAULT_ROBUST_Z = 3.5  # Iglewicz and Hoaglin's cut-off for the modified z-score
MAD_SCALE = 0.6745  # makes the MAD of normal data comparable with its standard deviation
MIN_UNITS_FOR_OUTLIERS = 5


@dataclass(frozen=True)
class Rules:
    """The plausibility checks a scheme declares (see the module docstring)."""

    ranges: tuple[tuple[str, float | None, float | None], ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    shares: tuple[tuple[str, str], ...] = ()
    previous: tuple[tuple[str, str, float], ...] = ()
    robust_z: float = 0.0
    all_amounts_zero: bool = False
    year: bool = False
    fields: tuple[str, ...] = field(default=())  # fields the outlier check looks at


def rules_of(scheme: Scheme) -> Rules:
    """The scheme's ``[plausibility]`` section, checked; no section means no checks.

    Raises
    ------
    SchemeError
        ``scheme.unknown_key`` or ``scheme.invalid`` naming the entry at fault.
    """
    raw = (scheme.sections or {}).get(SECTION)
    if not raw:
        return Rules()
    keys = {f.key for f in scheme.fields}
    problems: list[Problem] = []

    def known(entry: Mapping[str, Any], name: str, where: str) -> str:
        value = entry.get(name)
        if value not in keys:
            problems.append(
                Problem(
                    "scheme.plausibility_field", column=where, params={"key": name, "field": value}
                )
            )
        return str(value)

    def entries(name: str, allowed: set[str]) -> list[Mapping[str, Any]]:
        items: list[Mapping[str, Any]] = raw.get(name, [])
        for i, item in enumerate(items):
            for key in item:
                if key not in allowed:
                    problems.append(
                        Problem(
                            "scheme.unknown_key",
                            column=f"{SECTION}.{name}[{i}]",
                            params={"key": key},
                        )
                    )
        return items

    for key in raw:
        if key not in {
            "ranges",
            "pairs",
            "shares",
            "previous",
            "robust_z",
            "all_amounts_zero",
            "year",
        }:
            problems.append(Problem("scheme.unknown_key", column=SECTION, params={"key": key}))
    ranges = tuple(
        (known(e, "field", f"{SECTION}.ranges[{i}]"), _number(e.get("min")), _number(e.get("max")))
        for i, e in enumerate(entries("ranges", {"field", "min", "max"}))
    )
    pairs = tuple(
        (known(e, "count", f"{SECTION}.pairs[{i}]"), known(e, "amount", f"{SECTION}.pairs[{i}]"))
        for i, e in enumerate(entries("pairs", {"count", "amount"}))
    )
    shares = tuple(
        (known(e, "part", f"{SECTION}.shares[{i}]"), known(e, "whole", f"{SECTION}.shares[{i}]"))
        for i, e in enumerate(entries("shares", {"part", "whole"}))
    )
    previous = tuple(
        (
            known(e, "field", f"{SECTION}.previous[{i}]"),
            known(e, "previous", f"{SECTION}.previous[{i}]"),
            float(e.get("tolerance", 0.001)),
        )
        for i, e in enumerate(entries("previous", {"field", "previous", "tolerance"}))
    )
    if problems:
        raise SchemeError(problems)
    numeric = tuple(f.key for f in scheme.fields if f.type in ("amount", "count", "rate"))
    return Rules(
        ranges,
        pairs,
        shares,
        previous,
        float(raw.get("robust_z", 0) or 0),
        bool(raw.get("all_amounts_zero", False)),
        bool(raw.get("year", False)),
        numeric,
    )


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def plausibility_warnings(
    data: BaseData,
    scheme: Scheme,
    *,
    year: int | None = None,
    previous: BaseData | None = None,
    units: Iterable[str] | None = None,
    only: Iterable[str] | None = None,
) -> list[Problem]:
    """Every plausibility warning for ``data`` under ``scheme``'s rules.

    Parameters
    ----------
    data : BaseData
        All units (the outlier check compares each unit with the others).
    year : int, optional
        The round's year: rows labelled with another year are reported.
    previous : BaseData, optional
        Last year's data, for the ``previous`` checks.
    units : iterable of str, optional
        Report only these unit codes (e.g. the one unit submitting), still compared with all.
    only : iterable of str, optional
        Run only these checks (``ranges``, ``pairs``, ``shares``, ``previous``, ``outliers``,
        ``all_amounts_zero``, ``year``).
    """
    rules = rules_of(scheme)
    wanted = set(only) if only is not None else None
    checks = {
        "ranges": _ranges,
        "pairs": _pairs,
        "shares": _shares,
        "outliers": _outliers,
        "all_amounts_zero": _all_zero,
    }
    place = _Place(data, scheme, set(units) if units is not None else None)
    for name, check in checks.items():
        if wanted is None or name in wanted:
            check(rules, data, scheme, place)
    if (wanted is None or "previous" in wanted) and previous is not None:
        _previous(rules, data, previous, place)
    if (wanted is None or "year" in wanted) and year is not None and (rules.year or wanted):
        for i, unit in enumerate(data.units):
            if unit.year is not None and unit.year != year:
                place.warn(i, "plausibility.year", "year", unit.year, round_year=year)
    return place.warnings


class _Place:
    """Builds warnings with the file, row, column and unit of a cell."""

    def __init__(self, data: BaseData, scheme: Scheme, units: set[str] | None):
        self.data, self.scheme, self.units = data, scheme, units
        self.warnings: list[Problem] = []
        self._labels: dict[str | None, str | None] = {}  # one look-up a field, not a warning

    def warn(self, i: int, code: str, key: str | None, value: Any, **params: Any) -> None:
        unit = self.data.units[i]
        if self.units is not None and unit.code not in self.units:
            return
        if key not in self._labels:
            known = key is not None and _has(self.scheme, key)
            self._labels[key] = self.scheme.field(key).label if key and known else key
        label = self._labels[key]
        row = self.data.rows[i] if self.data.rows else None
        self.warnings.append(
            Problem(
                code,
                file=self.data.source,
                row=row,
                column=label,
                value=value,
                params={
                    "unit": f"{unit.name}（{unit.code}）",
                    "key": key,
                    "code": unit.code,
                    "value": f"{value:.10g}" if isinstance(value, float) else value,
                    **params,
                },
                severity="warning",
            )
        )


def _has(scheme: Scheme, key: str) -> bool:
    return any(f.key == key for f in scheme.fields)


def _column(data: BaseData, key: str) -> np.ndarray | None:
    return data.columns.get(key)


def _ranges(rules: Rules, data: BaseData, scheme: Scheme, place: _Place) -> None:
    for key, low, high in rules.ranges:
        column = _column(data, key)
        if column is None:
            continue
        for i, x in enumerate(column):
            if math.isnan(x):
                continue
            if (low is not None and x < low) or (high is not None and x > high):
                fraction = high is not None and 0 < x < 1 and low is not None and x * 100 >= low
                hint = _FRACTION_HINT if fraction else ("", "")
                place.warn(
                    i,
                    "plausibility.range",
                    key,
                    float(x),
                    min=_show(low),
                    max=_show(high),
                    hint=hint,
                )


def _pairs(rules: Rules, data: BaseData, scheme: Scheme, place: _Place) -> None:
    for count_key, amount_key in rules.pairs:
        count, amount = _column(data, count_key), _column(data, amount_key)
        if count is None or amount is None:
            continue
        for i, (n, money) in enumerate(zip(count, amount, strict=True)):
            if n > 0 and money == 0:
                place.warn(
                    i,
                    "plausibility.people_without_money",
                    count_key,
                    float(n),
                    other=scheme.field(amount_key).label,
                )
            elif money > 0 and n == 0:
                place.warn(
                    i,
                    "plausibility.money_without_people",
                    amount_key,
                    float(money),
                    other=scheme.field(count_key).label,
                )


def _shares(rules: Rules, data: BaseData, scheme: Scheme, place: _Place) -> None:
    for part_key, whole_key in rules.shares:
        part, whole = _column(data, part_key), _column(data, whole_key)
        if part is None or whole is None:
            continue
        for i, (p, w) in enumerate(zip(part, whole, strict=True)):
            if p > w >= 0 and not math.isnan(p):
                share = f"{p / w * 100:.0f}%" if w > 0 else "∞"
                place.warn(
                    i,
                    "plausibility.share",
                    part_key,
                    float(p),
                    whole=scheme.field(whole_key).label,
                    share=share,
                )


def _previous(rules: Rules, data: BaseData, previous: BaseData, place: _Place) -> None:
    last_year = {code: i for i, code in enumerate(previous.codes)}
    for key, previous_key, tolerance in rules.previous:
        column, old = _column(data, key), _column(previous, previous_key)
        if column is None or old is None:
            continue
        for i, code in enumerate(data.codes):
            j = last_year.get(code)
            if j is None or math.isnan(column[i]) or math.isnan(old[j]):
                continue
            if abs(column[i] - old[j]) > tolerance * max(abs(old[j]), 1.0):
                place.warn(
                    i,
                    "plausibility.previous",
                    key,
                    float(column[i]),
                    last_year=_show(float(old[j])),
                )


def _median(finite: np.ndarray) -> float:
    """The median of non-empty finite values (np.median would import numpy.ma, a fifth of
    the command line's start-up)."""
    s = np.sort(finite)
    n = s.size
    return float((s[(n - 1) // 2] + s[n // 2]) / 2)


def robust_z(values: np.ndarray) -> np.ndarray:
    """Modified z-scores (Iglewicz and Hoaglin): 0.6745 (x - median) / MAD; NaN stays NaN.

    When more than half the values are equal (MAD 0), the mean absolute deviation stands in
    (times 1.2533, its ratio to the standard deviation for normal data).

    >>> [round(float(z), 2) for z in robust_z(np.array([1.0, 2.0, 3.0, 4.0, 100.0]))]
    [-1.35, -0.67, 0.0, 0.67, 65.43]
    """
    x = np.asarray(values, dtype=float)
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return np.full_like(x, np.nan)
    median = _median(finite)
    mad = _median(np.abs(finite - median))
    if mad > 0:
        return MAD_SCALE * (x - median) / mad
    mean_ad = float(np.mean(np.abs(finite - median)))
    if mean_ad == 0:
        return np.zeros_like(x)
    return (x - median) / (1.2533 * mean_ad)


def _outliers(rules: Rules, data: BaseData, scheme: Scheme, place: _Place) -> None:
    """A value far from the other units' on two counts, both on a log scale (units differ in
    size by orders of magnitude): its robust z is beyond the limit, and it is at least 10 times
    above or below the median, which is what a slip of the decimal point, of the unit of
    measure or of a percentage typed as a fraction gives. Either count alone flags legitimate
    data (2 cases where others have 1; a rate of 1.2% among rates near 2.5%)."""
    if rules.robust_z <= 0 or len(data.units) < MIN_UNITS_FOR_OUTLIERS:
        return
    for key in rules.fields:
        column = _column(data, key)
        if column is None:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = np.where(column > 0, np.log10(column), np.nan)
        finite = scaled[np.isfinite(scaled)]
        if finite.size < MIN_UNITS_FOR_OUTLIERS:
            continue
        z = robust_z(scaled)
        far = np.abs(scaled - _median(finite)) >= 1.0
        with np.errstate(invalid="ignore"):
            flagged = np.flatnonzero(np.isfinite(z) & (np.abs(z) > rules.robust_z) & far)
        for i in flagged.tolist():  # the few flagged cells, not a numpy scalar test per unit
            place.warn(
                i,
                "plausibility.outlier",
                key,
                float(column[i]),
                z=f"{z[i]:.1f}",
                limit=_show(rules.robust_z),
            )


def _all_zero(rules: Rules, data: BaseData, scheme: Scheme, place: _Place) -> None:
    if not rules.all_amounts_zero:
        return
    amounts = [
        data.columns[f.key] for f in scheme.fields if f.type == "amount" and f.key in data.columns
    ]
    if not amounts:
        return
    matrix = np.vstack(amounts)  # amounts x units
    missing = np.isnan(matrix)
    # Units with at least one amount given and every given amount 0 (all units at once).
    flagged = np.flatnonzero((~missing).any(axis=0) & (missing | (matrix == 0)).all(axis=0))
    for i in flagged.tolist():
        place.warn(i, "plausibility.all_zero", None, None)


_FRACTION_HINT = (
    "（是否把百分数填成了小数？如 2.03% 应填 2.03）",
    " (a percentage typed as a fraction? 2.03% is 2.03)",
)


def _show(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"
