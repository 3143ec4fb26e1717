"""The builder: the derivation of one unit's total, read from an evaluation result."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from kaoping.scoring.display import indicator_kind, indicator_reverse
from kaoping.scoring.evaluation import OK, EvaluationResult, effective_weights
from kaoping.scoring.explanation.model import Explanation
from kaoping.scoring.explanation.notation import substitute
from kaoping.scoring.explanation.steps import Cell, GroupStep, IndicatorStep
from kaoping.scoring.i18n import gettext
from kaoping.scoring.missing import nan_to_none, none_to_nan
from kaoping.scoring.schemes import GroupSpec, IndicatorSpec, Scheme


def explain(result: EvaluationResult, unit_code: str) -> Explanation:
    """The derivation of ``unit_code``'s total in ``result``.

    Raises
    ------
    DataError
        When the unit is not in the result (message ``eval.unknown_unit``).
    """
    u = result.index(unit_code)
    scheme = result.scheme
    unit = result.data.units[u]
    rules = scheme.scoring
    steps: dict[str, IndicatorStep] = {}
    for j, ind in enumerate(scheme.indicators):
        steps[ind.code] = _indicator_step(result, u, j, ind)

    groups: dict[str, GroupStep] = {}

    def node_score(node: GroupSpec | IndicatorSpec) -> float:
        if isinstance(node, IndicatorSpec):
            return none_to_nan(steps[node.code].used_score)
        return none_to_nan(groups[node.code].score)

    # Effective weights and contributions, bottom-up then top-down.
    for group in reversed(list(_groups_in_walk_order(scheme))):
        kids = scheme.children(group.code)
        groups[group.code] = GroupStep(
            code=group.code,
            name=group.name,
            name_en=group.name_en,
            parent=group.parent,
            weight=group.weight,
            effective_weight=0.0,
            score=nan_to_none(result.group_scores[group.code][u]),
            contribution=0.0,
            children=[k.code for k in kids],
        )
    for parent in [None, *[g.code for g in _groups_in_walk_order(scheme)]]:
        kids = scheme.children(parent)
        present = [not math.isnan(node_score(k)) for k in kids]
        shares = effective_weights([k.weight for k in kids], present)
        for kid, share in zip(kids, shares, strict=True):
            target = steps[kid.code] if isinstance(kid, IndicatorSpec) else groups[kid.code]
            target.effective_weight = share
            target.contribution = share * node_score(kid) if share else 0.0

    top_sum = sum(groups[g.code].contribution for g in scheme.top_groups)
    base_total = nan_to_none(result.base_totals[u])
    previous = None
    if result.previous is not None:
        prev_total = nan_to_none(result.previous.totals[u])
        prev_rank = int(result.previous.ranks[u]) or None
        previous = {
            "year": result.previous.year,
            "total": prev_total,
            "rank": prev_rank,
            "change": None
            if prev_total is None or base_total is None
            else float(result.totals[u]) - prev_total,
            "rank_change": None
            if prev_rank is None or not result.ranks[u]
            else prev_rank - int(result.ranks[u]),
        }
    return Explanation(
        unit_code=unit.code,
        unit_name=unit.name,
        year=unit.year,
        source=result.data.source,
        row=result.data.row_of(u),
        scheme={
            "code": scheme.code,
            "name": scheme.name,
            "name_en": scheme.name_en,
            "version": scheme.version,
            "sha256": scheme.sha256,
        },
        scoring={
            "normalisation": rules.normalisation,
            "sd": rules.sd,
            "base": rules.base,
            "scale": rules.scale,
            "floor": rules.floor,
            "cap": rules.cap,
            "not_applicable": rules.not_applicable,
        },
        indicators=[steps[i.code] for i in scheme.indicators],
        groups=[groups[g.code] for g in _groups_in_walk_order(scheme)],
        base_total=base_total,
        adjustments=[asdict(a) for a in result.adjustments_of(unit.code)],
        bonus=float(result.bonus[u]),
        total=nan_to_none(result.totals[u]),
        rank=int(result.ranks[u]) or None,
        ranked_units=int((result.ranks > 0).sum()),
        grade=result.grades[u],
        grade_en=_grade_en(scheme, result.grades[u]),
        previous=previous,
        check={
            "sum_of_contributions": top_sum,
            "base_total": base_total,
            "difference": None if base_total is None else abs(top_sum - base_total),
        },
    )


def _grade_en(scheme: Scheme, grade: str | None) -> str | None:
    band = next((b for b in scheme.grades if b.name == grade), None)
    return band.name_for("en") if band else None


def _groups_in_walk_order(scheme: Scheme) -> list[GroupSpec]:
    return [node for _, node in scheme.walk() if isinstance(node, GroupSpec)]


def _indicator_step(result: EvaluationResult, u: int, j: int, ind: IndicatorSpec) -> IndicatorStep:
    scheme = result.scheme
    cells = []
    for key in ind.formula.names:
        spec = scheme.field(key)
        raw = result.data.columns.get(key)
        value = None if raw is None else nan_to_none(raw[u])
        if value is None and spec.default is not None:
            value = spec.default
        cells.append(Cell(key=key, label=spec.label, unit=spec.unit, value=value))
    ok = result.reasons[u, j] == OK
    problem = result.reason_problem(u, j)
    stats = dict(result.stats[ind.code])
    s = ind.standards
    return IndicatorStep(
        code=ind.code,
        name=ind.name,
        name_en=ind.name_en,
        group=ind.group,
        weight=ind.weight,
        effective_weight=0.0,
        formula=ind.formula.text,
        substituted=substitute(ind.formula.text, {c.key: c.value for c in cells}),
        cells=cells,
        value=nan_to_none(result.values[u, j]),
        status="ok" if ok else "not_applicable",
        reason=problem.code if problem else None,
        normalisation=ind.normalisation,
        direction=ind.direction,
        stats=stats,
        z=nan_to_none(result.z[u, j]),
        raw_score=nan_to_none(result.raw_scores[u, j]),
        standards={
            "minimum": s.minimum,
            "minimum_points": s.minimum_points,
            "excellent": s.excellent,
            "excellent_points": s.excellent_points,
            "basis": s.basis,
        },
        points=float(result.standard_points[u, j]),
        score=nan_to_none(result.scores[u, j]),
        used_score=nan_to_none(result.used_scores[u, j]),
        contribution=0.0,
        policy=ind.missing or scheme.scoring.not_applicable,
        display=indicator_kind(ind),
        negated=bool(getattr(ind, "negated", False)),
        reverse=indicator_reverse(ind),
        **_normalisation_terms(result, u, j, ind, stats),
    )


def _normalisation_terms(
    result: EvaluationResult, u: int, j: int, ind: IndicatorSpec, stats: dict[str, Any]
) -> dict[str, Any]:
    """The numbers the normalisation's formula needs shown: the target (and its source),
    the efficacy floor, and the score before the scheme's floor and cap (a clamp is shown
    as a clamp: "80 + 10 × 2.4431 = 104.43, capped at 100")."""
    value = nan_to_none(result.values[u, j])
    rules = result.scheme.scoring
    terms: dict[str, Any] = {}
    if value is None:
        return terms
    name = ind.normalisation
    if name == "zscore":
        z = nan_to_none(result.z[u, j])
        if z is not None:
            sign = -1.0 if ind.direction == "lower" else 1.0
            terms["unclamped"] = rules.base + sign * rules.scale * z
    elif name == "target":
        goal = ind.params["target"]  # the loader requires it of a target indicator
        if isinstance(goal, str):
            spec = result.scheme.field(goal)
            column = result.data.columns.get(goal)
            terms["target"] = None if column is None else nan_to_none(column[u])
            terms["target_source"] = gettext("{code} ({label})", "zh").format(
                code=goal, label=spec.label
            )
            terms["target_source_en"] = gettext("{code} ({label})", "en").format(
                code=goal, label=spec.label_en or goal
            )
        else:
            terms["target"] = float(goal)
            terms["target_source"] = gettext("the scheme", "zh")
            terms["target_source_en"] = gettext("the scheme", "en")
        cap_ratio = float(ind.params.get("cap_ratio", 1.0))
        t = terms["target"]
        if t is not None and t > 0:
            if ind.direction == "lower":
                ratio = t / value if value > 0 else cap_ratio
            else:
                ratio = value / t
            terms["unclamped"] = 100.0 * min(ratio, cap_ratio)
    elif name == "efficacy":
        low, goal = (
            nan_to_none(stats.get("floor", math.nan)),
            nan_to_none(stats.get("target", math.nan)),
        )
        if low is not None and goal is not None:
            terms.update(low=low, target=goal)
            terms["target_source"] = gettext("satisfactory value", "zh")
            terms["target_source_en"] = gettext("satisfactory value", "en")
            span = goal - low
            terms["unclamped"] = 100.0 if abs(span) <= 1e-12 else 60.0 + 40.0 * (value - low) / span
    elif name == "direct":
        terms["unclamped"] = value * 100.0 / float(ind.params.get("max", 100.0))
    return terms
