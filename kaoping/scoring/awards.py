"""Awards and the criticism list (综合奖 / 专项奖 / 通报批评, Beijing measures articles 20–23).

A unit that completed the year's key tasks and passed the comprehensive assessment gets the
comprehensive award, in tiers ("不搞平均主义"); units that failed, or are hit by a veto
condition (一票否决) of the scheme, go on the criticism list with the reason. Units passing
the fund-performance or small-loan special assessment get the special award; outstanding
units and individuals get honours and certificates (:class:`Honour`) but never money.

The scheme's sections::

    [awards]
    name = "综合奖"
    pass_line = 60
    method = "both"            # bands: by score; quota: by rank share; both: both at once
    [[awards.tiers]]           # best first
    name = "一等奖"
    min = 90                   # score band (bands, both)
    share = 20                 # percent of the eligible units (quota, both)
    coefficient = 1.5          # for the reward-fund allocation
    [[awards.requires]]        # conditions for any award (not met: no award, no criticism)
    condition = "new_jobs >= new_jobs_target"
    label = "未完成年度新增就业目标"
    [[veto]]                   # one-vote veto: no award and criticised, whatever the score
    condition = "adverse_incidents > 0"
    label = "因疏于管理造成不良影响"

    [special_awards]           # a special assessment: passing units get this award
    name = "小额担保贷款专项奖"
    pass_line = 60

Quotas (documented assumptions): a tier's quota is the number of eligible units (passed, no
veto, requirements met) times the cumulative share of it and the better tiers, rounded down;
ranks are competition ranks among the eligible units, so units tied at a quota's edge all
get the tier (the quota is exceeded rather than a tie split arbitrarily).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaoping.scoring.data import BaseData
from kaoping.scoring.errors import Problem, SchemeError
from kaoping.scoring.evaluation import EvaluationResult, prepare_columns
from kaoping.scoring.experts import committee_ranks
from kaoping.scoring.formulas import Condition, FormulaError, parse_condition
from kaoping.scoring.i18n import gettext_noop, gettext_pair, pgettext
from kaoping.scoring.schemes import Scheme

AWARD_METHODS = ("bands", "quota", "both")
HONOUR_KINDS = ("unit", "individual")
DEFAULT_PASS_LINE = 60.0


@dataclass(frozen=True)
class Tier:
    """An award tier (档次): a score band, a rank quota, or both; and its fund coefficient."""

    name: str
    min: float | None = None
    share: float | None = None  # percent of the eligible units
    coefficient: float = 1.0
    name_en: str = ""

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


@dataclass(frozen=True)
class ConditionRule:
    """A condition on the base data with its label (a veto or a requirement)."""

    condition: Condition
    label: str
    label_en: str = ""

    def label_for(self, lang: str) -> str:
        return (self.label_en or self.label) if lang == "en" else self.label


@dataclass(frozen=True)
class AwardRules:
    """How a scheme turns totals into awards and criticism."""

    name: str
    pass_line: float = DEFAULT_PASS_LINE
    method: str = "bands"
    tiers: tuple[Tier, ...] = ()
    requires: tuple[ConditionRule, ...] = ()
    vetoes: tuple[ConditionRule, ...] = ()
    name_en: str = ""
    special: bool = False


@dataclass(slots=True)  # one a unit: no __dict__ each (300,000 units: about 40 MB)
class UnitDecision:
    """What one unit gets: a tier or none, criticism or not, and why."""

    unit_code: str
    unit_name: str
    total: float | None
    rank: int | None  # among the units eligible for an award
    passed: bool
    tier: str | None
    coefficient: float
    criticised: bool
    reasons: list[Problem] = field(default_factory=list)
    overall_rank: int | None = None  # the committee's ranking of all units (tie rule applied)

    def reason_text(self, lang: str = "zh") -> str:
        return pgettext("list separator", "; ", lang).join(p.text(lang) for p in self.reasons)


@dataclass
class AwardDecisions:
    """The awards of a round, unit by unit in the order of the totals."""

    rules: AwardRules
    decisions: list[UnitDecision]
    year: int | None = None

    @property
    def winners(self) -> list[UnitDecision]:
        return [d for d in self.decisions if d.tier is not None]

    @property
    def criticised(self) -> list[UnitDecision]:
        return [d for d in self.decisions if d.criticised]

    def decision(self, unit_code: str) -> UnitDecision:
        for d in self.decisions:
            if d.unit_code == unit_code:
                return d
        raise KeyError(unit_code)

    def counts(self) -> dict[str, int]:
        """Units per tier, in tier order."""
        return {
            t.name: sum(1 for d in self.decisions if d.tier == t.name) for t in self.rules.tiers
        }


@dataclass(frozen=True)
class Honour:
    """An honour and certificate for an outstanding unit or individual (article 21)."""

    recipient: str
    name: str
    kind: str = "unit"
    title: str = ""


# --- rules ----------------------------------------------------------------------------------


def award_rules(scheme: Scheme) -> AwardRules:
    """The comprehensive award of ``[awards]``, or the special award of ``[special_awards]``,
    with the ``[[veto]]`` conditions; a single pass/fail tier when the scheme has neither.

    Raises
    ------
    SchemeError
        ``assessment.section`` / ``assessment.condition`` naming what is wrong.
    """
    problems: list[Problem] = []
    fields = [f.key for f in scheme.fields if f.is_numeric]
    vetoes = _conditions(scheme, scheme.sections.get("veto", []), "veto", fields, problems)
    if "awards" in scheme.sections:
        rules = _comprehensive(scheme, scheme.sections["awards"], fields, vetoes, problems)
    else:
        table = scheme.sections.get("special_awards", {})
        if not isinstance(table, Mapping):
            table = {}
            problems.append(
                _section(scheme, "special_awards", *gettext_pair(gettext_noop("should be a table")))
            )
        # the default tier, "pass", is what a scheme without awards gives
        default, default_en = gettext_pair(gettext_noop("pass"))
        name = str(table.get("name", default))
        name_en = str(table.get("name_en", "" if "name" in table else default_en))
        pass_line = _number(scheme, table, "pass_line", "special_awards", problems)
        pass_line = DEFAULT_PASS_LINE if pass_line is None else pass_line
        rules = AwardRules(
            name=name,
            name_en=name_en,
            pass_line=pass_line,
            method="bands",
            tiers=(Tier(name, min=pass_line, name_en=name_en),),
            vetoes=vetoes,
            special="special_awards" in scheme.sections,
        )
    if problems:
        raise SchemeError(problems)
    return rules


def _comprehensive(
    scheme: Scheme,
    table: object,
    fields: list[str],
    vetoes: tuple[ConditionRule, ...],
    problems: list[Problem],
) -> AwardRules:
    if not isinstance(table, Mapping):
        problems.append(
            _section(scheme, "awards", *gettext_pair(gettext_noop("should be a table")))
        )
        return AwardRules(name="")
    known = {"name", "name_en", "pass_line", "method", "tiers", "requires"}
    for key in table:
        if key not in known:
            problems.append(
                _section(
                    scheme, "awards", *gettext_pair(gettext_noop("unknown item “{key}”"), key=key)
                )
            )
    method = table.get("method", "bands")
    if method not in AWARD_METHODS:
        problems.append(
            _section(
                scheme,
                "awards",
                *gettext_pair(
                    gettext_noop("method “{method}” should be bands, quota or both"), method=method
                ),
            )
        )
    pass_line = _number(scheme, table, "pass_line", "awards", problems)
    pass_line = DEFAULT_PASS_LINE if pass_line is None else pass_line
    tiers = _tiers(scheme, table.get("tiers", []), method, problems)
    requires = _conditions(scheme, table.get("requires", []), "awards.requires", fields, problems)
    default_award, default_award_en = gettext_pair(gettext_noop("comprehensive award"))
    return AwardRules(
        name=str(table.get("name", default_award)),
        name_en=str(table.get("name_en", "" if "name" in table else default_award_en)),
        pass_line=pass_line,
        method=method,
        tiers=tiers,
        requires=requires,
        vetoes=vetoes,
    )


def _tiers(scheme: Scheme, items: object, method: str, problems: list[Problem]) -> tuple[Tier, ...]:
    tiers = []
    where = "awards.tiers"
    if not isinstance(items, list) or not items:
        problems.append(
            _section(scheme, where, *gettext_pair(gettext_noop("at least one tier is needed")))
        )
        return ()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or not str(item.get("name", "")).strip():
            problems.append(
                _section(scheme, where, *gettext_pair(gettext_noop("tier {n} has no name"), n=n))
            )
            continue
        lo = _number(scheme, item, "min", where, problems)
        share = _number(scheme, item, "share", where, problems)
        coefficient = _number(scheme, item, "coefficient", where, problems)
        coefficient = 1.0 if coefficient is None else coefficient
        if share is not None and not 0 < share <= 100:
            problems.append(
                _section(
                    scheme,
                    where,
                    *gettext_pair(
                        gettext_noop("tier {n}: share {share} should be within 0 to 100"),
                        n=n,
                        share=share,
                    ),
                )
            )
        if coefficient < 0:
            problems.append(
                _section(
                    scheme,
                    where,
                    *gettext_pair(
                        gettext_noop("tier {n}: the coefficient cannot be negative"), n=n
                    ),
                )
            )
        if method == "bands" and lo is None:
            problems.append(
                _section(
                    scheme,
                    where,
                    *gettext_pair(gettext_noop("method bands: tier {n} needs min"), n=n),
                )
            )
        tiers.append(
            Tier(
                name=str(item["name"]),
                name_en=str(item.get("name_en", "")),
                min=lo,
                share=share,
                coefficient=coefficient,
            )
        )
    mins = [t.min for t in tiers if t.min is not None]
    if mins != sorted(mins, reverse=True):
        problems.append(
            _section(
                scheme,
                where,
                *gettext_pair(gettext_noop("tiers go best first: their min must decrease")),
            )
        )
    shares = sum(t.share for t in tiers if t.share is not None)
    if shares > 100 + 1e-9:
        problems.append(
            _section(
                scheme,
                where,
                *gettext_pair(gettext_noop("the shares sum to {shares}, above 100"), shares=shares),
            )
        )
    return tuple(tiers)


def _conditions(
    scheme: Scheme, items: object, where: str, fields: list[str], problems: list[Problem]
) -> tuple[ConditionRule, ...]:
    rules = []
    for item in items if isinstance(items, list) else [items]:
        if not isinstance(item, Mapping) or "condition" not in item:
            problems.append(
                _section(
                    scheme,
                    where,
                    *gettext_pair(gettext_noop("each entry needs a condition and a label")),
                )
            )
            continue
        text = str(item["condition"])
        try:
            condition = parse_condition(text, allowed_names=fields)
        except FormulaError as exc:
            reason = Problem(exc.code, params=exc.params)
            problems.append(
                Problem(
                    "assessment.condition",
                    file=scheme.path,
                    column=where,
                    params={"condition": text, "reason": (reason.text("zh"), reason.text("en"))},
                )
            )
            continue
        rules.append(
            ConditionRule(
                condition=condition,
                label=str(item.get("label", text)),
                label_en=str(item.get("label_en", "")),
            )
        )
    return tuple(rules)


# --- decisions ------------------------------------------------------------------------------


def decide_awards(
    result: EvaluationResult,
    rules: AwardRules | None = None,
    tie_scores: np.ndarray | None = None,
) -> AwardDecisions:
    """Tiers, criticism and reasons for every unit of ``result``.

    Parameters
    ----------
    result : EvaluationResult
        The evaluation (with its bonus and deduction points).
    rules : AwardRules, optional
        Default: :func:`award_rules` of the result's scheme.
    tie_scores : ndarray, optional
        Scores that order units with equal totals (the committee's tie rule); without them
        equal totals share a rank.
    """
    rules = rules or award_rules(result.scheme)
    data = result.data
    columns = prepare_columns(result.scheme, data) if (rules.vetoes or rules.requires) else {}
    vetoed = _holding(rules.vetoes, columns, len(data))
    unmet = _failing(rules.requires, columns, len(data))
    totals = np.asarray(result.totals, dtype=float)
    passed = ~np.isnan(totals) & (totals >= rules.pass_line - 1e-9)
    eligible = passed & np.array([not v and not u for v, u in zip(vetoed, unmet, strict=True)])
    eligible_totals = np.where(eligible, totals, np.nan)
    decimals = result.scheme.scoring.tie_decimals
    ranks = committee_ranks(eligible_totals, tie_scores, decimals)
    overall = committee_ranks(totals, tie_scores, decimals)
    n_eligible = int(eligible.sum())
    quotas = _quotas(rules, n_eligible)
    tier_of = _tiers_of(rules, totals, ranks, eligible, quotas)
    unranked = len(data) + 1
    order = np.lexsort((np.arange(len(data)), np.where(overall > 0, overall, unranked)))
    # Whole columns in rank order, then one UnitDecision a unit (positional, in the order of
    # its fields); reasons are built only for the units that have one.
    total_list = [None if math.isnan(t) else t for t in totals[order].tolist()]
    passed_list = passed[order].tolist()
    has_veto = np.array([bool(v) for v in vetoed], dtype=bool)
    criticised = (has_veto | (~np.isnan(totals) & ~passed))[order].tolist()
    with_reasons = np.isnan(totals) | ~passed | has_veto
    with_reasons |= np.array([bool(m) for m in unmet], dtype=bool)
    reasons: list[list[Problem]] = [[] for _ in range(len(data))]
    order_list = order.tolist()
    for at in np.flatnonzero(with_reasons[order]).tolist():
        u = order_list[at]
        reasons[at] = _reasons(rules, total_list[at], passed_list[at], vetoed[u], unmet[u])
    names = [t.name for t in rules.tiers] + [None]  # index -1: no tier
    coefficients = [t.coefficient for t in rules.tiers] + [0.0]
    units = data.units
    decisions = list(
        map(
            UnitDecision,
            [units[u].code for u in order_list],
            [units[u].name for u in order_list],
            total_list,
            [r or None for r in ranks[order].tolist()],
            passed_list,
            [names[t] for t in tier_of[order].tolist()],
            [coefficients[t] for t in tier_of[order].tolist()],
            criticised,
            reasons,
            [r or None for r in overall[order].tolist()],
        )
    )
    years = {u.year for u in data.units if u.year is not None}
    return AwardDecisions(
        rules=rules, decisions=decisions, year=years.pop() if len(years) == 1 else None
    )


def _reasons(
    rules: AwardRules,
    total: float | None,
    passed: bool,
    vetoes: Sequence[ConditionRule],
    unmet: Sequence[ConditionRule],
) -> list[Problem]:
    """Why a unit is criticised or not awarded: no total, under the pass line, a veto, an
    award condition not met."""
    reasons: list[Problem] = []
    if total is None:
        reasons.append(Problem("awards.no_total"))
    elif not passed:
        reasons.append(
            Problem(
                "awards.criticism_fail",
                params={"total": _fmt(total), "pass_line": _fmt(rules.pass_line)},
            )
        )
    for rule in vetoes:
        reasons.append(
            Problem(
                "awards.criticism_veto", params={"label": (rule.label, rule.label_en or rule.label)}
            )
        )
    for rule in unmet:
        reasons.append(
            Problem(
                "awards.requirement", params={"label": (rule.label, rule.label_en or rule.label)}
            )
        )
    return reasons


def static_eligibility(rules: AwardRules, scheme: Scheme, data: BaseData) -> np.ndarray:
    """Per unit, whether it can be awarded whatever its total: no veto holds and every
    requirement is met (the robustness analysis varies only the totals)."""
    columns = prepare_columns(scheme, data) if (rules.vetoes or rules.requires) else {}
    vetoed = _holding(rules.vetoes, columns, len(data))
    unmet = _failing(rules.requires, columns, len(data))
    return np.array([not v and not u for v, u in zip(vetoed, unmet, strict=True)], dtype=bool)


def _quotas(rules: AwardRules, n_eligible: int) -> list[int | None]:
    """Each tier's cumulative quota (None: no quota), counted in eligible units."""
    quotas: list[int | None] = []
    cumulative = 0.0
    for tier in rules.tiers:
        if tier.share is None or rules.method == "bands":
            quotas.append(None)
            continue
        cumulative += tier.share
        quotas.append(math.floor(cumulative / 100.0 * n_eligible + 1e-9))
    return quotas


def _tiers_of(
    rules: AwardRules,
    totals: np.ndarray,
    ranks: np.ndarray,
    eligible: np.ndarray,
    quotas: Sequence[int | None],
) -> np.ndarray:
    """Each unit's tier as an index into ``rules.tiers`` (-1: none), for the whole column:
    the first tier whose band (bands method) and cumulative quota the unit is in."""
    tier = np.full(len(totals), -1, dtype=np.int64)
    open_ = eligible & ~np.isnan(totals)
    for index, (each, quota) in enumerate(zip(rules.tiers, quotas, strict=True)):
        here = open_.copy()
        if rules.method != "quota" and each.min is not None:
            with np.errstate(invalid="ignore"):
                here &= totals >= each.min - 1e-9
        if quota is not None:
            here &= ranks <= quota
        tier[here] = index
        open_ &= ~here
    return tier


def _holding(
    rules: Sequence[ConditionRule], columns: Mapping[str, np.ndarray], n: int
) -> list[list[ConditionRule]]:
    """Per unit, the veto rules whose condition holds (a missing value never vetoes)."""
    hits: list[list[ConditionRule]] = [[] for _ in range(n)]
    for rule in rules:
        holds, checkable = _outcome(rule, columns, n)
        for u in np.flatnonzero(holds & checkable):
            hits[u].append(rule)
    return hits


def _failing(
    rules: Sequence[ConditionRule], columns: Mapping[str, np.ndarray], n: int
) -> list[list[ConditionRule]]:
    """Per unit, the requirements not met (a missing value does not meet one)."""
    misses: list[list[ConditionRule]] = [[] for _ in range(n)]
    for rule in rules:
        holds, checkable = _outcome(rule, columns, n)
        for u in np.flatnonzero(~(holds & checkable)):
            misses[u].append(rule)
    return misses


def _outcome(
    rule: ConditionRule, columns: Mapping[str, np.ndarray], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Where the condition holds, and where both its sides have a value (the formula
    module counts a condition with a missing side as holding; here that must not veto)."""
    outcome = rule.condition.evaluate(columns)
    holds = np.broadcast_to(np.asarray(outcome.holds, dtype=bool), (n,))
    left = np.broadcast_to(np.asarray(outcome.left, dtype=float), (n,))
    right = np.broadcast_to(np.asarray(outcome.right, dtype=float), (n,))
    return holds, ~np.isnan(left) & ~np.isnan(right)


def decisions_to_rows(decisions: AwardDecisions, lang: str = "zh") -> list[dict[str, Any]]:
    """Plain rows (code, name, total, rank, tier, coefficient, criticised, reason)."""
    tiers = {t.name: t for t in decisions.rules.tiers}
    return [
        {
            "code": d.unit_code,
            "name": d.unit_name,
            "total": d.total,
            "rank": d.rank,
            "tier": tiers[d.tier].name_for(lang) if d.tier else None,
            "coefficient": d.coefficient,
            "criticised": d.criticised,
            "reason": d.reason_text(lang) or None,
        }
        for d in decisions.decisions
    ]


def _number(
    scheme: Scheme, table: Mapping[str, Any], key: str, where: str, problems: list[Problem]
) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(
            _section(
                scheme, where, *gettext_pair(gettext_noop("{key} should be a number"), key=key)
            )
        )
        return None
    return float(value)


def _section(scheme: Scheme, where: str, zh: str, en: str) -> Problem:
    section = where.split(".")[0]
    return Problem(
        "assessment.section",
        file=scheme.path,
        column=where,
        params={"section": section, "reason": (zh, en)},
    )


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")
