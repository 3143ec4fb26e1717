"""Explanation: the whole derivation of one unit's total, so anyone can re-check it.

raw cells -> formula -> value -> mean, sd -> z -> score -> standards -> effective weight ->
group score -> weighted total -> bonus / deduction -> total, rank, grade.

:func:`explain` returns a structure (used by the command line, the web application and the
reports); :meth:`Explanation.render` prints it in Chinese or English. The structure also
re-adds the contributions, so a test (and a sceptical user) can see they give the total.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from kaoping.scoring.display import fmt_cell, indicator_kind, indicator_reverse
from kaoping.scoring.evaluation import OK, EvaluationResult, effective_weights
from kaoping.scoring.schemes import GroupSpec, IndicatorSpec
from kaoping.scoring.schemes.model import UNITS_EN

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FUNCTIONS = {"sum", "min", "max", "abs"}


@dataclass
class Cell:
    """A base-data cell an indicator's formula reads."""

    key: str
    label: str
    unit: str
    value: float | None


@dataclass
class IndicatorStep:
    code: str
    name: str
    group: str
    weight: float
    effective_weight: float
    formula: str
    substituted: str
    cells: list[Cell]
    value: float | None
    status: str
    reason: str | None
    normalisation: str
    direction: str
    stats: dict[str, Any]
    z: float | None
    raw_score: float | None
    standards: dict[str, Any]
    points: float
    score: float | None
    used_score: float | None
    contribution: float
    policy: str = "renormalise"  # what a not-applicable value counts as (NA_POLICIES)
    name_en: str = ""
    # How people write the value (kaoping.scoring.display): its display kind, and whether
    # the formula is the notice's "rate × −1" (the value shown is then the rate itself).
    display: str = "number"
    negated: bool = False
    reverse: bool = False
    # The normalisation's own formula: the target (target, efficacy) and where it comes from,
    # the floor value (efficacy), and the score before the scheme's floor and cap.
    target: float | None = None
    target_source: str = ""
    target_source_en: str = ""
    low: float | None = None
    unclamped: float | None = None

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


@dataclass
class GroupStep:
    code: str
    name: str
    parent: str | None
    weight: float
    effective_weight: float
    score: float | None
    contribution: float
    children: list[str]
    name_en: str = ""

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


@dataclass
class Explanation:
    unit_code: str
    unit_name: str
    year: int | None
    source: str | None
    row: int | None
    scheme: dict[str, Any]
    scoring: dict[str, Any]
    indicators: list[IndicatorStep]
    groups: list[GroupStep]
    base_total: float | None
    adjustments: list[dict[str, Any]]
    bonus: float
    total: float | None
    rank: int | None
    ranked_units: int
    grade: str | None
    grade_en: str | None = None
    previous: dict[str, Any] | None = None
    check: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def render(self, lang: str = "zh") -> str:
        return render_explanation(self, lang)


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
            return _num(steps[node.code].used_score)
        return _num(groups[node.code].score)

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
            score=_opt(result.group_scores[group.code][u]),
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
    base_total = _opt(result.base_totals[u])
    previous = None
    if result.previous is not None:
        prev_total = _opt(result.previous.totals[u])
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
        total=_opt(result.totals[u]),
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


def _grade_en(scheme, grade: str | None) -> str | None:
    band = next((b for b in scheme.grades if b.name == grade), None)
    return band.name_for("en") if band else None


def _groups_in_walk_order(scheme):
    return [node for _, node in scheme.walk() if isinstance(node, GroupSpec)]


def _indicator_step(result: EvaluationResult, u: int, j: int, ind: IndicatorSpec):
    scheme = result.scheme
    cells = []
    for key in ind.formula.names:
        spec = scheme.field(key)
        raw = result.data.columns.get(key)
        value = None if raw is None else _opt(raw[u])
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
        value=_opt(result.values[u, j]),
        status="ok" if ok else "not_applicable",
        reason=problem.code if problem else None,
        normalisation=ind.normalisation,
        direction=ind.direction,
        stats=stats,
        z=_opt(result.z[u, j]),
        raw_score=_opt(result.raw_scores[u, j]),
        standards={
            "minimum": s.minimum,
            "minimum_points": s.minimum_points,
            "excellent": s.excellent,
            "excellent_points": s.excellent_points,
            "basis": s.basis,
        },
        points=float(result.standard_points[u, j]),
        score=_opt(result.scores[u, j]),
        used_score=_opt(result.used_scores[u, j]),
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
    value = _opt(result.values[u, j])
    rules = result.scheme.scoring
    terms: dict[str, Any] = {}
    if value is None:
        return terms
    name = ind.normalisation
    if name == "zscore":
        z = _opt(result.z[u, j])
        if z is not None:
            sign = -1.0 if ind.direction == "lower" else 1.0
            terms["unclamped"] = rules.base + sign * rules.scale * z
    elif name == "target":
        goal = ind.params.get("target")
        if isinstance(goal, str):
            spec = result.scheme.field(goal)
            column = result.data.columns.get(goal)
            terms["target"] = None if column is None else _opt(column[u])
            terms["target_source"] = f"{goal}（{spec.label}）"
            terms["target_source_en"] = f"{goal} ({spec.label_en or goal})"
        else:
            terms["target"] = float(goal)
            terms["target_source"], terms["target_source_en"] = "方案规定", "the scheme"
        cap_ratio = float(ind.params.get("cap_ratio", 1.0))
        t = terms["target"]
        if t is not None and t > 0:
            if ind.direction == "lower":
                ratio = t / value if value > 0 else cap_ratio
            else:
                ratio = value / t
            terms["unclamped"] = 100.0 * min(ratio, cap_ratio)
    elif name == "efficacy":
        low, goal = _opt(stats.get("floor", math.nan)), _opt(stats.get("target", math.nan))
        if low is not None and goal is not None:
            terms.update(low=low, target=goal)
            terms["target_source"], terms["target_source_en"] = "满意值", "satisfactory value"
            span = goal - low
            terms["unclamped"] = 100.0 if abs(span) <= 1e-12 else 60.0 + 40.0 * (value - low) / span
    elif name == "direct":
        terms["unclamped"] = value * 100.0 / float(ind.params.get("max", 100.0))
    return terms


def substitute(formula: str, values: dict[str, float | None]) -> str:
    """The formula with each field name replaced by its value, for re-checking by hand.

    Negative numbers get a real minus sign and parentheses, and subtraction a real minus
    sign, so that signs and operators cannot be confused.

    Examples
    --------
    >>> substitute("a / (a + b)", {"a": 1200.0, "b": 800.0})
    '1200 / (1200 + 800)'
    >>> substitute("(a - b) / b * -1", {"a": -5.0, "b": 20.0})
    '((−5) − 20) / 20 * (−1)'
    """

    def repl(match: re.Match[str]) -> str:
        name = match.group(0)
        if name in FUNCTIONS or name not in values:
            return name
        value = values[name]  # a raw cell: exactly as stored, never in exponent form
        return "空" if value is None else operand(value, exact=True)

    text = NAME.sub(repl, formula)
    text = UNARY_NUMBER.sub(
        lambda m: f"{m.group(1)}(−{m.group(2)})" if m.group(1) else f"−{m.group(2)}", text
    )
    return re.sub(r"(?<=\S) - (?=\S)", " − ", text)


# A minus sign written before a number right after an operator, "(" or "," (or at the start).
UNARY_NUMBER = re.compile(r"(^|[-+*/(,]\s*)-\s*(\d+(?:\.\d+)?)")


def operand(x: float | None, first: bool = False, *, exact: bool = False) -> str:
    """A number inside a formula: a real minus sign, in parentheses when negative unless it
    opens the expression.

    Examples
    --------
    >>> operand(-1.58, first=True), operand(-1.59312), operand(2.5)
    ('−1.58', '(−1.59312)', '2.5')
    """
    text = _exact_plain(x) if exact else fmt(x)
    if not text.startswith("-"):
        return text
    text = "−" + text[1:]
    return text if first else f"({text})"


def signed(x: float | None) -> str:
    """A number standing alone (after "="), with a real minus sign."""
    text = fmt(x)
    return "−" + text[1:] if text.startswith("-") else text


def _exact_plain(x: float | None) -> str:
    """A raw cell inside a formula: exact, no separators (commas would read as arguments)."""
    return exact(x).replace(",", "").replace("−", "-")


def exact(x: float | None) -> str:
    """A base-data cell exactly as stored (the shortest form that reads back to the same
    number), with thousands separators and never in exponent form: 4,213,560.5.

    Examples
    --------
    >>> exact(4213560.5), exact(12277.8), exact(2.0), exact(-0.0345), exact(None)
    ('4,213,560.5', '12,277.8', '2', '−0.0345', '—')
    """
    if x is None or not math.isfinite(float(x)):
        return "—"
    value = float(x)
    text = f"{int(value):,d}" if value.is_integer() and abs(value) < 1e15 else f"{value:,}"
    if "e" in text:  # beyond what a cell holds: the full decimal expansion instead
        text = f"{value:,.15f}".rstrip("0").rstrip(".")
    return "−" + text[1:] if text.startswith("-") else text


def shown_as(s: IndicatorStep, lang: str) -> str:
    """The value as documents and pages write it, after the computed one: '（即 75.52%）'."""
    if s.value is None or s.display not in ("ratio", "percent", "amount", "people"):
        return ""
    text = fmt_cell(-s.value if s.negated else s.value, s.display).replace("-", "−")
    if s.negated or s.reverse:
        text += " (lower is better)" if lang == "en" else "，逆向指标"
    return f" (i.e. {text})" if lang == "en" else f"（即 {text}）"


def fmt(x: float | None, digits: int = 6) -> str:
    """A number as people write it: no trailing zeros, up to ``digits`` significant places."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.{digits}g}"
    return text


def pct(x: float) -> str:
    return fmt(round(x * 100, 6)) + "%"


def _opt(x: Any) -> float | None:
    value = float(x)
    return None if math.isnan(value) else value


def _num(x: float | None) -> float:
    return math.nan if x is None else x


# --- text rendering ----------------------------------------------------------------------

T = {
    "title": ("{code} {name}（{year}年度）", "{code} {name} ({year})"),
    "scheme": (
        "评价方案：{name}（{code}，版本 {version}，指纹 {sha}）",
        "Scheme: {name} ({code}, version {version}, fingerprint {sha})",
    ),
    "source": ("基础数据：{source} 第 {row} 行", "Base data: {source}, row {row}"),
    "total": (
        "总分 {total}，排名 第 {rank} 名 / 共 {n} 个单位，等级 {grade}",
        "Total {total}, rank {rank} of {n}, grade {grade}",
    ),
    "total_formula": (
        "总分 = Σ 一级指标有效权重 × 一级指标得分 = {terms} = {sum}",
        "Total = Σ effective weight × group score = {terms} = {sum}",
    ),
    "group": (
        "{code} {name}：权重 {weight}，有效权重 {eff}，得分 {score}，贡献 {contrib}",
        "{code} {name}: weight {weight}, effective {eff}, score {score}, contributes {contrib}",
    ),
    "group_formula": (
        "{code} 得分 = Σ 有效权重 × 得分 = {terms} = {score}",
        "{code} score = Σ effective weight × score = {terms} = {score}",
    ),
    "indicator": (
        "{code} {name}（权重 {weight}，有效权重 {eff}）",
        "{code} {name} (weight {weight}, effective {eff})",
    ),
    "formula": ("公式：{formula}", "Formula: {formula}"),
    "cells": ("原始数据：{cells}", "Raw cells: {cells}"),
    "value": ("指标值 = {substituted} = {value}", "Value = {substituted} = {value}"),
    "na": ("不适用：{reason}；{policy}", "Not applicable: {reason}; {policy}"),
    "zstats": (
        "均值 {mean}，标准差 {sd}（{sdkind}，{n} 个单位可计算）",
        "mean {mean}, sd {sd} ({sdkind}, {n} units applicable)",
    ),
    "z": ("标准得分 z = ({value} − {mean}) / {sd} = {z}", "z = ({value} − {mean}) / {sd} = {z}"),
    "z0": ("各单位取值相同（标准差为 0），z = 0", "all values equal (sd 0): z = 0"),
    "zscore": (
        "得分 = {base} {sign} {scale} × {z} = {raw}",
        "score = {base} {sign} {scale} × {z} = {raw}",
    ),
    "target": (
        "得分 = 100 × min({ratio}, {cap_ratio}) = {raw}；目标值 {target} 取自 {source}",
        "score = 100 × min({ratio}, {cap_ratio}) = {raw}; target {target} from {source}",
    ),
    "efficacy": (
        "得分 = 60 + 40 × ({value} − 不允许值 {low}) / (满意值 {target} − {low}) = {raw}",
        "score = 60 + 40 × ({value} − floor value {low}) / (satisfactory {target} − {low}) = {raw}",
    ),
    "direct": (
        "得分 = {value} / 满分 {max} × 100 = {raw}",
        "score = {value} / max {max} × 100 = {raw}",
    ),
    "within": ("（限定 {floor}～{cap}）", " (within {floor}–{cap})"),
    "capped": ("，超过上限，按 {cap} 计", ", capped at {cap}"),
    "floored": ("，低于下限，按 {floor} 计", ", raised to the floor {floor}"),
    "other": ("得分（{method}）= {raw}；{stats}", "score ({method}) = {raw}; {stats}"),
    "standards_none": ("最低/优异标准：未设", "minimum/excellent standards: none"),
    "standards": (
        "标准：最低 {minimum}（低于扣 {mp} 分），优异 {excellent}（高于加 {ep} 分）；本单位 {pts} 分",
        "standards: minimum {minimum} (−{mp} below), excellent {excellent} (+{ep} above); here {pts}",
    ),
    "final": (
        "指标得分 {score}，贡献 = {eff} × {score} = {contrib}",
        "indicator score {score}, contributes {eff} × {score} = {contrib}",
    ),
    "adjust": (
        "加减分：{points:+} 分，{reason}（{reference}）",
        "bonus/deduction: {points:+}, {reason} ({reference})",
    ),
    "final_total": (
        "总分 = {base} + 加减分 {bonus} = {total}",
        "total = {base} + bonus {bonus} = {total}",
    ),
    "previous": (
        "上年（{year}）总分 {total}，排名 {rank}；变化 {change}，名次变化 {rank_change}",
        "previous ({year}): total {total}, rank {rank}; change {change}, rank change {rank_change}",
    ),
}

POLICY = {
    "renormalise": ("不计入，同组其余指标权重重新归一", "left out, siblings' weights renormalised"),
    "zero": ("按 0 分计", "counted as 0 points"),
    "mean": ("按可计算单位的平均得分计", "counted as the mean score of applicable units"),
}
REASONS = {
    "eval.missing_value": ("基础数据缺失", "base data missing"),
    "eval.zero_denominator": ("分母为零", "zero denominator"),
    "eval.not_finite": ("结果不是有限数值", "result not finite"),
    "eval.target_missing": ("目标值缺失或不大于 0", "target missing or not above 0"),
}


def _t(key: str, lang: str, **values: Any) -> str:
    zh, en = T[key]
    return (en if lang == "en" else zh).format(**values)


def render_explanation(ex: Explanation, lang: str = "zh") -> str:
    """The derivation as indented text lines."""
    pick = 1 if lang == "en" else 0
    lines = [_t("title", lang, code=ex.unit_code, name=ex.unit_name, year=ex.year or "—")]
    lines.append(
        _t(
            "scheme",
            lang,
            name=ex.scheme["name_en"]
            if lang == "en" and ex.scheme.get("name_en")
            else ex.scheme["name"],
            code=ex.scheme["code"],
            version=ex.scheme["version"],
            sha=ex.scheme["sha256"][:12],
        )
    )
    if ex.source and ex.row:
        lines.append(_t("source", lang, source=ex.source, row=ex.row))
    lines.append(
        _t(
            "total",
            lang,
            total=fmt(ex.total),
            rank=ex.rank or "—",
            n=ex.ranked_units,
            grade=(ex.grade_en if lang == "en" and ex.grade_en else ex.grade) or "—",
        )
    )
    tops = [g for g in ex.groups if g.parent is None]
    terms = " + ".join(f"{pct(g.effective_weight)} × {fmt(g.score)}" for g in tops)
    lines.append(_t("total_formula", lang, terms=terms, sum=fmt(ex.base_total)))
    by_code = {s.code: s for s in ex.indicators}
    groups = {g.code: g for g in ex.groups}
    sd_kind = {"population": ("总体标准差", "population sd"), "sample": ("样本标准差", "sample sd")}

    def render_group(g: GroupStep, depth: int) -> None:
        pad = "  " * depth
        lines.append(
            pad
            + _t(
                "group",
                lang,
                code=g.code,
                name=g.name_for(lang),
                weight=pct(g.weight),
                eff=pct(g.effective_weight),
                score=fmt(g.score),
                contrib=fmt(g.contribution),
            )
        )
        parts = []
        for child in g.children:
            node = by_code.get(child) or groups[child]
            value = node.used_score if isinstance(node, IndicatorStep) else node.score
            if node.effective_weight:
                parts.append(f"{pct(node.effective_weight)} × {fmt(value)}")
        lines.append(
            pad
            + "  "
            + _t(
                "group_formula",
                lang,
                code=g.code,
                terms=" + ".join(parts) or "—",
                score=fmt(g.score),
            )
        )
        for child in g.children:
            if child in groups:
                render_group(groups[child], depth + 1)
            else:
                render_indicator(by_code[child], depth + 1)

    def clamped(s: IndicatorStep) -> str:
        """The score before the scheme's floor and cap, and the clamp when one applied."""
        floor, cap = ex.scoring["floor"], ex.scoring["cap"]
        before = s.unclamped if s.unclamped is not None else s.raw_score
        text = fmt(before)
        if before is not None and before > cap + 1e-9:
            return text + _t("capped", lang, cap=fmt(cap))
        if before is not None and before < floor - 1e-9:
            return text + _t("floored", lang, floor=fmt(floor))
        return text + _t("within", lang, floor=fmt(floor), cap=fmt(cap))

    def render_indicator(s: IndicatorStep, depth: int) -> None:
        pad = "  " * depth
        sub = pad + "  "
        lines.append(
            pad
            + _t(
                "indicator",
                lang,
                code=s.code,
                name=s.name_for(lang),
                weight=pct(s.weight),
                eff=pct(s.effective_weight),
            )
        )
        lines.append(sub + _t("formula", lang, formula=s.formula))
        if lang == "en":
            cells = "; ".join(
                f"{c.key} = {exact(c.value)}"
                + (f" ({UNITS_EN.get(c.unit, c.unit)})" if c.unit else "")
                for c in s.cells
            )
        else:
            cells = "；".join(f"{c.key}（{c.label}）= {exact(c.value)}{c.unit}" for c in s.cells)
        lines.append(sub + _t("cells", lang, cells=cells))
        if s.status != "ok":
            reason = REASONS.get(s.reason or "", (s.reason, s.reason))[pick]
            policy = POLICY[s.policy][pick]
            if s.value is not None:
                lines.append(
                    sub + _t("value", lang, substituted=s.substituted, value=signed(s.value))
                )
            lines.append(sub + _t("na", lang, reason=reason, policy=policy))
            if s.used_score is not None:
                lines.append(
                    sub
                    + _t(
                        "final",
                        lang,
                        score=fmt(s.used_score),
                        eff=pct(s.effective_weight),
                        contrib=fmt(s.contribution),
                    )
                )
            return
        lines.append(
            sub
            + _t("value", lang, substituted=s.substituted, value=signed(s.value))
            + shown_as(s, lang)
        )
        if s.normalisation == "zscore":
            st = s.stats
            lines.append(
                sub
                + _t(
                    "zstats",
                    lang,
                    mean=signed(st["mean"]),
                    sd=fmt(st["sd"]),
                    sdkind=sd_kind[ex.scoring["sd"]][pick],
                    n=st["n"],
                )
            )
            if not st["sd"] > 0:  # the zscore normalisation reports sd 0 when it used z = 0
                lines.append(sub + _t("z0", lang))
            else:
                lines.append(
                    sub
                    + _t(
                        "z",
                        lang,
                        value=operand(s.value, first=True),
                        mean=operand(st["mean"]),
                        sd=fmt(st["sd"]),
                        z=signed(s.z),
                    )
                )
            lines.append(
                sub
                + _t(
                    "zscore",
                    lang,
                    base=fmt(ex.scoring["base"]),
                    sign="−" if s.direction == "lower" else "+",
                    scale=fmt(ex.scoring["scale"]),
                    z=operand(s.z),
                    raw=clamped(s),
                )
            )
        elif s.normalisation == "target" and s.unclamped is not None:
            if s.direction == "lower":
                ratio = f"{operand(s.target)} / {operand(s.value)}"
            else:
                ratio = f"{operand(s.value)} / {operand(s.target)}"
            lines.append(
                sub
                + _t(
                    "target",
                    lang,
                    ratio=ratio,
                    cap_ratio=fmt(s.stats.get("cap_ratio", 1.0)),
                    raw=clamped(s),
                    target=fmt(s.target),
                    source=s.target_source_en if lang == "en" else s.target_source,
                )
            )
        elif s.normalisation == "efficacy" and s.unclamped is not None:
            lines.append(
                sub
                + _t(
                    "efficacy",
                    lang,
                    value=operand(s.value),
                    low=operand(s.low),
                    target=operand(s.target),
                    raw=clamped(s),
                )
            )
        elif s.normalisation == "direct" and s.unclamped is not None:
            lines.append(
                sub
                + _t(
                    "direct",
                    lang,
                    value=operand(s.value),
                    max=fmt(s.stats.get("max", 100.0)),
                    raw=clamped(s),
                )
            )
        else:
            shown = {
                k: v
                for k, v in s.stats.items()
                if k in ("min", "max", "floor", "target", "cap_ratio")
            }
            stats = ", ".join(
                f"{k} {fmt(v) if isinstance(v, float) else v}" for k, v in shown.items()
            )
            lines.append(
                sub
                + _t(
                    "other", lang, method=s.normalisation, raw=fmt(s.raw_score), stats=stats or "—"
                )
            )
        st = s.standards
        if st["minimum"] is None and st["excellent"] is None:
            lines.append(sub + _t("standards_none", lang))
        else:
            lines.append(
                sub
                + _t(
                    "standards",
                    lang,
                    minimum=fmt(st["minimum"]),
                    mp=fmt(st["minimum_points"]),
                    excellent=fmt(st["excellent"]),
                    ep=fmt(st["excellent_points"]),
                    pts=f"{s.points:+g}",
                )
            )
        lines.append(
            sub
            + _t(
                "final",
                lang,
                score=fmt(s.used_score),
                eff=pct(s.effective_weight),
                contrib=fmt(s.contribution),
            )
        )

    for g in tops:
        render_group(g, 1)
    for adj in ex.adjustments:
        lines.append(
            "  "
            + _t(
                "adjust",
                lang,
                points=adj["points"],
                reason=adj["reason"],
                reference=adj["reference"] or "—",
            )
        )
    if ex.adjustments:
        lines.append(
            _t(
                "final_total",
                lang,
                base=fmt(ex.base_total),
                bonus=fmt(ex.bonus),
                total=fmt(ex.total),
            )
        )
    if ex.previous:
        p = ex.previous
        lines.append(
            _t(
                "previous",
                lang,
                year=p["year"] or "—",
                total=fmt(p["total"]),
                rank=p["rank"] or "—",
                change=fmt(p["change"]),
                rank_change=p["rank_change"] if p["rank_change"] is not None else "—",
            )
        )
    return "\n".join(lines)


__all__ = ["Explanation", "explain", "fmt", "operand", "render_explanation", "signed", "substitute"]
