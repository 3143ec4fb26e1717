"""Facts a report states about one unit, computed from an evaluation result.

Everything here is numbers (no wording): each indicator's value, z-score, score and rank
among units, the round's averages, the gap to them, standards missed or exceeded, and the
change against the same period last year (同比) and against the previous period (环比).
The report builders turn these facts into sentences and tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaoping.scoring.display import field_kind, indicator_name
from kaoping.scoring.evaluation import OK, EvaluationResult, competition_ranks

# An indicator is called a strength (weakness) of a unit when its score is at least this many
# points above (below) the round's average score for it: half a standard deviation under the
# notice's 80 + 10 × z mapping.
STRENGTH_GAP = 5.0


@dataclass
class IndicatorFact:
    code: str
    name: str
    group: str
    measure: str
    weight: float
    absolute_weight: float
    applicable: bool
    reason: str | None
    value: float
    z: float
    score: float
    points: float
    mean_value: float
    mean_score: float
    rank: int  # among the units where the indicator applies; 0 when not applicable
    ranked: int
    standard: str | None  # "below_minimum", "above_excellent" or None
    previous_value: float = math.nan
    previous_score: float = math.nan
    sequential_value: float = math.nan
    sequential_score: float = math.nan
    spec: Any = None  # the scheme's IndicatorSpec: how its value is written (display kind)

    @property
    def relative_gap(self) -> float:
        """(value - average) / |average|: how far the value is from the round's average."""
        if not self.applicable or not self.mean_value or math.isnan(self.mean_value):
            return math.nan
        return (self.value - self.mean_value) / abs(self.mean_value)

    @property
    def score_gap(self) -> float:
        return self.score - self.mean_score


@dataclass
class GroupFact:
    code: str
    name: str
    weight: float
    score: float
    mean_score: float
    rank: int
    ranked: int
    previous_score: float = math.nan
    sequential_score: float = math.nan


@dataclass
class Period:
    """A unit's result in an earlier round (the same period last year, or the last period)."""

    year: int | None
    total: float
    rank: int
    ranked: int


@dataclass
class FieldFact:
    """A base-data value of the unit, with last year's beside it when known."""

    key: str
    label: str
    unit: str
    kind: str  # display kind (kaoping.scoring.display)
    value: float
    previous: float = math.nan


@dataclass
class UnitFacts:
    code: str
    name: str
    year: int | None
    position: int
    total: float
    base_total: float
    bonus: float
    rank: int
    ranked: int
    grade: str | None
    mean_total: float
    indicators: list[IndicatorFact]
    groups: list[GroupFact]
    fields: list[FieldFact]  # the base data
    previous: Period | None = None  # 同比
    sequential: Period | None = None  # 环比
    adjustments: list[tuple[float, str]] = field(default_factory=list)
    award: str = ""  # the award tier won this round, when the awards are known
    award_reason: str = ""
    criticism: str | None = None  # the reason, when the unit is on the criticism list

    @property
    def strengths(self) -> list[IndicatorFact]:
        """Indicators well above the average score, biggest effect on the total first."""
        found = [i for i in self.indicators if i.applicable and i.score_gap >= STRENGTH_GAP]
        return sorted(found, key=lambda i: -i.score_gap * i.absolute_weight)

    @property
    def weaknesses(self) -> list[IndicatorFact]:
        """Indicators well below the average score, biggest effect on the total first."""
        found = [i for i in self.indicators if i.applicable and i.score_gap <= -STRENGTH_GAP]
        return sorted(found, key=lambda i: i.score_gap * i.absolute_weight)

    @property
    def not_applicable(self) -> list[IndicatorFact]:
        return [i for i in self.indicators if not i.applicable]


def unit_facts(
    result: EvaluationResult,
    unit_code: str,
    *,
    previous: EvaluationResult | None = None,
    history: Sequence[EvaluationResult] = (),
    lang: str = "zh",
) -> UnitFacts:
    """Collect the facts about ``unit_code`` in ``result``.

    Parameters
    ----------
    previous : EvaluationResult, optional
        The same period a year earlier (同比). Without it, the totals and ranks kept in
        ``result.previous`` (when the round was evaluated with ``previous=``) are used.
    history : sequence of EvaluationResult
        Earlier rounds in time order. The latest of them in the same year as ``result`` is
        the previous period (环比: quarterly or monthly rounds); annual rounds have none.
    """
    u = result.index(unit_code)
    scheme = result.scheme
    unit = result.data.units[u]
    ranks = _indicator_ranks(result)
    indicators = []
    for j, ind in enumerate(scheme.indicators):
        applicable = bool(result.reasons[u, j] == OK)
        problem = result.reason_problem(u, j)
        indicators.append(
            IndicatorFact(
                code=ind.code,
                name=indicator_name(ind, lang),
                group=ind.group,
                measure=ind.unit,
                weight=ind.weight,
                absolute_weight=scheme.absolute_weight(ind.code),
                applicable=applicable,
                reason=None if problem is None else problem.text(lang),
                value=float(result.values[u, j]),
                z=float(result.z[u, j]),
                score=float(result.scores[u, j]),
                points=float(result.standard_points[u, j]),
                mean_value=_nanmean(result.values[:, j]),
                mean_score=_nanmean(result.scores[:, j]),
                rank=int(ranks[u, j]),
                ranked=int((ranks[:, j] > 0).sum()),
                standard=_standard_status(float(result.standard_points[u, j])),
                spec=ind,
            )
        )
    groups = []
    for code, scores in result.group_scores.items():
        spec = scheme.group(code)
        group_ranks = competition_ranks(scores, scheme.scoring.tie_decimals)
        groups.append(
            GroupFact(
                code=code,
                name=spec.name_for(lang),
                weight=spec.weight,
                score=float(scores[u]),
                mean_score=_nanmean(scores),
                rank=int(group_ranks[u]),
                ranked=int((group_ranks > 0).sum()),
            )
        )
    facts = UnitFacts(
        code=unit.code,
        name=unit.name,
        year=unit.year,
        position=u,
        total=float(result.totals[u]),
        base_total=float(result.base_totals[u]),
        bonus=float(result.bonus[u]),
        rank=int(result.ranks[u]),
        ranked=int((result.ranks > 0).sum()),
        grade=result.grades[u],
        mean_total=_nanmean(result.totals),
        indicators=indicators,
        groups=groups,
        fields=[
            FieldFact(
                f.key, f.label_for(lang), f.unit, field_kind(f), _column_value(result, f.key, u)
            )
            for f in scheme.input_fields
        ],
        adjustments=[(a.points, a.reason) for a in result.adjustments_of(unit.code)],
    )
    facts.previous = _period_from(result, u, previous)
    if previous is not None:
        _attach_earlier(facts, previous, "previous")
        if facts.code in previous.codes:
            v = previous.index(facts.code)
            for f in facts.fields:
                f.previous = _column_value(previous, f.key, v)
    # 环比 needs a distinct earlier period: an earlier round of the same year (quarterly or
    # monthly rounds). For annual rounds the previous period is last year: no separate 环比.
    recent = [h for h in history if h is not previous and _years(h) == {facts.year}]
    if recent and facts.year is not None:
        facts.sequential = _period_from(result, u, recent[-1], use_comparison=False)
        _attach_earlier(facts, recent[-1], "sequential")
    return facts


def _years(result: EvaluationResult) -> set[int | None]:
    return {unit.year for unit in result.data.units}


def _indicator_ranks(result: EvaluationResult) -> np.ndarray:
    """Rank of every unit on every indicator by score (0 where not applicable)."""
    decimals = result.scheme.scoring.tie_decimals
    columns = [
        competition_ranks(result.scores[:, j], decimals) for j in range(result.scores.shape[1])
    ]
    return np.stack(columns, axis=1) if columns else np.zeros((len(result.codes), 0), int)


def _standard_status(points: float) -> str | None:
    if points < 0:
        return "below_minimum"
    if points > 0:
        return "above_excellent"
    return None


def _column_value(result: EvaluationResult, key: str, u: int) -> float:
    column = result.data.columns.get(key)
    return math.nan if column is None else float(column[u])


def _nanmean(values: np.ndarray) -> float:
    finite = np.asarray(values, dtype=float)
    finite = finite[~np.isnan(finite)]
    return float(finite.mean()) if finite.size else math.nan


def _period_from(
    result: EvaluationResult,
    u: int,
    earlier: EvaluationResult | None,
    *,
    use_comparison: bool = True,
) -> Period | None:
    if earlier is not None:
        code = result.codes[u]
        if code not in earlier.codes:
            return None
        v = earlier.index(code)
        years = {x.year for x in earlier.data.units if x.year is not None}
        return Period(
            year=years.pop() if len(years) == 1 else None,
            total=float(earlier.totals[v]),
            rank=int(earlier.ranks[v]),
            ranked=int((earlier.ranks > 0).sum()),
        )
    if use_comparison and result.previous is not None:
        comparison = result.previous
        if math.isnan(float(comparison.totals[u])):
            return None
        return Period(
            year=comparison.year,
            total=float(comparison.totals[u]),
            rank=int(comparison.ranks[u]),
            ranked=int((comparison.ranks > 0).sum()),
        )
    return None


def _attach_earlier(facts: UnitFacts, earlier: EvaluationResult, which: str) -> None:
    """Copy the earlier round's indicator values and group scores onto the facts."""
    if facts.code not in earlier.codes:
        return
    v = earlier.index(facts.code)
    codes = earlier.scheme.indicator_codes
    for fact in facts.indicators:
        if fact.code in codes:
            j = codes.index(fact.code)
            setattr(fact, f"{which}_value", float(earlier.values[v, j]))
            setattr(fact, f"{which}_score", float(earlier.scores[v, j]))
    for group in facts.groups:
        if group.code in earlier.group_scores:
            setattr(group, f"{which}_score", float(earlier.group_scores[group.code][v]))
