"""One assessment, computed once (考核/评价的全部输入与唯一结果).

An :class:`Assessment` holds everything that determines a round's result: the scheme, the
base data, the expert score sheets with the recusals (回避), the bonus / deduction entries
(加减分), the targets of the responsibility letters (目标责任书), the evaluator's price
correction factors (物价矫正系数), the earlier periods for 同比 / 环比, and optionally the
reward fund (奖励资金). :func:`assess` turns it into one :class:`AssessmentResult`: indicator
values, scores, group scores, totals, ranks by the committee's tie rule, grades, pass / fail,
award tiers, the criticism list with its reasons, and the allocation when a fund is given.

Every door — each command, the web application, the reports, the archive and the robustness
analysis — builds an Assessment and calls :func:`assess`; nothing else computes a total.
(``docs/assessment.md`` says how each door builds it.)

The steps, in order:

1. targets: each unit's ``<key>_target`` field (and ``target_completion``) from its letter;
2. price factors: the ``price_factor`` field from the evaluator's table (never the unit's);
3. expert scores: validated (range, recusals, panels), aggregated by the scheme's rule and
   filled into the expert-scored fields; an expert-scored item left without a score for a
   unit is refused, never silently not applicable;
4. bonus / deduction entries: validated against the scheme's bounds;
5. the earlier periods, assessed the same way, for the change in total and rank;
6. the evaluation (:func:`kaoping.scoring.evaluate`), ranked by the committee's tie rule;
7. awards and criticism (:func:`kaoping.scoring.awards.decide_awards`);
8. the reward fund, when given (:func:`kaoping.scoring.allocation.allocate`).

Examples
--------
>>> from kaoping.scoring import BaseData, load_scheme
>>> from kaoping.scoring.adjustments import AdjustmentEntry
>>> scheme = load_scheme("beijing-small-loan")
>>> data = BaseData.from_records([
...     {"unit_code": c, "unit_name": n, "loans_issued": li, "loans_planned": 100,
...      "borrowers_supported": b, "borrowers_planned": 50, "loans_due": 80,
...      "loans_recovered": r, "daily_management": 8, "risk_control": 7}
...     for c, n, li, b, r in [("G01", "担保中心", 96, 48, 79), ("B01", "甲银行", 80, 40, 70),
...                            ("B02", "乙银行", 60, 30, 50)]])
>>> result = assess(Assessment(scheme, data))
>>> [(u.code, round(u.total, 2), u.rank, u.passed) for u in result.units()]
[('G01', 93.4, 1, True), ('B01', 73.67, 2, True), ('B02', 43.44, 3, False)]
>>> result.unit("B02").reason_text("en")
'failed the assessment: total 43.44 below the pass line 60'
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from kaoping.scoring.adjustments import AdjustmentEntry, validate_adjustments
from kaoping.scoring.allocation import Share, allocate, recipients_from_awards
from kaoping.scoring.awards import AwardDecisions, UnitDecision, award_rules, decide_awards
from kaoping.scoring.comparison import PeriodComparison, compare_results, parse_period
from kaoping.scoring.data import BaseData
from kaoping.scoring.errors import DataError, Listing, Problem
from kaoping.scoring.evaluation import Adjustment, EvaluationResult, evaluate
from kaoping.scoring.experts import (
    ExpertAggregation,
    ExpertRules,
    ExpertScore,
    Recusal,
    aggregate_experts,
    committee_ranks,
    expert_rules,
    scoring_items,
)
from kaoping.scoring.i18n import gettext_noop, gettext_pair, pgettext
from kaoping.scoring.missing import nan_to_none
from kaoping.scoring.schemes import Scheme
from kaoping.scoring.targets import (
    Target,
    check_targets,
    completion_column,
    target_column,
    with_columns,
)

PRICE_FACTOR = "price_factor"


@dataclass(frozen=True)
class RewardFund:
    """The year's reward fund (奖励资金) fixed by the leading group, and how it is shared.

    Parameters
    ----------
    total : str or Decimal or int
        The amount in yuan (whole yuan, or at most two decimals with ``precision="fen"``).
    by_score : bool
        Weight each winner by tier coefficient × total instead of the coefficient alone.
    precision : {"yuan", "fen"}
        The smallest amount handed out.
    """

    total: str | Decimal | int
    by_score: bool = False
    precision: str = "yuan"


@dataclass(frozen=True)
class Assessment:
    """Everything that determines one round's result.

    Parameters
    ----------
    scheme : Scheme
        The published scheme (方案).
    data : BaseData
        The validated base data (基础数据), one row per unit of the round's register.
    expert_scores : tuple of ExpertScore
        Every expert's score of every unit on every expert-scored item (专家评分表).
    recusals : tuple of Recusal
        Experts tied to units (回避名单); a recused expert's score is refused.
    adjustments : tuple of AdjustmentEntry
        Bonus (+) and deduction (−) points with reason and document (加减分).
    targets : tuple of Target
        The targets of the responsibility letters (目标责任书).
    price_factors : mapping of str to float, optional
        The evaluator's price / economy correction factor per unit code (物价矫正系数);
        units not listed take the scheme's default (1). None: no factor table.
    previous : tuple of Assessment
        Earlier periods of the same units, oldest first, for 同比 / 环比.
    period : str, optional
        This period's label (``2024``, ``2024-Q2``); default: the data's year.
    fund : RewardFund, optional
        The reward fund to share among the award winners.

    Examples
    --------
    >>> from kaoping.scoring import BaseData, load_scheme
    >>> a = Assessment(load_scheme("mof-2012"), BaseData.from_records([{"unit_code": "01"}]))
    >>> a.period_label, a.expert_scores, a.fund is None
    (None, (), True)
    """

    scheme: Scheme
    data: BaseData
    expert_scores: tuple[ExpertScore, ...] = ()
    recusals: tuple[Recusal, ...] = ()
    adjustments: tuple[AdjustmentEntry, ...] = ()
    targets: tuple[Target, ...] = ()
    price_factors: Mapping[str, float] | None = None
    previous: tuple[Assessment, ...] = ()
    period: str | None = None
    fund: RewardFund | None = None

    def __post_init__(self) -> None:
        # Accept lists (and a dict for the factors) but keep the object immutable.
        for name in ("expert_scores", "recusals", "adjustments", "targets", "previous"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.price_factors is not None:
            object.__setattr__(self, "price_factors", dict(self.price_factors))

    @property
    def period_label(self) -> str | None:
        """The period's label: :attr:`period`, else the data's year when all rows share it."""
        if self.period:
            return self.period
        years = {u.year for u in self.data.units if u.year is not None}
        return str(years.pop()) if len(years) == 1 else None

    def replace(self, **changes: Any) -> Assessment:
        """A copy with some inputs changed (e.g. ``fund=RewardFund("1000000")``)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class UnitOutcome:
    """One unit's line of the result: what every door shows for it."""

    code: str
    name: str
    total: float | None
    base_total: float | None
    bonus: float
    rank: int | None
    grade: str | None
    passed: bool
    tier: str | None
    coefficient: float
    criticised: bool
    reasons: tuple[Problem, ...]
    amount: Decimal | None = None

    def reason_text(self, lang: str = "zh") -> str:
        return pgettext("list separator", "; ", lang).join(p.text(lang) for p in self.reasons)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """Plain values (JSON): code, name, total, rank, grade, pass, tier, criticism."""
        return {
            "code": self.code,
            "name": self.name,
            "total": self.total,
            "base_total": self.base_total,
            "bonus": self.bonus,
            "rank": self.rank,
            "grade": self.grade,
            "passed": self.passed,
            "tier": self.tier,
            "coefficient": self.coefficient,
            "criticised": self.criticised,
            "reasons": [p.text(lang) for p in self.reasons],
            "amount": None if self.amount is None else str(self.amount),
        }


@dataclass(frozen=True)
class AssessmentResult:
    """The one result of an :class:`Assessment`.

    Attributes
    ----------
    assessment : Assessment
        The inputs.
    evaluation : EvaluationResult
        Values, scores, group scores, base totals, bonus, totals, grades and warnings, as
        aligned arrays; its ``ranks`` are the committee's (tie rule applied) and its
        ``data`` holds the targets, price factors and aggregated expert scores filled in,
        so explanations and reports read the same numbers.
    awards : AwardDecisions
        Pass / fail, tiers, coefficients and the criticism list with reasons.
    experts : ExpertAggregation or None
        The aggregated expert scores (None without an expert sheet).
    previous : tuple of AssessmentResult
        The earlier periods' results, oldest first.
    comparison : PeriodComparison or None
        Totals, ranks and group scores over all periods (同比 / 环比), when there are
        earlier periods.
    allocation : tuple of Share or None
        The reward fund's shares (None without a fund).
    warnings : tuple of Problem
        Everything the user should see: expert disagreement, indicators not applicable,
        fewer than 3 units standardised...
    """

    assessment: Assessment
    evaluation: EvaluationResult
    awards: AwardDecisions
    experts: ExpertAggregation | None = None
    previous: tuple[AssessmentResult, ...] = ()
    comparison: PeriodComparison | None = None
    allocation: tuple[Share, ...] | None = None
    warnings: tuple[Problem, ...] = ()

    # --- look-ups -------------------------------------------------------------------
    @property
    def scheme(self) -> Scheme:
        return self.assessment.scheme

    @property
    def data(self) -> BaseData:
        """The base data as scored (targets, factors and expert scores filled in)."""
        return self.evaluation.data

    @property
    def codes(self) -> list[str]:
        return self.evaluation.codes

    @property
    def totals(self) -> np.ndarray:
        return self.evaluation.totals

    @property
    def ranks(self) -> np.ndarray:
        """The committee's ranks (1 = best; 0 = no total), aligned with :attr:`codes`."""
        return self.evaluation.ranks

    @property
    def grades(self) -> list[str | None]:
        return self.evaluation.grades

    @property
    def group_scores(self) -> dict[str, np.ndarray]:
        return self.evaluation.group_scores

    @property
    def criticism_list(self) -> list[UnitDecision]:
        """Units criticised (通报批评), best rank first, each with its reasons."""
        return self.awards.criticised

    def decision(self, code: str) -> UnitDecision:
        return self.awards.decision(code)

    def unit(self, code: str) -> UnitOutcome:
        """One unit's outcome; DataError ``eval.unknown_unit`` for a code not in the round."""
        return self._outcome(self.evaluation.index(code))

    def units(self) -> list[UnitOutcome]:
        """Every unit's outcome in rank order (ties in input order, no total last)."""
        return [self._outcome(u) for u in self.evaluation.order()]

    def _outcome(self, u: int) -> UnitOutcome:
        ev = self.evaluation
        unit = ev.data.units[u]
        d = self.awards.decision(unit.code)
        amounts = {s.code: s.amount for s in self.allocation or ()}
        return UnitOutcome(
            code=unit.code,
            name=unit.name,
            total=nan_to_none(ev.totals[u]),
            base_total=nan_to_none(ev.base_totals[u]),
            bonus=float(ev.bonus[u]),
            rank=int(ev.ranks[u]) or None,
            grade=ev.grades[u],
            passed=d.passed,
            tier=d.tier,
            coefficient=d.coefficient,
            criticised=d.criticised,
            reasons=tuple(d.reasons),
            amount=amounts.get(unit.code) if self.allocation is not None else None,
        )

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The summary every door agrees on: scheme, period, and per unit code, total, rank,
        grade, pass, tier, criticism and amount."""
        s = self.scheme
        return {
            "scheme": {"code": s.code, "version": s.version, "sha256": s.sha256},
            "period": self.assessment.period_label,
            "input_sha256": self.data.sha256,
            "units": [u.to_dict(lang) for u in self.units()],
            "warnings": [w.text(lang) for w in self.warnings],
        }


# --- the assessment -------------------------------------------------------------------------


def assess(assessment: Assessment) -> AssessmentResult:
    """Compute the one result of ``assessment``.

    Parameters
    ----------
    assessment : Assessment
        All inputs of the round.

    Returns
    -------
    AssessmentResult

    Raises
    ------
    DataError
        With every problem of an input: a target missing or inconsistent, a price factor
        for a unit not in the round or out of the scheme's range, an expert score out of
        range, recused, from the wrong panel or for an unknown unit, an expert-scored item
        that no panel covers or that nobody scored for some units, a bonus beyond the
        scheme's bounds, an individual (or anyone not in the register) given money.

    Examples
    --------
    Bonus points move the total; the fund goes to the award winners only:

    >>> from kaoping.scoring import BaseData, load_scheme
    >>> from kaoping.scoring.adjustments import AdjustmentEntry
    >>> scheme = load_scheme("beijing-small-loan")
    >>> rows = [("G01", 96, 48, 79), ("B01", 80, 40, 70), ("B02", 60, 30, 50)]
    >>> data = BaseData.from_records([
    ...     {"unit_code": c, "unit_name": c, "loans_issued": li, "loans_planned": 100,
    ...      "borrowers_supported": b, "borrowers_planned": 50, "loans_due": 80,
    ...      "loans_recovered": r, "daily_management": 8, "risk_control": 7}
    ...     for c, li, b, r in rows])
    >>> bonus = [AdjustmentEntry("B02", 2, "完成临时任务", "京就领办〔2024〕5号")]
    >>> result = assess(Assessment(scheme, data, adjustments=bonus, fund=RewardFund("10000")))
    >>> [(u.code, round(u.total, 2), u.rank, u.tier, u.amount) for u in result.units()]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('G01', 93.4, 1, '小额担保贷款专项奖', Decimal('5000')),
     ('B01', 73.67, 2, '小额担保贷款专项奖', Decimal('5000')),
     ('B02', 45.44, 3, None, None)]
    """
    scheme = assessment.scheme
    if len(assessment.data) == 0:
        raise DataError([Problem("eval.no_units")])
    data = assessment.data
    warnings: list[Problem] = []
    data = _with_targets(scheme, data, assessment.targets)
    data = _with_price_factors(scheme, data, assessment.price_factors)
    rules = expert_rules(scheme)
    aggregation = None
    if assessment.expert_scores:
        _check_panels(scheme, rules, assessment.expert_scores)
        aggregation = aggregate_experts(
            scheme, assessment.expert_scores, assessment.recusals, data.codes
        )
        data = aggregation.apply_to(data)
        warnings += aggregation.warnings
    _check_expert_items(scheme, rules, data, aggregation is not None)
    adjustments = validate_adjustments(scheme, assessment.adjustments, data.codes)
    previous = tuple(assess(p) for p in assessment.previous)
    evaluation = _ranked(scheme, rules, data, adjustments, previous)
    tie = evaluation.group_scores.get(rules.tie_break) if rules.tie_break else None
    awards = decide_awards(evaluation, award_rules(scheme), tie)
    allocation = None
    if assessment.fund is not None:
        fund = assessment.fund
        allocation = tuple(
            allocate(
                fund.total,
                recipients_from_awards(awards),
                by_score=fund.by_score,
                precision=fund.precision,
                register=data.codes,
            )
        )
    warnings += evaluation.warnings
    return AssessmentResult(
        assessment=assessment,
        evaluation=evaluation,
        awards=awards,
        experts=aggregation,
        previous=previous,
        comparison=_comparison(assessment, evaluation, previous),
        allocation=allocation,
        warnings=tuple(warnings),
    )


def _ranked(
    scheme: Scheme,
    rules: ExpertRules,
    data: BaseData,
    adjustments: Sequence[Adjustment],
    previous: Sequence[AssessmentResult],
) -> EvaluationResult:
    """The evaluation, its ranks replaced by the committee's (the tie rule applied)."""
    before = previous[-1].evaluation if previous else None
    result = evaluate(scheme, data, previous=before, adjustments=adjustments)
    tie = result.group_scores.get(rules.tie_break) if rules.tie_break else None
    result.ranks = committee_ranks(result.totals, tie, scheme.scoring.tie_decimals)
    return result


def _comparison(
    assessment: Assessment, evaluation: EvaluationResult, previous: Sequence[AssessmentResult]
) -> PeriodComparison | None:
    if not previous:
        return None
    results: dict[str, EvaluationResult] = {}
    for p in [*previous, None]:
        a = p.assessment if p else assessment
        # Without a year column or a label, the file name's last part (district-2024.csv).
        text = a.period_label or str(a.data.source or "").rsplit(".", 1)[0].split("-")[-1]
        label = parse_period(text).label
        if label in results:
            raise DataError([Problem("comparison.duplicate_period", value=label)])
        results[label] = p.evaluation if p else evaluation
    return compare_results(results)


# --- the inputs' rules ----------------------------------------------------------------------


def _with_targets(scheme: Scheme, data: BaseData, targets: Sequence[Target]) -> BaseData:
    """Fill ``<key>_target`` fields from the letters' targets with key ``<key>``, and the
    ``target_completion`` field (member units) from each unit's whole letter."""
    if not targets:
        return data
    targets = check_targets(targets)
    keys = {f.key for f in scheme.fields}
    columns = {}
    for key in dict.fromkeys(t.key for t in targets):
        if f"{key}_target" in keys:
            columns[f"{key}_target"] = target_column(targets, key, data.codes)
    if "target_completion" in keys:
        columns["target_completion"] = completion_column(targets, data.codes)
    return with_columns(data, columns) if columns else data


def _with_price_factors(
    scheme: Scheme, data: BaseData, factors: Mapping[str, float] | None
) -> BaseData:
    """The evaluator's price factors as the ``price_factor`` column (default elsewhere)."""
    if factors is None:
        return data
    spec = next((f for f in scheme.fields if f.key == PRICE_FACTOR), None)
    if spec is None:
        raise DataError([Problem("assessment.price_factor_unused", params={"scheme": scheme.code})])
    known = set(data.codes)
    problems = []
    for code, value in factors.items():
        if code not in known:
            problems.append(Problem("assessment.unknown_unit", column="单位编码", value=code))
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else math.inf
        if not (isinstance(value, (int, float)) and math.isfinite(value) and lo <= value <= hi):
            problems.append(
                Problem(
                    "assessment.price_factor_range",
                    value=value,
                    params={"unit": code, "min": _fmt(lo), "max": _fmt(hi)},
                )
            )
    if problems:
        raise DataError(problems)
    default = 1.0 if spec.default is None else spec.default
    column = np.array([float(factors.get(code, default)) for code in data.codes])
    return with_columns(data, {PRICE_FACTOR: column})


def _check_panels(scheme: Scheme, rules: ExpertRules, scores: Sequence[ExpertScore]) -> None:
    """Scores must come from the item's own panel (when the sheet says which panel)."""
    problems = []
    for s in scores:
        if not s.panel:
            continue
        panel = rules.panel_of(s.item)
        if panel is not None and s.panel not in (panel.code, panel.name):
            problems.append(
                Problem(
                    "experts.wrong_panel",
                    file=s.source,
                    row=s.row,
                    column=s.column,
                    value=s.panel,
                    params={
                        "expert": s.expert,
                        "unit": s.unit_code,
                        "item": s.item,
                        "panel": f"{panel.code} {panel.name}",
                    },
                )
            )
    if problems:
        raise DataError(problems)


def _check_expert_items(
    scheme: Scheme, rules: ExpertRules, data: BaseData, have_sheet: bool
) -> None:
    """Every expert-scored item has a score for every unit, and (when the scheme has panels)
    a panel that scores it: it never silently becomes not applicable."""
    items = scoring_items(scheme) if scheme.qualitative_indicators else []
    problems = []
    if rules.panels:
        for item in items:
            if rules.panel_of(item.code) is None:
                problems.append(
                    Problem(
                        "assessment.item_without_panel",
                        file=scheme.path,
                        params={"item": _item_name(scheme, item.code)},
                    )
                )
    for item in items:
        column = data.columns.get(item.field)
        if column is None:
            missing = list(data.codes)
        else:
            missing = [c for c, v in zip(data.codes, column, strict=True) if math.isnan(v)]
        if missing:
            problems.append(
                Problem(
                    "assessment.item_unscored",
                    file=data.source,
                    params={
                        "item": _item_name(scheme, item.code),
                        "count": len(missing),
                        "units": Listing(tuple(missing[:20]), more=len(missing) > 20),
                        "hint": (
                            ""
                            if have_sheet
                            else gettext_pair(
                                gettext_noop("; give the expert sheet with --experts")
                            )
                        ),
                    },
                )
            )
    if problems:
        raise DataError(problems)


def _item_name(scheme: Scheme, code: str) -> tuple[str, str]:
    """An item's code and name, in Chinese and English."""
    ind = scheme.indicator(code)
    return f"{code} {ind.name_for('zh')}", f"{code} {ind.name_for('en')}"


def _fmt(x: float) -> str:
    return f"{x:.6g}"


__all__ = [
    "Assessment",
    "AssessmentResult",
    "RewardFund",
    "UnitOutcome",
    "assess",
]
