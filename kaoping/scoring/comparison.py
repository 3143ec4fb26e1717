"""Comparisons across rounds: year-on-year (同比) and sequential (环比).

Given evaluation results keyed by period — years (``2023``), quarters (``2024-Q2``) or months
(``2024-06``) — this module lines the units up by code and gives, for every unit and period,
the total, the rank and the top-level group scores, their change against the previous period
in the list (sequential, 环比) and against the same period one year earlier (year-on-year,
同比; for annual rounds the two coincide), and the units that improved or declined most.

A unit absent from a period has no value there (NaN / rank 0), and no change.

Examples
--------
>>> parse_period("2024-Q2")
Period(label='2024-Q2', year=2024, kind='quarter', number=2)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaoping.scoring.errors import DataError, Problem
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.missing import nan_to_none

_PERIOD = re.compile(
    r"^\s*(?P<year>\d{4})\s*(?:年)?\s*(?:[-_/ ]?\s*(?:(?P<q>[Qq])(?P<qn>[1-4])|(?P<m>\d{1,2})\s*月?)"
    r"|[-_ ]?第?(?P<cq>[一二三四1-4])季度?)?\s*$"
)
_CHINESE_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}
CHANGE_KINDS = ("sequential", "year_on_year", "overall")


# A unit whose total moved: its code, its name and the change of its total.
Mover = tuple[str, str, float]


@dataclass(frozen=True, order=True)
class Period:
    """A round's period: a year, a quarter of a year or a month of a year."""

    label: str = field(compare=False)
    year: int
    kind: str = field(compare=False)
    number: int = 0  # quarter 1..4 or month 1..12; 0 for a year

    @property
    def sort_key(self) -> tuple[int, float]:
        # A quarter sorts with the month that ends it, so months and quarters interleave.
        months = {"year": 12, "quarter": 3 * self.number, "month": self.number}[self.kind]
        return self.year, months

    def year_before(self) -> tuple[int, str, int]:
        return self.year - 1, self.kind, self.number


def parse_period(label: Any) -> Period:
    """Read ``2024``, ``2024-Q2``, ``2024Q2``, ``2024年第二季度``, ``2024-06`` or ``2024年6月``.

    Raises
    ------
    DataError
        ``comparison.bad_period`` for anything else.
    """
    text = str(label).strip()
    match = _PERIOD.match(text)
    if not match:
        raise DataError([Problem("comparison.bad_period", value=label)])
    year = int(match["year"])
    if match["qn"]:
        return Period(text, year, "quarter", int(match["qn"]))
    if match["cq"]:
        number = _CHINESE_QUARTERS.get(match["cq"]) or int(match["cq"])
        return Period(text, year, "quarter", number)
    if match["m"]:
        month = int(match["m"])
        if not 1 <= month <= 12:
            raise DataError([Problem("comparison.bad_period", value=label)])
        return Period(text, year, "month", month)
    return Period(text, year, "year", 0)


@dataclass
class PeriodComparison:
    """Units x periods: totals, ranks, top-group scores, and their changes.

    Arrays have one row per unit (``codes``) and one column per period (``periods``,
    oldest first).
    """

    periods: list[Period]
    codes: list[str]
    names: list[str]
    totals: np.ndarray
    ranks: np.ndarray  # 0 where the unit was not ranked in that period
    groups: dict[str, np.ndarray]
    group_names: dict[str, str]

    def index(self, period: Any) -> int:
        label = parse_period(period) if not isinstance(period, Period) else period
        for j, p in enumerate(self.periods):
            if (p.year, p.kind, p.number) == (label.year, label.kind, label.number):
                return j
        raise DataError([Problem("comparison.bad_period", value=period)])

    def _base_column(self, j: int, kind: str) -> int | None:
        if kind == "sequential":
            return j - 1 if j > 0 else None
        if kind == "overall":
            return 0 if j > 0 else None
        target = self.periods[j].year_before()
        for i, p in enumerate(self.periods):
            if (p.year, p.kind, p.number) == target:
                return i
        return None

    def change(self, values: np.ndarray, kind: str = "sequential") -> np.ndarray:
        """``values`` minus the values of the base period (NaN where there is none)."""
        if kind not in CHANGE_KINDS:
            raise ValueError(f"kind must be one of {CHANGE_KINDS}")
        out = np.full(values.shape, np.nan)
        for j in range(len(self.periods)):
            base = self._base_column(j, kind)
            if base is not None:
                out[:, j] = values[:, j] - values[:, base]
        return out

    def total_change(self, kind: str = "sequential") -> np.ndarray:
        return self.change(self.totals, kind)

    def rank_change(self, kind: str = "sequential") -> np.ndarray:
        """Places gained (positive: moved up) against the base period; NaN when unranked."""
        ranks = np.where(self.ranks > 0, self.ranks.astype(float), np.nan)
        return -self.change(ranks, kind)

    def group_change(self, code: str, kind: str = "sequential") -> np.ndarray:
        return self.change(self.groups[code], kind)

    def movers(
        self, kind: str = "sequential", n: int = 3, period: Any = None
    ) -> tuple[list[Mover], list[Mover]]:
        """The ``n`` most improved and the ``n`` most declined units at ``period`` (default:
        the latest), by the change of their total: two lists of (code, name, change).

        Units without a change are left out; equal changes keep the input order.
        """
        j = len(self.periods) - 1 if period is None else self.index(period)
        changes = self.total_change(kind)[:, j]
        present = [i for i in range(len(self.codes)) if not math.isnan(changes[i])]
        up = sorted((i for i in present if changes[i] > 0), key=lambda i: -changes[i])[:n]
        down = sorted((i for i in present if changes[i] < 0), key=lambda i: changes[i])[:n]
        as_rows = [
            [(self.codes[i], self.names[i], float(changes[i])) for i in side] for side in (up, down)
        ]
        return as_rows[0], as_rows[1]

    def rows(self) -> list[dict[str, Any]]:
        """One row per unit and period: total, rank, changes, top-group scores."""
        seq, yoy = self.total_change("sequential"), self.total_change("year_on_year")
        rank_seq = self.rank_change("sequential")
        rows = []
        for i, code in enumerate(self.codes):
            for j, p in enumerate(self.periods):
                row: dict[str, Any] = {
                    "code": code,
                    "name": self.names[i],
                    "period": p.label,
                    "total": nan_to_none(self.totals[i, j]),
                    "rank": int(self.ranks[i, j]) or None,
                    "sequential_change": nan_to_none(seq[i, j]),
                    "year_on_year_change": nan_to_none(yoy[i, j]),
                    "rank_change": nan_to_none(rank_seq[i, j]),
                }
                for g, values in self.groups.items():
                    row[g] = nan_to_none(values[i, j])
                rows.append(row)
        return rows


def compare_results(results: Mapping[Any, EvaluationResult]) -> PeriodComparison:
    """Line up evaluation results keyed by period (any order; sorted oldest first).

    Units are those of all periods, in order of first appearance (latest period first);
    the groups are the top-level groups of the latest period's scheme.

    Raises
    ------
    DataError
        ``comparison.too_few`` (fewer than two), ``comparison.bad_period``,
        ``comparison.duplicate_period``.

    Examples
    --------
    >>> from kaoping.scoring import BaseData, evaluate, load_scheme
    >>> scheme = load_scheme("member-unit-targets")
    >>> def round_of(values):
    ...     recs = [dict(unit_code=c, unit_name=c, target_completion=v, key_work=10,
    ...                  cooperation=10) for c, v in values.items()]
    ...     return evaluate(scheme, BaseData.from_records(recs))
    >>> cmp = compare_results({2023: round_of({"A": 80, "B": 90}),
    ...                        2024: round_of({"A": 100, "B": 90})})
    >>> cmp.total_change()[:, 1].round(4).tolist()        # 70% of the 20-point gain
    [14.0, 0.0]
    """
    if len(results) < 2:
        raise DataError([Problem("comparison.too_few", params={"count": len(results)})])
    parsed = [(parse_period(k), r) for k, r in results.items()]
    keys = [(p.year, p.kind, p.number) for p, _ in parsed]
    for k, (p, _) in zip(keys, parsed, strict=True):
        if keys.count(k) > 1:
            raise DataError([Problem("comparison.duplicate_period", value=p.label)])
    parsed.sort(key=lambda item: item[0].sort_key)
    periods = [p for p, _ in parsed]
    codes: list[str] = []
    names: dict[str, str] = {}
    for _, result in reversed(parsed):
        for unit in result.data.units:
            if unit.code not in names:
                codes.append(unit.code)
                names[unit.code] = unit.name
    latest = parsed[-1][1].scheme
    top = [g for g in latest.top_groups]
    n, m = len(codes), len(periods)
    totals = np.full((n, m), np.nan)
    ranks = np.zeros((n, m), dtype=np.int64)
    groups = {g.code: np.full((n, m), np.nan) for g in top}
    row = {code: i for i, code in enumerate(codes)}
    for j, (_, result) in enumerate(parsed):
        for u, unit in enumerate(result.data.units):
            i = row[unit.code]
            totals[i, j] = result.totals[u]
            ranks[i, j] = result.ranks[u]
            for g in top:
                if g.code in result.group_scores:
                    groups[g.code][i, j] = result.group_scores[g.code][u]
    return PeriodComparison(
        periods=periods,
        codes=codes,
        names=[names[c] for c in codes],
        totals=totals,
        ranks=ranks,
        groups=groups,
        group_names={g.code: g.name for g in top},
    )
