"""Drafts of the narrative parts, written from the numbers, for the agency to revise.

When the agency has not written a part (targets' basis, measures, problems, suggestions),
the report shows a draft generated here, marked "（系统生成初稿，请评价机构审核修改）".
Scheme-specific wording lives in package data ``templates/<scheme code>.json`` with plain
``{field_key}`` placeholders (base-data values) plus ``{unit_name}`` and ``{year}``.

Examples
--------
>>> fill_template("{unit_name}支出{fund_expenditure}万元", {"unit_name": "东城区",
...               "fund_expenditure": "14,839.70"})
'东城区支出14,839.70万元'
>>> fill_template("{missing}", {}) is None
True
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from kaoping.reports.analysis import IndicatorFact, UnitFacts
from kaoping.reports.text import (
    bracketed,
    fmt_change,
    fmt_score,
    full_stop,
    list_separator,
    series_separator,
)
from kaoping.scoring.display import (
    compare_words,
    field_kind,
    fmt_number,
    fmt_people,
    fmt_year,
    indicator_kind,
    indicator_reverse,
    indicator_value,
    natural_value,
)
from kaoping.scoring.display import (
    fmt_change as fmt_value_change,
)
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.i18n import gettext, pgettext

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@lru_cache(maxsize=16)
def scheme_templates(scheme_code: str) -> dict[str, Any]:
    """The draft wording shipped for a scheme, or {} when there is none."""
    folder = resources.files("kaoping.reports") / "templates"
    file = folder / f"{scheme_code}.json"
    if not file.is_file():
        return {}
    templates = json.loads(file.read_text(encoding="utf-8"))
    return templates if isinstance(templates, dict) else {}


def fill_template(template: str, values: dict[str, str]) -> str | None:
    """Replace ``{name}`` placeholders; None when one has no value (use the generic draft)."""
    names = PLACEHOLDER.findall(template)
    if any(name not in values for name in names):
        return None
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def template_values(result: EvaluationResult, facts: UnitFacts) -> dict[str, str]:
    values: dict[str, str] = {}
    """Placeholder values: the unit's base data as plain numbers (the template writes the
    unit after them: "{local_raised}万元"), years without separators, people as integers."""
    kinds = {f.key: field_kind(f) for f in result.scheme.fields}
    for key, column in result.data.columns.items():
        number = float(column[facts.position])
        if not math.isnan(number):
            kind = kinds.get(key, "number")
            values[key] = {"year": fmt_year, "people": fmt_people}.get(kind, fmt_number)(number)
    values.update(
        {
            "unit_name": facts.name,
            "unit_code": facts.code,
            "year": "" if facts.year is None else fmt_year(facts.year),
        }
    )
    return values


def _scheme_text(result: EvaluationResult, facts: UnitFacts, key: str, lang: str) -> str | None:
    if lang == "en":
        return None  # the shipped wording is Chinese; English gets the generic drafts
    template = scheme_templates(result.scheme.code).get(key)
    if not isinstance(template, str):
        return None
    return fill_template(template, template_values(result, facts))


# --- unit report drafts ------------------------------------------------------------------


def draft_basic(result: EvaluationResult, facts: UnitFacts, lang: str) -> list[str]:
    text = _scheme_text(result, facts, "basic", lang)
    if text:
        return [text]
    return [
        gettext(
            "The base data of {name} for {year} are in the table below, as verified.", lang
        ).format(name=facts.name, year=facts.year or "")
    ]


def draft_targets(result: EvaluationResult, facts: UnitFacts, lang: str) -> list[str]:
    text = _scheme_text(result, facts, "targets", lang)
    if text:
        return [text]
    scheme = result.scheme
    groups = list_separator(lang).join(
        g.name_for(lang) + bracketed(f"{g.weight * 100:.4g}%", lang) for g in scheme.top_groups
    )
    return [
        gettext(
            "The targets of {name} follow {scheme} and the year's responsibility "
            "letter, measured by {n} indicator groups ({groups}) and {k} "
            "indicators (table below).",
            lang,
        ).format(
            name=facts.name,
            scheme=scheme.name_for(lang),
            n=len(scheme.top_groups),
            groups=groups,
            k=len(scheme.indicators),
        )
    ]


def draft_measures(result: EvaluationResult, facts: UnitFacts, lang: str) -> list[str]:
    text = _scheme_text(result, facts, "measures", lang)
    if text:
        return [text]
    return [
        gettext(
            "Describe the measures {name} took to raise, allocate, pay out, use "
            "and supervise the fund, from the documents and the on-site check.",
            lang,
        ).format(name=facts.name)
    ]


def indicator_sentence(fact: IndicatorFact, lang: str, average_label: str) -> str:
    """'C2 城镇登记失业率为 2.03%，高于参评单位平均 0.44 个百分点（逆向指标，越低越好），
    得分 67.63，排名第 14/16': the value as people speak of it, the gap in the value's own
    terms (个百分点 for rates)."""
    ind = fact.spec
    where = ""
    if fact.applicable and not math.isnan(fact.mean_value):
        words = compare_words(
            natural_value(ind, fact.value),
            natural_value(ind, fact.mean_value),
            indicator_kind(ind),
            ind.unit,
            reverse=indicator_reverse(ind),
            average=average_label,
            lang=lang,
        )
        where = pgettext("clause separator", ", ", lang) + words if words else ""
    return gettext(
        "{code} {name} is {value}{where}; score {score}, rank {rank} of {of}", lang
    ).format(
        code=fact.code,
        name=fact.name,
        value=indicator_value(ind, fact.value),
        where=where,
        score=fmt_score(fact.score),
        rank=fact.rank,
        of=fact.ranked,
    )


def movement_sentences(facts: UnitFacts, lang: str, limit: int = 3) -> list[str]:
    """The indicators that moved most since last year, in raw terms: '失业率由 1.95% 变为
    2.03%，增加 0.08 个百分点（得分 −3.10）'. Ordered by the effect on the total."""
    moved = [
        f
        for f in facts.indicators
        if f.applicable and not math.isnan(f.previous_value) and not math.isnan(f.previous_score)
    ]
    moved.sort(key=lambda f: -abs(f.score - f.previous_score) * f.absolute_weight)
    lines = []
    for f in moved[:limit]:
        ind = f.spec
        change = natural_value(ind, f.value) - natural_value(ind, f.previous_value)
        lines.append(
            gettext("{code} {name} went from {then} to {now}, {change} (score {d})", lang).format(
                code=f.code,
                name=f.name,
                then=indicator_value(ind, f.previous_value),
                now=indicator_value(ind, f.value),
                change=fmt_value_change(change, indicator_kind(ind), ind.unit, lang),
                d=fmt_change(f.score - f.previous_score),
            )
        )
    return lines


def draft_problems(facts: UnitFacts, lang: str, average_label: str) -> list[str]:
    lines = []
    weak = facts.weaknesses
    if weak:
        lines.append(
            gettext("Compared with the {avg}, {name} is clearly behind on:", lang).format(
                avg=average_label, name=facts.name
            )
        )
        lines += [
            f"{i}. {indicator_sentence(f, lang, average_label)}{full_stop(lang)}"
            for i, f in enumerate(weak, start=1)
        ]
    else:
        lines.append(
            gettext(
                "No indicator of {name} scores more than 5 points below the {avg}.", lang
            ).format(name=facts.name, avg=average_label)
        )
    missed = [f for f in facts.indicators if f.standard == "below_minimum"]
    if missed:
        lines.append(
            gettext("Below the minimum standard: {items}.", lang).format(
                items=list_separator(lang).join(
                    gettext("{code} {name} (−{points} points)", lang).format(
                        code=f.code, name=f.name, points=f"{-f.points:g}"
                    )
                    for f in missed
                )
            )
        )
    for f in facts.not_applicable:
        lines.append(
            gettext("{code} {name}: {reason}.", lang).format(
                code=f.code, name=f.name, reason=f.reason or ""
            )
        )
    prev = facts.previous
    if (
        prev is not None
        and not math.isnan(prev.total)
        and facts.rank
        and prev.rank
        and facts.rank > prev.rank
    ):
        lines.append(
            gettext("The rank fell from {a} last year to {b}.", lang).format(
                a=prev.rank, b=facts.rank
            )
        )
    moved = movement_sentences(facts, lang)
    if moved:
        lines.append(
            gettext("Largest changes since last year: {items}.", lang).format(
                items=series_separator(lang).join(moved)
            )
        )
    if facts.criticism is not None:
        lines.append(
            gettext("{name} is on this round's criticism list: {reason}.", lang).format(
                name=facts.name, reason=facts.criticism or "—"
            )
        )
    lines.append(gettext("The agency should add the causes found during the on-site check.", lang))
    return lines


def draft_suggestions(result: EvaluationResult, facts: UnitFacts, lang: str) -> list[str]:
    advice = {} if lang == "en" else scheme_templates(result.scheme.code).get("suggestions", {})
    targets = (
        facts.weaknesses
        or sorted(
            [f for f in facts.indicators if f.applicable and f.score_gap < 0],
            key=lambda f: f.score_gap * f.absolute_weight,
        )[:3]
    )
    lines = []
    for i, fact in enumerate(targets, start=1):
        text = advice.get(fact.code) if isinstance(advice, dict) else None
        if not text:
            text = gettext("Find why {name} is low and take targeted measures.", lang).format(
                name=fact.name
            )
        ind = fact.spec
        where = compare_words(
            natural_value(ind, fact.value),
            natural_value(ind, fact.mean_value),
            indicator_kind(ind),
            ind.unit,
            average=gettext("average", lang),
            lang=lang,
        )
        now = pgettext("suggestion", "{v}, {w}", lang).format(
            v=indicator_value(ind, fact.value), w=where
        )
        lines.append(
            gettext("{n}. {code} {name} ({now}): {advice}", lang).format(
                n=i, code=fact.code, name=fact.name, now=now, advice=text
            )
        )
    lines.append(gettext("Keep base data complete and verified for the next round.", lang))
    return lines


def change_sentence(facts: UnitFacts, lang: str) -> str | None:
    """'同比：总分上升 2.10 分，名次由第 5 名升至第 1 名。'"""
    prev = facts.previous
    if prev is None or math.isnan(prev.total):
        return None
    change = facts.total - prev.total
    rank_text = ""
    if prev.rank and facts.rank:
        rank_text = gettext("; rank {a} → {b}", lang).format(a=prev.rank, b=facts.rank)
    return gettext("Against last year ({year}): total {p} → {t}, change {c}{r}.", lang).format(
        year=prev.year or "",
        p=fmt_score(prev.total),
        t=fmt_score(facts.total),
        c=fmt_change(change),
        r=rank_text,
    )
