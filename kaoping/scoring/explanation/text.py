"""The text of an explanation: the derivation as indented lines, in Chinese or English."""

from __future__ import annotations

from typing import Any, Protocol

from kaoping.scoring.display import fmt_cell
from kaoping.scoring.explanation.notation import exact, fmt, operand, pct, signed, substitute
from kaoping.scoring.explanation.steps import GroupStep, IndicatorStep
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext
from kaoping.scoring.schemes.model import UNITS_EN


class Derivation(Protocol):
    """What the text reads of an :class:`~kaoping.scoring.explanation.Explanation` (the
    model imports this module for its ``render``, so the text names the fields it needs)."""

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
    grade_en: str | None
    previous: dict[str, Any] | None


def shown_as(s: IndicatorStep, lang: str) -> str:
    """The value as documents and pages write it, after the computed one: '（即 75.52%）'."""
    if s.value is None or s.display not in ("ratio", "percent", "amount", "people"):
        return ""
    text = fmt_cell(-s.value if s.negated else s.value, s.display).replace("-", "−")
    if s.negated or s.reverse:
        text += pgettext("value shown", " (lower is better)", lang)
    return gettext(" (i.e. {value})", lang).format(value=text)


# --- text rendering ----------------------------------------------------------------------

# Each line of the derivation by its key: English message ids, Chinese in the catalogue.
T = {
    "title": gettext_noop("{code} {name} ({year})"),
    "scheme": gettext_noop("Scheme: {name} ({code}, version {version}, fingerprint {sha})"),
    "source": gettext_noop("Base data: {source}, row {row}"),
    "total": gettext_noop("Total {total}, rank {rank} of {n}, grade {grade}"),
    "total_formula": gettext_noop("Total = Σ effective weight × group score = {terms} = {sum}"),
    "group": gettext_noop(
        "{code} {name}: weight {weight}, effective {eff}, score {score}, contributes {contrib}"
    ),
    "group_formula": gettext_noop("{code} score = Σ effective weight × score = {terms} = {score}"),
    "indicator": gettext_noop("{code} {name} (weight {weight}, effective {eff})"),
    "formula": gettext_noop("Formula: {formula}"),
    "cells": gettext_noop("Raw cells: {cells}"),
    "value": gettext_noop("Value = {substituted} = {value}"),
    "na": gettext_noop("Not applicable: {reason}; {policy}"),
    "zstats": gettext_noop("mean {mean}, sd {sd} ({sdkind}, {n} units applicable)"),
    "z": gettext_noop("z = ({value} − {mean}) / {sd} = {z}"),
    "z0": gettext_noop("all values equal (sd 0): z = 0"),
    "zscore": gettext_noop("score = {base} {sign} {scale} × {z} = {raw}"),
    "target": gettext_noop(
        "score = 100 × min({ratio}, {cap_ratio}) = {raw}; target {target} from {source}"
    ),
    "efficacy": gettext_noop(
        "score = 60 + 40 × ({value} − floor value {low}) / (satisfactory {target} − {low}) = {raw}"
    ),
    "direct": gettext_noop("score = {value} / max {max} × 100 = {raw}"),
    "within": gettext_noop(" (within {floor}–{cap})"),
    "capped": gettext_noop(", capped at {cap}"),
    "floored": gettext_noop(", raised to the floor {floor}"),
    "other": gettext_noop("score ({method}) = {raw}; {stats}"),
    "standards_none": gettext_noop("minimum/excellent standards: none"),
    "standards": gettext_noop(
        "standards: minimum {minimum} (−{mp} below), excellent {excellent} (+{ep} above); here {pts}"
    ),
    "final": gettext_noop("indicator score {score}, contributes {eff} × {score} = {contrib}"),
    "adjust": gettext_noop("bonus/deduction: {points:+}, {reason} ({reference})"),
    "final_total": gettext_noop("total = {base} + bonus {bonus} = {total}"),
    "previous": gettext_noop(
        "previous ({year}): total {total}, rank {rank}; change {change}, rank change {rank_change}"
    ),
}
# What a not-applicable indicator counts as (the scheme's policy).
POLICY = {
    "renormalise": gettext_noop("left out, siblings' weights renormalised"),
    "zero": gettext_noop("counted as 0 points"),
    "mean": gettext_noop("counted as the mean score of applicable units"),
}
# Why an indicator has no value (the evaluation's reason codes); the web pages read it too.
REASONS = {
    "eval.missing_value": gettext_noop("base data missing"),
    "eval.zero_denominator": gettext_noop("zero denominator"),
    "eval.not_finite": gettext_noop("result not finite"),
    "eval.target_missing": gettext_noop("target missing or not above 0"),
}
SD_KINDS = {
    "population": gettext_noop("population sd"),
    "sample": gettext_noop("sample sd"),
}


def _t(key: str, lang: str, **values: Any) -> str:
    return gettext(T[key], lang).format(**values)


def render_explanation(ex: Derivation, lang: str = "zh") -> str:
    """The derivation as indented text lines."""
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
            node: IndicatorStep | GroupStep = by_code.get(child) or groups[child]
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
        cells = pgettext("list separator", "; ", lang).join(
            # The Chinese line also names the field's label, which the English leaves out.
            # xgettext:no-python-brace-format
            gettext("{key} = {value}{unit}", lang).format(
                key=c.key, label=c.label, value=exact(c.value), unit=_cell_unit(c.unit, lang)
            )
            for c in s.cells
        )
        lines.append(sub + _t("cells", lang, cells=cells))
        if s.status != "ok":
            known = REASONS.get(s.reason or "")
            reason = gettext(known, lang) if known else str(s.reason)
            policy = gettext(POLICY[s.policy], lang)
            if s.value is not None:
                lines.append(
                    sub
                    + _t("value", lang, substituted=_substituted(s, lang), value=signed(s.value))
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
            + _t("value", lang, substituted=_substituted(s, lang), value=signed(s.value))
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
                    sdkind=gettext(SD_KINDS[ex.scoring["sd"]], lang),
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


def _cell_unit(unit: str, lang: str) -> str:
    """A raw cell's unit after its value: as the scheme writes it in Chinese, named in
    parentheses in English (the Chinese line names the field's label instead)."""
    if not unit:
        return ""
    if lang == "en":
        return f" ({UNITS_EN.get(unit, unit)})"
    return unit


__all__ = ["POLICY", "REASONS", "Derivation", "render_explanation", "shown_as"]


def _substituted(s: IndicatorStep, lang: str) -> str:
    """The formula with its cells in, written for ``lang`` (an empty cell is named in it)."""
    return substitute(s.formula, {c.key: c.value for c in s.cells}, lang)
