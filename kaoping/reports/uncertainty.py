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
from kaoping.reports.text import list_separator, subsection_title
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext
from kaoping.scoring.robustness import RobustnessOptions, RobustnessResult, TierQuota
from kaoping.scoring.schemes import Scheme

FACTOR_WORDS = {
    "weights": gettext_noop("the weights"),
    "normalisation": gettext_noop("the normalisation"),
    "sd": gettext_noop("the standard deviation"),
    "not_applicable": gettext_noop("the handling of non-applicable indicators"),
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
        "achievement.robustness",
        subsection_title(5, gettext("Uncertainty of the ranks", lang), lang),
    )
    o = robustness.options
    varied = list_separator(lang).join(gettext(FACTOR_WORDS[f], lang) for f in o.varying())
    sub.add(
        Paragraph(
            gettext(
                "Some choices of the method have no single right answer ({varied}). To "
                "test how much the ranking depends on them, they were varied within "
                "reasonable bounds (weights ±{spread:.0%}) and all ranks recomputed "
                "{n} times. The table gives each unit's median rank and its 90% "
                "interval; the narrower the interval, the surer the rank.",
                lang,
            ).format(varied=varied, spread=o.weight_spread, n=o.replicates)
        )
    )
    top = robustness.ranked_sensitivity()
    if top and top[0].total:
        best = top[0]
        sub.add(
            Paragraph(
                gettext(
                    "The choice that moves ranks most is {what}: it accounts for "
                    "{share:.0%} of the variation, and changing it alone moves a unit "
                    "{shift:.1f} places on average.",
                    lang,
                ).format(
                    what=gettext(FACTOR_WORDS[best.factor], lang),
                    share=min(top[0].total, 1.0),
                    shift=best.mean_rank_shift,
                )
            )
        )
    show_tiers = tiers_meaningful(robustness)
    names = list(robustness.tiers.names_for(lang)) if show_tiers else []
    columns = [
        gettext("Rank", lang),
        gettext("Unit code", lang),
        gettext("Unit name", lang),
        gettext("Median rank", lang),
        # xgettext:no-python-format
        gettext("90% interval", lang),
    ]
    columns += [gettext("P({t})", lang).format(t=t) for t in names]
    rows = []
    for u in robustness.order():
        unit = robustness.units[u]
        nominal = int(robustness.nominal_ranks[u])
        row = [
            str(nominal) if nominal else "—",
            unit.code,
            unit.name,
            _rank(robustness.median_rank[u]),
            pgettext("range", "{low}–{high}", lang).format(
                low=_rank(robustness.p05_rank[u]), high=_rank(robustness.p95_rank[u])
            ),
        ]
        if unit.code in excluded:
            row += ["—"] * len(names)
        else:
            row += [f"{p * 100:.1f}%" for p in robustness.tier_probabilities[u][: len(names)]]
        rows.append(row)
    note = ""
    if names and robustness.tiers.kind == "rank_quotas":
        quotas = list_separator(lang).join(f"{q.name}{q.percent:g}%" for q in o.tiers or ())
        note = gettext(
            "Note: tier probabilities use the rank quotas ({q}): they show how "
            "stable the ranks are, not the vetoes and conditions of an award (see "
            "the award list); criticised units show —.",
            lang,
        ).format(q=quotas)
    elif not names:
        note = gettext(
            "Note: the simulations change the normalisation, so totals are not on "
            "one scale and grade probabilities would mislead; they are not shown.",
            lang,
        )
    sub.add(
        Table(
            columns=columns,
            rows=rows,
            numeric=(0, *range(3, len(columns))),
            key="rank_uncertainty",
            note=note,
            # xgettext:no-python-format
            caption=gettext("Median ranks and 90% intervals", lang),
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
