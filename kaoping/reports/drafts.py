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
from kaoping.reports.text import fmt_change, fmt_score, pick
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

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@lru_cache(maxsize=16)
def scheme_templates(scheme_code: str) -> dict[str, Any]:
    """The draft wording shipped for a scheme, or {} when there is none."""
    folder = resources.files("kaoping.reports") / "templates"
    file = folder / f"{scheme_code}.json"
    if not file.is_file():
        return {}
    return json.loads(file.read_text(encoding="utf-8"))


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
        pick(
            lang,
            "{name}{year}年度就业专项资金的基础数据见下表，数据经评价机构核实。",
            "The base data of {name} for {year} are in the table below, as verified.",
            name=facts.name,
            year=facts.year or "",
        )
    ]


def draft_targets(result: EvaluationResult, facts: UnitFacts, lang: str) -> list[str]:
    text = _scheme_text(result, facts, "targets", lang)
    if text:
        return [text]
    scheme = result.scheme
    groups = "、".join(f"{g.name_for(lang)}（{g.weight * 100:.4g}%）" for g in scheme.top_groups)
    return [
        pick(
            lang,
            "{name}的绩效目标依据《{scheme}》及本年度就业工作目标责任书设立，按{n}个一级指标"
            "（{groups}）、{k}个二级指标衡量，指标口径、权重和评分标准见下表。",
            "The targets of {name} follow {scheme} and the year's responsibility letter, "
            "measured by {n} indicator groups ({groups}) and {k} indicators (table below).",
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
        pick(
            lang,
            "{name}在就业专项资金筹集、分配、拨付、使用和监督方面采取的管理措施及实施情况，"
            "请评价机构根据调阅资料和实地核查情况填写。",
            "Describe the measures {name} took to raise, allocate, pay out, use and "
            "supervise the fund, from the documents and the on-site check.",
            name=facts.name,
        )
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
        where = (", " if lang == "en" else "，") + words if words else ""
    return pick(
        lang,
        "{code} {name}为 {value}{where}，得分 {score}，排名第 {rank}/{of}",
        "{code} {name} is {value}{where}; score {score}, rank {rank} of {of}",
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
            pick(
                lang,
                "{code} {name}由上年的 {then} 变为 {now}，{change}（指标得分 {d}）",
                "{code} {name} went from {then} to {now}, {change} (score {d})",
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
            pick(
                lang,
                "与{avg}相比，{name}以下指标明显偏低：",
                "Compared with the {avg}, {name} is clearly behind on:",
                avg=average_label,
                name=facts.name,
            )
        )
        lines += [
            f"{i}. {indicator_sentence(f, lang, average_label)}。"
            for i, f in enumerate(weak, start=1)
        ]
    else:
        lines.append(
            pick(
                lang,
                "{name}各项指标得分均未低于{avg}5分以上，未发现明显短板。",
                "No indicator of {name} scores more than 5 points below the {avg}.",
                name=facts.name,
                avg=average_label,
            )
        )
    missed = [f for f in facts.indicators if f.standard == "below_minimum"]
    if missed:
        lines.append(
            pick(
                lang,
                "低于最低标准的指标：{items}。",
                "Below the minimum standard: {items}.",
                items="、".join(f"{f.code} {f.name}（扣 {-f.points:g} 分）" for f in missed),
            )
        )
    for f in facts.not_applicable:
        lines.append(
            pick(
                lang,
                "{code} {name}：{reason}。",
                "{code} {name}: {reason}.",
                code=f.code,
                name=f.name,
                reason=f.reason or "",
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
            pick(
                lang,
                "综合排名由上年的第 {a} 位降至第 {b} 位。",
                "The rank fell from {a} last year to {b}.",
                a=prev.rank,
                b=facts.rank,
            )
        )
    moved = movement_sentences(facts, lang)
    if moved:
        lines.append(
            pick(
                lang,
                "与上年相比变化最大的指标：{items}。",
                "Largest changes since last year: {items}.",
                items="；".join(moved),
            )
        )
    if facts.criticism is not None:
        lines.append(
            pick(
                lang,
                "{name}被列入本年度通报批评名单，原因：{reason}。",
                "{name} is on this round's criticism list: {reason}.",
                name=facts.name,
                reason=facts.criticism or "—",
            )
        )
    lines.append(
        pick(
            lang,
            "上述问题的成因，请评价机构结合实地核查情况分析补充。",
            "The agency should add the causes found during the on-site check.",
        )
    )
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
            text = pick(
                lang,
                "针对{name}偏低的问题，分析原因，制定有针对性的改进措施。",
                "Find why {name} is low and take targeted measures.",
                name=fact.name,
            )
        ind = fact.spec
        where = compare_words(
            natural_value(ind, fact.value),
            natural_value(ind, fact.mean_value),
            indicator_kind(ind),
            ind.unit,
            lang=lang,
        )
        now = pick(lang, "本单位 {v}，{w}", "{v}, {w}", v=indicator_value(ind, fact.value), w=where)
        lines.append(
            f"{i}. {fact.code} {fact.name}（{now}）：{text}"
            if lang != "en"
            else f"{i}. {fact.code} {fact.name} ({now}): {text}"
        )
    lines.append(
        pick(
            lang,
            "加强基础数据的统计和核对，确保下一年度报送数据真实、准确、完整。",
            "Keep base data complete and verified for the next round.",
        )
    )
    return lines


def change_sentence(facts: UnitFacts, lang: str) -> str | None:
    """'同比：总分上升 2.10 分，名次由第 5 名升至第 1 名。'"""
    prev = facts.previous
    if prev is None or math.isnan(prev.total):
        return None
    change = facts.total - prev.total
    rank_text = ""
    if prev.rank and facts.rank:
        rank_text = pick(
            lang, "，名次由第 {a} 名变为第 {b} 名", "; rank {a} → {b}", a=prev.rank, b=facts.rank
        )
    return pick(
        lang,
        "与上年（{year}年）相比，总分 {p} → {t}，变化 {c} 分{r}。",
        "Against last year ({year}): total {p} → {t}, change {c}{r}.",
        year=prev.year or "",
        p=fmt_score(prev.total),
        t=fmt_score(facts.total),
        c=fmt_change(change),
        r=rank_text,
    )
