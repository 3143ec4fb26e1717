"""Evaluation: base data -> indicator values -> scores -> group scores -> total, rank, grade.

Everything is computed on whole columns at once (numpy), so a round of thousands of units
takes milliseconds; per-unit views and explanations are built only when asked for.

The steps, for every indicator (see ``docs/mof-2012.md`` for a worked example):

1. the formula gives the value; a zero denominator or a missing cell makes it not applicable
   (NaN) for that unit, with the reason kept;
2. the normalisation turns values into 100-point scores (the notice's z-score by default:
   ``80 + 10 * z`` clamped to [0, 100]);
3. minimum / excellent standards deduct / add their points, then the score is clamped again;
4. not-applicable indicators are left out and their siblings' weights renormalised (or count
   as 0 or as the mean score, as the scheme says);
5. groups are weighted means of their children, up the tree; the total is the weighted sum of
   the top groups, plus bonus / deduction points when given;
6. units are ranked by descending total, ties sharing a rank (1, 2, 2, 4), and graded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaoping.scoring import composite
from kaoping.scoring.data import BaseData
from kaoping.scoring.errors import DataError, Listing, Problem
from kaoping.scoring.formulas import FormulaResult
from kaoping.scoring.i18n import gettext_noop, gettext_pair
from kaoping.scoring.normalisation import Context, normalise
from kaoping.scoring.schemes import GroupSpec, IndicatorSpec, Scheme

# Why an indicator has no value for a unit (FormulaResult.reason codes, plus our own).
OK, MISSING, ZERO_DENOMINATOR, NOT_FINITE, NO_TARGET = 0, 1, 2, 3, 4
# Normalisations that compare units with each other (imputation and treatment apply to them).
COMPARATIVE = ("zscore", "minmax", "efficacy")
REASON_CODES = {
    MISSING: "eval.missing_value",
    ZERO_DENOMINATOR: "eval.zero_denominator",
    NOT_FINITE: "eval.not_finite",
    NO_TARGET: "eval.target_missing",
}


@dataclass(frozen=True)
class Adjustment:
    """A bonus (加分) or deduction (扣分) on a unit's total, with its reason and document."""

    unit_code: str
    points: float
    reason: str
    reference: str = ""


@dataclass
class Comparison:
    """The same units in an earlier evaluation (同比 when a year apart)."""

    year: int | None
    totals: np.ndarray  # NaN where the unit was not in the earlier evaluation
    ranks: np.ndarray  # 0 where not ranked then

    def change(self, totals: np.ndarray) -> np.ndarray:
        return np.asarray(totals - self.totals)


@dataclass
class EvaluationResult:
    """All numbers of one evaluation, as aligned arrays (units x indicators).

    Row ``u`` is ``data.units[u]``; column ``k`` is ``scheme.indicators[k]``.
    """

    scheme: Scheme
    data: BaseData
    values: np.ndarray
    reasons: np.ndarray
    z: np.ndarray
    raw_scores: np.ndarray
    standard_points: np.ndarray
    scores: np.ndarray
    used_scores: np.ndarray
    group_scores: dict[str, np.ndarray]
    base_totals: np.ndarray
    bonus: np.ndarray
    totals: np.ndarray
    ranks: np.ndarray
    grades: list[str | None]
    stats: dict[str, dict[str, Any]]
    warnings: list[Problem] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    previous: Comparison | None = None
    # Composite-indicator options: which values were imputed, and the values as normalised
    # (after imputation and outlier treatment; equal to ``values`` when the scheme has none).
    imputed: np.ndarray | None = None
    treated_values: np.ndarray | None = None

    # --- look-ups -------------------------------------------------------------------
    @property
    def codes(self) -> list[str]:
        return self.data.codes

    def index(self, unit_code: str) -> int:
        try:
            return self.data.index_of(unit_code)
        except KeyError:
            raise DataError([Problem("eval.unknown_unit", params={"unit": unit_code})]) from None

    def column(self, indicator_code: str) -> int:
        return self.scheme.indicator_codes.index(indicator_code)

    def order(self) -> list[int]:
        """Unit positions by rank (unranked last), ties in input order."""
        ranks = np.asarray(self.ranks)
        by_rank = np.where(ranks > 0, ranks, len(ranks) + 1)
        order: list[int] = np.lexsort((np.arange(len(ranks)), by_rank)).tolist()
        return order

    def applicable(self, unit: int, indicator: int) -> bool:
        return bool(self.reasons[unit, indicator] == OK)

    def reason_problem(self, unit: int, indicator: int) -> Problem | None:
        code = REASON_CODES.get(int(self.reasons[unit, indicator]))
        return Problem(code) if code else None

    def adjustments_of(self, unit_code: str) -> list[Adjustment]:
        return [a for a in self.adjustments if a.unit_code == unit_code]


# --- the evaluation ------------------------------------------------------------------------


def evaluate(
    scheme: Scheme,
    data: BaseData,
    *,
    previous: EvaluationResult | None = None,
    adjustments: Iterable[Adjustment] = (),
) -> EvaluationResult:
    """Evaluate every unit of ``data`` under ``scheme``.

    Parameters
    ----------
    scheme : Scheme
        A loaded scheme (:func:`kaoping.scoring.load_scheme`).
    data : BaseData
        Validated base data, one row per unit.
    previous : EvaluationResult, optional
        An earlier evaluation of the same units (e.g. last year's), for the change in total
        and rank (同比).
    adjustments : iterable of Adjustment
        Bonus / deduction points on totals (Beijing measures, article 11).

    Returns
    -------
    EvaluationResult

    Examples
    --------
    A group of two indicators; the third unit spent nothing, so G1 (jobs per 10,000 yuan)
    does not apply to it and G2 alone makes its score:

    >>> from kaoping.scoring import BaseData, scheme_from_dict
    >>> scheme = scheme_from_dict({
    ...     "scheme": {"code": "demo", "name": "示例", "version": "1"},
    ...     "fields": [{"key": "jobs", "label": "新增就业"}, {"key": "spent", "label": "支出"}],
    ...     "groups": [{"code": "G", "name": "效果", "weight": 100}],
    ...     "indicators": [
    ...         {"code": "G1", "name": "每万元就业人数", "group": "G", "weight": 60,
    ...          "formula": "jobs / spent"},
    ...         {"code": "G2", "name": "新增就业", "group": "G", "weight": 40, "formula": "jobs"},
    ...     ],
    ... })
    >>> data = BaseData.from_records([
    ...     {"unit_code": "01", "jobs": 300, "spent": 100},
    ...     {"unit_code": "02", "jobs": 100, "spent": 100},
    ...     {"unit_code": "03", "jobs": 200, "spent": 0},
    ... ])
    >>> result = evaluate(scheme, data)
    >>> np.round(result.scores, 4).tolist()
    [[90.0, 92.2474], [70.0, 67.7526], [nan, 80.0]]
    >>> [round(float(t), 4) for t in result.totals], result.ranks.tolist()
    ([90.899, 69.101, 80.0], [1, 3, 2])
    """
    if len(data) == 0:
        raise DataError([Problem("eval.no_units")])
    columns = prepare_columns(scheme, data)
    n, k = len(data), len(scheme.indicators)
    values = np.full((n, k), np.nan)
    reasons = np.zeros((n, k), dtype=np.int8)
    for j, indicator in enumerate(scheme.indicators):
        outcome: FormulaResult = indicator.formula.evaluate(columns)
        values[:, j] = outcome.values
        reasons[:, j] = outcome.reason
    scored = score_values(scheme, data, columns, values, reasons)
    reasons, used, warnings = scored.reasons, scored.used, list(scored.warnings)
    rules = scheme.scoring
    group_scores, base_totals = aggregate(scheme, used)
    _check_geometric(scheme, data, used, group_scores)
    adjustments = list(adjustments)
    bonus = bonus_points(data, adjustments)
    totals = base_totals + bonus
    ranks = competition_ranks(totals, rules.tie_decimals)
    grades = grade_names(scheme, totals)
    warnings += _few_units_warnings(scheme, scored.stats)
    for u in np.flatnonzero(np.isnan(base_totals)):
        warnings.append(
            Problem("eval.unit_all_na", params={"unit": data.units[u].code}, severity="warning")
        )
    result = EvaluationResult(
        scheme=scheme,
        data=data,
        values=values,
        reasons=reasons,
        z=scored.z,
        raw_scores=scored.raw_scores,
        standard_points=np.where(np.isnan(scored.raw_scores), 0.0, scored.points),
        scores=scored.scores,
        used_scores=used,
        group_scores=group_scores,
        base_totals=base_totals,
        bonus=bonus,
        totals=totals,
        ranks=ranks,
        grades=grades,
        stats=scored.stats,
        warnings=warnings,
        adjustments=adjustments,
        imputed=scored.imputed,
        treated_values=scored.treated,
    )
    if previous is not None:
        result.previous = compare_with(result, previous)
    return result


@dataclass
class ScoredValues:
    """Indicator values turned into the scores that enter the aggregation (steps 2-4)."""

    reasons: np.ndarray
    imputed: np.ndarray
    treated: np.ndarray
    z: np.ndarray
    raw_scores: np.ndarray
    points: np.ndarray
    scores: np.ndarray
    used: np.ndarray
    stats: dict[str, dict[str, Any]]
    warnings: list[Problem]


def score_values(
    scheme: Scheme,
    data: BaseData,
    columns: Mapping[str, np.ndarray],
    values: np.ndarray,
    reasons: np.ndarray,
    *,
    explain: bool = True,
    prepared: tuple[np.ndarray, np.ndarray] | None = None,
) -> ScoredValues:
    """Imputation and outlier treatment, normalisation, standards, clamping and the
    not-applicable policy, for every indicator (the robustness analysis calls this with the
    formulas' values computed once, ``explain=False`` skipping statistics and warnings).

    Indicators sharing a normalisation, its parameters and a direction are normalised in one
    call (the normalisations work along the last axis, one row per indicator).
    """
    n, k = values.shape
    reasons = reasons.copy()
    imputed, treated = prepared or prepare_values(scheme, data, values)
    reasons[imputed] = OK
    z = np.full((n, k), np.nan)
    raw_scores = np.full((n, k), np.nan)
    points = np.zeros((n, k))
    stats: dict[str, dict[str, Any]] = {}
    warnings: list[Problem] = []
    batches: dict[tuple[str, str, str], list[int]] = {}
    for j, indicator in enumerate(scheme.indicators):
        key = (indicator.normalisation, repr(sorted(indicator.params.items())), indicator.direction)
        batches.setdefault(key, []).append(j)
    outcomes = []
    for js in batches.values():
        first = scheme.indicators[js[0]]
        normalised = normalise(
            first.normalisation,
            treated[:, js].T,
            _resolved_params(first, columns),
            _context(scheme, first, columns),
        )
        raw_scores[:, js] = normalised.scores.T
        if normalised.z is not None:
            z[:, js] = normalised.z.T
        outcomes.append((js, normalised))
    reasons[~np.isnan(treated) & np.isnan(raw_scores)] = NO_TARGET
    for js, normalised in outcomes:
        for row, j in enumerate(js):
            indicator = scheme.indicators[j]
            if indicator.standards.any:
                points[:, j] = standard_points(indicator, values[:, j], raw_scores[:, j])
            if explain:
                own = {
                    key: v if np.ndim(v) == 0 or key == "targets" else v[row]
                    for key, v in normalised.stats.items()
                }
                stats[indicator.code] = _indicator_stats(scheme, indicator, own, reasons[:, j])
                warnings += _indicator_warnings(indicator, stats[indicator.code])
    if explain:  # in the scheme's order
        stats = {i.code: stats[i.code] for i in scheme.indicators}
    rules = scheme.scoring
    scores = np.where(
        np.isnan(raw_scores), np.nan, np.clip(raw_scores + points, rules.floor, rules.cap)
    )
    used = apply_na_policy(scheme, scores)
    return ScoredValues(
        reasons, imputed, treated, z, raw_scores, points, scores, used, stats, warnings
    )


def prepare_values(
    scheme: Scheme, data: BaseData, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The scheme's imputation and outlier treatment (:mod:`kaoping.scoring.composite`):
    which cells were imputed, and the values as they are normalised.

    Only values the units compare on are imputed and treated: indicators normalised by
    z-score, min-max or the efficacy coefficient (an expert score or a target completion is
    each unit's own)."""
    rules = scheme.scoring
    comparative = comparative_columns(scheme)
    prepared = values.copy()
    if rules.imputation != "none" and comparative.any():
        groups = _unit_groups(data, rules.imputation_group)
        prepared[:, comparative] = composite.impute(
            values[:, comparative], groups, rules.imputation
        )
    imputed = np.isnan(values) & ~np.isnan(prepared)
    if rules.treatment != "none":
        prepared = composite.treat(
            prepared,
            rules.treatment,
            rules.winsorise_limit,
            rules.skew_max,
            rules.kurtosis_max,
            comparative,
        )
    return imputed, prepared


def comparative_columns(scheme: Scheme) -> np.ndarray:
    """Which indicators compare units (imputation and outlier treatment apply to them)."""
    return np.array([i.normalisation in COMPARATIVE for i in scheme.indicators], dtype=bool)


def _unit_groups(data: BaseData, key: str | None) -> list[Any] | None:
    if key is None:
        return None
    if key in data.extras:
        return list(data.extras[key])
    if key in data.columns:
        return list(data.columns[key].tolist())
    raise DataError(
        [Problem("data.missing_column", file=data.source, params={"label": key, "key": key})]
    )


def _check_geometric(
    scheme: Scheme, data: BaseData, used: np.ndarray, group_scores: Mapping[str, np.ndarray]
) -> None:
    """A geometric mean needs positive scores: name the first unit and group that has not."""
    column = {code: j for j, code in enumerate(scheme.indicator_codes)}
    parents: list[GroupSpec | None] = [None, *scheme.groups]
    for parent in parents:
        method = (parent.aggregation if parent is not None else None) or scheme.scoring.aggregation
        if method != "geometric":
            continue
        kids = scheme.children(parent.code if parent is not None else None)
        scores = [
            used[:, column[k.code]] if isinstance(k, IndicatorSpec) else group_scores[k.code]
            for k in kids
        ]
        bad = composite.nonpositive(scores)
        if bad.any():
            u = int(np.flatnonzero(bad)[0])
            raise DataError(
                [
                    Problem(
                        "eval.geometric_nonpositive",
                        params={
                            "unit": data.units[u].code,
                            "group": parent.code
                            if parent is not None
                            else gettext_pair(gettext_noop("Total")),
                        },
                    )
                ]
            )


def prepare_columns(scheme: Scheme, data: BaseData) -> dict[str, np.ndarray]:
    """The numeric columns the formulas read, with defaults filled in.

    An optional field with a default (e.g. price_factor = 1) takes it where empty or absent;
    an absent required field is an error (the table reader reports it with its place).
    """
    n = len(data)
    columns: dict[str, np.ndarray] = {}
    problems = []
    for spec in scheme.fields:
        if not spec.is_numeric:
            continue
        column = data.columns.get(spec.key)
        if column is None and spec.key == "year":
            column = np.array([u.year if u.year is not None else np.nan for u in data.units])
        if column is None:
            if spec.default is not None:
                column = np.full(n, spec.default)
            elif spec.required and _used_by_indicators(scheme, spec.key):
                problems.append(
                    Problem(
                        "data.missing_column",
                        file=data.source,
                        params={"label": spec.label, "key": spec.key},
                    )
                )
                continue
            else:
                column = np.full(n, np.nan)
        elif spec.default is not None:
            column = np.where(np.isnan(column), spec.default, column)
        columns[spec.key] = np.asarray(column, dtype=float)
    if problems:
        raise DataError(problems)
    return columns


def _used_by_indicators(scheme: Scheme, key: str) -> bool:
    return any(key in ind.formula.names for ind in scheme.indicators)


def _context(
    scheme: Scheme, indicator: IndicatorSpec, columns: Mapping[str, np.ndarray]
) -> Context:
    r = scheme.scoring
    return Context(
        base=r.base,
        scale=r.scale,
        floor=r.floor,
        cap=r.cap,
        sd=r.sd,
        direction=indicator.direction,
        columns=columns,
    )


def _resolved_params(indicator: IndicatorSpec, columns: Mapping[str, np.ndarray]) -> dict[str, Any]:
    return dict(indicator.params)


def standard_points(indicator: IndicatorSpec, values: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Points added (+) or deducted (-) by the indicator's minimum / excellent standards.

    Worse than the minimum standard deducts; better than the excellent standard adds; a value
    equal to a standard changes nothing (the notice: 低于 / 高于). "Worse" respects the
    indicator's direction. With ``basis = "score"`` the thresholds apply to the score.
    """
    s = indicator.standards
    result = np.zeros(np.shape(values))
    if not s.any:
        return result
    x = scores if s.basis == "score" else values
    lower_is_better = indicator.direction == "lower" and s.basis == "value"
    with np.errstate(invalid="ignore"):
        if s.minimum is not None:
            worse = x > s.minimum if lower_is_better else x < s.minimum
            result = result - np.where(worse, s.minimum_points, 0.0)
        if s.excellent is not None:
            better = x < s.excellent if lower_is_better else x > s.excellent
            result = result + np.where(better, s.excellent_points, 0.0)
    return np.where(np.isnan(x), 0.0, result)


def apply_na_policy(scheme: Scheme, scores: np.ndarray) -> np.ndarray:
    """Scores as they enter the aggregation: NaN (left out), 0, or the indicator's mean."""
    used = scores.copy()
    for j, indicator in enumerate(scheme.indicators):
        policy = indicator.missing or scheme.scoring.not_applicable
        missing = np.isnan(used[..., j])
        if policy == "zero":
            used[..., j] = np.where(missing, 0.0, used[..., j])
        elif policy == "mean":
            col = used[..., j]
            # Mean over the applicable units of each row, NaN (still left out) when none.
            count = (~missing).sum(axis=-1, keepdims=True)
            total = np.where(missing, 0.0, col).sum(axis=-1, keepdims=True)
            with np.errstate(all="ignore"):
                mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
            used[..., j] = np.where(missing, mean, col)
    return used


def aggregate(scheme: Scheme, used: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Group scores up the tree and the weighted total, renormalising over what is present.

    ``used`` has indicators on its last axis; leading axes (units, or replicates x units)
    are kept. A group none of whose children apply is itself not applicable (NaN).
    """
    column = {code: j for j, code in enumerate(scheme.indicator_codes)}
    group_scores: dict[str, np.ndarray] = {}

    def mean(method: str | None) -> Callable[[Sequence[np.ndarray], Sequence[float]], np.ndarray]:
        geometric = (method or scheme.scoring.aggregation) == "geometric"
        return composite.weighted_geometric_mean if geometric else weighted_mean

    def score_of(node: GroupSpec | IndicatorSpec) -> np.ndarray:
        if isinstance(node, IndicatorSpec):
            return used[..., column[node.code]]
        if node.code not in group_scores:
            group_scores[node.code] = mean(node.aggregation)(
                [score_of(c) for c in scheme.children(node.code)],
                [c.weight for c in scheme.children(node.code)],
            )
        return group_scores[node.code]

    top = scheme.top_groups
    total = mean(None)([score_of(g) for g in top], [g.weight for g in top])
    # Keep the scheme's order (walk order) for display.
    ordered = {g.code: group_scores[g.code] for g in scheme.groups if g.code in group_scores}
    return ordered, total


def weighted_mean(scores: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Weighted mean of children over those present (not NaN), weights renormalised.

    Examples
    --------
    >>> weighted_mean([np.array([90.0, 90.0]), np.array([70.0, np.nan])], [0.6, 0.4]).tolist()
    [82.0, 90.0]
    """
    stacked = np.stack(scores, axis=-1)
    w = np.asarray(weights, dtype=float)
    present = ~np.isnan(stacked)
    with np.errstate(all="ignore"):
        num = np.where(present, stacked * w, 0.0).sum(axis=-1)
        den = np.where(present, w, 0.0).sum(axis=-1)
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def effective_weights(weights: Sequence[float], present: Sequence[bool]) -> list[float]:
    """Each child's share after renormalising over the children present."""
    total = sum(w for w, p in zip(weights, present, strict=True) if p)
    return [w / total if p and total > 0 else 0.0 for w, p in zip(weights, present, strict=True)]


def bonus_points(data: BaseData, adjustments: Sequence[Adjustment]) -> np.ndarray:
    """Sum of bonus / deduction points per unit (validated by the caller)."""
    bonus = np.zeros(len(data))
    positions = {code: i for i, code in enumerate(data.codes)}
    for adj in adjustments:
        if adj.unit_code not in positions:
            raise DataError([Problem("eval.unknown_unit", params={"unit": adj.unit_code})])
        bonus[positions[adj.unit_code]] += adj.points
    return bonus


def competition_ranks(totals: np.ndarray, decimals: int = 6) -> np.ndarray:
    """Rank by descending total; equal totals share a rank and the next is skipped.

    Totals are compared after rounding to ``decimals`` places, so that floating-point noise
    never separates units with the same score. Units without a total get rank 0.

    Examples
    --------
    >>> competition_ranks(np.array([90.0, 85.0, 85.0, 70.0, np.nan])).tolist()
    [1, 2, 2, 4, 0]
    """
    totals = np.asarray(totals, dtype=float)
    valid = ~np.isnan(totals)
    keys = -np.round(totals[..., :], decimals)
    ranks = np.zeros(totals.shape, dtype=np.int64)
    if totals.ndim == 1:
        sorted_keys = np.sort(keys[valid])
        ranks[valid] = np.searchsorted(sorted_keys, keys[valid], side="left") + 1
        return ranks
    # (replicates x units): rank = 1 + number of units strictly better, by sorting each row.
    filled = np.where(valid, keys, np.inf)
    sorted_rows = np.sort(filled, axis=-1)
    for r in range(totals.shape[0]):
        ranks[r] = np.searchsorted(sorted_rows[r], filled[r], side="left") + 1
    return np.where(valid, ranks, 0)


def grade_names(scheme: Scheme, totals: np.ndarray) -> list[str | None]:
    """The grade of each total, as :meth:`Scheme.grade_for` decides it (None: no total or
    below every band), for all units at once.

    Examples
    --------
    >>> from kaoping.scoring import load_scheme
    >>> grade_names(load_scheme("mof-2012"), np.array([90.0, 89.99, 60.0, 12.5, np.nan]))
    ['优', '良', '中', '差', None]
    """
    totals = np.asarray(totals, dtype=float)
    if not scheme.grades:
        return [None] * len(totals)
    names = [band.name for band in scheme.grades]  # highest minimum first
    mins = np.array([band.min for band in scheme.grades]) - 1e-9
    with np.errstate(invalid="ignore"):
        not_reached = (mins[np.newaxis, :] > totals[:, np.newaxis]).sum(axis=1)
    # No total or below every band: the None after the names (no numpy scalar per unit).
    lookup = [*names, None]
    return [lookup[k] for k in np.where(np.isnan(totals), len(names), not_reached).tolist()]


def _indicator_stats(
    scheme: Scheme, indicator: IndicatorSpec, norm_stats: Mapping[str, Any], reasons: np.ndarray
) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "code": indicator.code,
        "name": indicator.name,
        "group": indicator.group,
        "weight": indicator.weight,
        "absolute_weight": scheme.absolute_weight(indicator.code),
        "normalisation": indicator.normalisation,
        "direction": indicator.direction,
        "n": int((reasons == OK).sum()),
    }
    for key, value in norm_stats.items():
        if key == "targets":
            continue
        stats[key] = _plain(value)
    return stats


def _indicator_warnings(indicator: IndicatorSpec, stats: dict[str, Any]) -> list[Problem]:
    if stats["n"] == 0:
        return [Problem("eval.no_applicable", params={"code": indicator.code}, severity="warning")]
    if indicator.normalisation == "zscore" and stats["n"] > 1 and stats.get("sd", 1) == 0:
        return [Problem("eval.sd_zero", params={"code": indicator.code}, severity="warning")]
    return []


# Below this many units a z-score says little: with 2 every z is ±1, with 1 it is 0.
MIN_UNITS_TO_STANDARDISE = 3


def _few_units_warnings(scheme: Scheme, stats: dict[str, dict[str, Any]]) -> list[Problem]:
    """One warning when some z-scored indicator is standardised over fewer than 3 units."""
    few = [
        (code, s["n"])
        for code, s in stats.items()
        if s["normalisation"] == "zscore" and 0 < s["n"] < MIN_UNITS_TO_STANDARDISE
    ]
    if not few:
        return []
    n = min(count for _, count in few)
    return [
        Problem(
            "eval.few_units",
            severity="warning",
            params={
                "n": n,
                "codes": Listing(tuple(code for code, _ in few)),
                "base": f"{scheme.scoring.base:g}",
                "high": f"{scheme.scoring.base + scheme.scoring.scale:g}",
                "low": f"{scheme.scoring.base - scheme.scoring.scale:g}",
            },
        )
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def compare_with(current: EvaluationResult, previous: EvaluationResult) -> Comparison:
    """Match units by code with an earlier evaluation: their totals and ranks then."""
    positions = {code: i for i, code in enumerate(previous.codes)}
    idx = [positions.get(code) for code in current.codes]
    totals = np.array([previous.totals[i] if i is not None else np.nan for i in idx])
    ranks = np.array([previous.ranks[i] if i is not None else 0 for i in idx], dtype=np.int64)
    years = {u.year for u in previous.data.units if u.year is not None}
    return Comparison(year=years.pop() if len(years) == 1 else None, totals=totals, ranks=ranks)
