"""Rank uncertainty in the round report, in plain Chinese: how sure is each unit's place?

From a :class:`~kaoping.scoring.robustness.RobustnessResult` (the Monte Carlo over the
uncertain choices of the method): a table of the published rank, the median rank and the
90% interval, with the probability of each award tier where the scheme awards by rank; a
rank-interval ("caterpillar") chart; and one sentence on which choice moves ranks most.

Tier (grade) probabilities are shown only where they mean something: award quotas by rank,
or grade bands when every simulated method keeps the notice's 80 + 10 × z scale. Under
min–max rescaling, totals move to another scale and a grade band says nothing (the unit
ranked first would show a chance of 差).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from kaoping.reports.model import Chart, Paragraph, Section, Table
from kaoping.reports.text import label, pick
from kaoping.scoring.robustness import RobustnessOptions, RobustnessResult, TierQuota
from kaoping.scoring.schemes import Scheme

FACTOR_WORDS = {
    "weights": ("指标权重", "the weights"),
    "normalisation": ("标准化方法", "the normalisation"),
    "sd": ("标准差口径", "the standard deviation"),
    "not_applicable": ("不适用指标的处理", "the handling of non-applicable indicators"),
}


def report_options(scheme: Scheme, replicates: int = 1000, seed: int = 0) -> RobustnessOptions:
    """The options the reports use: the defaults, with the scheme's award quotas as tiers
    when it awards a share of the units (一等奖 20% …)."""
    awards = (scheme.sections or {}).get("awards") or {}
    quotas = tuple(
        TierQuota(name=str(t["name"]), percent=float(t["share"]))
        for t in awards.get("tiers", [])
        if t.get("share")
    )
    return RobustnessOptions(
        replicates=replicates,
        tiers=quotas or None,
        seed=seed,
        sensitivity_replicates=min(replicates, 500),
    )


def tiers_meaningful(robustness: RobustnessResult) -> bool:
    """Whether tier probabilities say something: rank quotas, or grade bands on a scale
    every simulated method shares (z-scores only)."""
    if robustness.tiers.kind == "rank_quotas":
        return True
    return set(robustness.options.normalisations) <= {"zscore"} and bool(robustness.tiers.names)


def add_uncertainty(
    section: Section,
    robustness: RobustnessResult,
    lang: str,
    charts: bool,
    excluded: Collection[str] = (),
) -> None:
    """The subsection '排名的不确定性' of the round report's analysis part.

    ``excluded`` are the codes of units that cannot be awarded (the criticism list): their
    award probabilities are written "—", since a rank alone would not give them an award."""
    sub = section.add_subsection(
        "achievement.robustness", pick(lang, "（五）排名的不确定性", "Uncertainty of the ranks")
    )
    o = robustness.options
    varied = (
        "、".join(FACTOR_WORDS[f][0] for f in o.varying())
        if lang != "en"
        else ", ".join(FACTOR_WORDS[f][1] for f in o.varying())
    )
    sub.add(
        Paragraph(
            pick(
                lang,
                "评价方法中有些选择并无唯一正确的答案（{varied}）。为检验排名对这些选择的敏感程度，"
                "在合理范围内随机改变这些选择（权重上下浮动 {spread:.0%}），重新计算全部单位的名次 {n} 次。"
                "下表列出每个单位在这些计算中名次的中位数和 90% 区间（即 90% 的计算结果落在此范围内）；"
                "区间越窄，名次越可靠。",
                "Some choices of the method have no single right answer ({varied}). To test how much "
                "the ranking depends on them, they were varied within reasonable bounds (weights "
                "±{spread:.0%}) and all ranks recomputed {n} times. The table gives each unit's median "
                "rank and its 90% interval; the narrower the interval, the surer the rank.",
                varied=varied,
                spread=o.weight_spread,
                n=o.replicates,
            )
        )
    )
    top = robustness.ranked_sensitivity()
    if top and top[0].total:
        best = top[0]
        sub.add(
            Paragraph(
                pick(
                    lang,
                    "对名次影响最大的是{what}：它解释了名次变动的 {share:.0%}，单独改变这一选择时，"
                    "各单位的名次平均变动 {shift:.1f} 位。",
                    "The choice that moves ranks most is {what}: it accounts for {share:.0%} of the "
                    "variation, and changing it alone moves a unit {shift:.1f} places on average.",
                    what=FACTOR_WORDS[best.factor][1 if lang == "en" else 0],
                    share=min(best.total, 1.0),
                    shift=best.mean_rank_shift,
                )
            )
        )
    show_tiers = tiers_meaningful(robustness)
    names = list(robustness.tiers.names_for(lang)) if show_tiers else []
    columns = [
        label("rank", lang),
        label("unit_code", lang),
        label("name", lang),
        pick(lang, "中位名次", "Median rank"),
        pick(lang, "90% 区间", "90% interval"),
    ]
    columns += [pick(lang, "{t}概率", "P({t})", t=t) for t in names]
    rows = []
    for u in robustness.order():
        unit = robustness.units[u]
        nominal = int(robustness.nominal_ranks[u])
        row = [
            str(nominal) if nominal else "—",
            unit.code,
            unit.name,
            _rank(robustness.median_rank[u]),
            f"{_rank(robustness.p05_rank[u])}～{_rank(robustness.p95_rank[u])}",
        ]
        if unit.code in excluded:
            row += ["—"] * len(names)
        else:
            row += [f"{p * 100:.1f}%" for p in robustness.tier_probabilities[u][: len(names)]]
        rows.append(row)
    note = ""
    if names and robustness.tiers.kind == "rank_quotas":
        quotas = "、".join(f"{q.name}{q.percent:g}%" for q in o.tiers or ())
        note = pick(
            lang,
            "注：获奖档次概率按名次比例（{q}）计算，为各次计算中获得该档次的比例，只反映"
            "名次的稳定性，未计入一票否决和获奖条件（如完成年度目标）；实际获奖以奖励名单为准。"
            "被通报批评的单位不列概率（—）。",
            "Note: tier probabilities use the rank quotas ({q}): they show how stable the "
            "ranks are, not the vetoes and conditions of an award (see the award list); "
            "criticised units show —.",
            q=quotas,
        )
    elif not names:
        note = pick(
            lang,
            "注：模拟中包括改变标准化方法，各次计算的得分不在同一尺度上，按分数线划分的等级"
            "概率没有意义，故不列出。",
            "Note: the simulations change the normalisation, so totals are not on one "
            "scale and grade probabilities would mislead; they are not shown.",
        )
    sub.add(
        Table(
            columns=columns,
            rows=rows,
            numeric=(0, *range(3, len(columns))),
            key="rank_uncertainty",
            note=note,
            caption=pick(lang, "名次的中位数和 90% 区间", "Median ranks and 90% intervals"),
        )
    )
    if charts:
        from kaoping.reports.charts import rank_interval_chart

        image = rank_interval_chart(robustness, lang=lang, formats=("png",))
        sub.add(Chart(caption=image.title, png=image.png, width_cm=15, key="rank_intervals"))


def _rank(x: Any) -> str:
    value = float(x)
    if math.isnan(value):
        return "—"
    return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
