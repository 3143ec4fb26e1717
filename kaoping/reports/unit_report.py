"""The evaluation report of one unit (单位绩效评价报告), as a :class:`ReportDocument`.

Its six parts are those the notice requires (财社〔2012〕17号, 五(六)): basic information,
targets and their basis, management measures, analysis of target achievement, problems and
causes, suggestions. The numbers come from the evaluation; the narrative parts from the
agency's text, or drafts generated from the numbers and marked as drafts.

Examples
--------
>>> from kaoping.scoring import BaseData, evaluate, load_scheme
>>> scheme = load_scheme("mof-2012")
>>> rows = [dict(unit_code=str(i), unit_name=f"单位{i}", year=2024,
...              **{f.key: i + 1 for f in scheme.input_fields}) for i in (1, 2, 3)]
>>> result = evaluate(scheme, BaseData.from_records(rows))
>>> doc = build_unit_report(result, "3", charts=False, date="2025年3月1日")
>>> [s.title for s in doc.sections][:2]
['一、基本情况', '二、绩效目标及其设立依据']
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from kaoping.reports import drafts
from kaoping.reports.analysis import UnitFacts, unit_facts
from kaoping.reports.model import Chart, Cover, Paragraph, ReportDocument, Section, Table
from kaoping.reports.narratives import paragraphs
from kaoping.reports.signing import finish
from kaoping.reports.text import (
    SECTION_KEYS,
    assessment_noun,
    fmt_change,
    fmt_rank,
    fmt_rank_change,
    fmt_score,
    fmt_weight,
    fmt_z,
    label,
    normalisation_name,
    pick,
    scores_are_positions,
    section_title,
    uses_zscore,
)
from kaoping.scoring.display import (
    fmt_cell,
    fmt_growth,
    indicator_cell,
    indicator_kind,
    natural_value,
)
from kaoping.scoring.display import (
    fmt_change as fmt_value_change,
)
from kaoping.scoring.display import indicator_label as display_name
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.schemes import Scheme


def build_unit_report(
    result: EvaluationResult,
    unit_code: str,
    *,
    narratives: Mapping[str, str] | None = None,
    previous: EvaluationResult | None = None,
    history: Sequence[EvaluationResult] = (),
    lang: str = "zh",
    issuer: str = "",
    date: str | None = None,
    charts: bool = True,
    client: str = "",
    number: str = "",
    team: Sequence[tuple[str, str]] = (),
    final: bool = False,
    awards: Sequence[Mapping[str, Any]] = (),
    criticism: Sequence[Mapping[str, Any]] = (),
) -> ReportDocument:
    """Build the report of ``unit_code``.

    Parameters
    ----------
    result : EvaluationResult
        The round's evaluation.
    unit_code : str
        The unit reported on; an unknown code raises DataError (``eval.unknown_unit``).
    narratives : mapping, optional
        The agency's text by section key (``basic``, ``targets``, ``measures``,
        ``achievement``, ``problems``, ``suggestions``); missing parts get drafts.
    previous : EvaluationResult, optional
        The same period last year, for year-on-year changes (同比) of every indicator.
    history : sequence of EvaluationResult
        Earlier rounds in time order, for the trend chart; the latest of the same year is
        the previous period (环比). Annual rounds have no separate 环比.
    issuer : str
        The agency or office issuing the report, shown on the cover.
    date : str, optional
        The date shown on the cover (default: today).
    charts : bool
        Draw the charts (False makes drafts for editing faster).
    client, number, team, final
        委托单位, report number, the evaluation team ((name, role) pairs) and the final mode
        (see :func:`kaoping.reports.signing.sign`).
    awards, criticism : sequences of mappings
        The round's award and criticism lists (``unit_code``, ``tier``, ``reason``): the
        report states the unit's own award or criticism and why.
    """
    facts = unit_facts(result, unit_code, previous=previous, history=history, lang=lang)
    for item in awards:
        if _get(item, "unit_code") == facts.code:
            facts.award, facts.award_reason = _get(item, "tier"), _get(item, "reason")
    for item in criticism:
        if _get(item, "unit_code") == facts.code:
            facts.criticism = _get(item, "reason")
    texts = dict(narratives or {})
    average = _average_label(result.scheme, lang)
    year = facts.year or result.scheme.year
    year_text = label("year_prefix", lang, year=year) if year else ""
    title = report_title(result.scheme, year_text, lang, round_report=False)
    doc = ReportDocument(
        title=title,
        lang=lang,
        kind="unit",
        unit_code=facts.code,
        toc_title=label("toc", lang),
        footer=f"{facts.name} {title}",
    )
    doc.cover = Cover(
        title=title,
        subtitle=facts.name,
        fields=[
            (label("unit", lang), f"{facts.name}（{facts.code}）"),
            (label("scheme", lang), f"{result.scheme.name_for(lang)}"),
            (label("scheme_version", lang), result.scheme.version),
        ],
        issuer=issuer,
        date=date or _today(lang),
    )
    sections = {
        key: doc.add_section(key, section_title(key, i, lang))
        for i, key in enumerate(SECTION_KEYS, start=1)
    }

    _basic(sections["basic"], result, facts, texts.get("basic"), lang)
    _targets(sections["targets"], result, facts, texts.get("targets"), lang)
    _narrative_or_draft(
        sections["measures"],
        texts.get("measures"),
        drafts.draft_measures(result, facts, lang),
        lang,
    )
    _achievement(
        sections["achievement"],
        result,
        facts,
        texts.get("achievement"),
        lang,
        average,
        charts,
        previous,
        history,
    )
    _narrative_or_draft(
        sections["problems"],
        texts.get("problems"),
        drafts.draft_problems(facts, lang, average),
        lang,
    )
    _narrative_or_draft(
        sections["suggestions"],
        texts.get("suggestions"),
        drafts.draft_suggestions(result, facts, lang),
        lang,
    )
    finish(doc, issuer, client, number, team, final)
    return doc


# --- the parts ------------------------------------------------------------------------------


def _basic(section: Section, result, facts: UnitFacts, text, lang: str) -> None:
    _narrative_or_draft(section, text, drafts.draft_basic(result, facts, lang), lang)
    ranked = facts.ranked
    section.add(
        Paragraph(
            pick(
                lang,
                "本次{noun}依据《{scheme}》，共有 {n} 个单位参加。{name}综合得分 {total} 分，"
                "在 {n} 个单位中排名第 {rank} 位，等级为“{grade}”；平均得分 {mean} 分。",
                "Under {scheme}, {n} units were evaluated. {name} scored {total}, ranking {rank} of "
                "{n}, grade “{grade}”; the average total is {mean}.",
                scheme=result.scheme.name_for(lang),
                n=ranked,
                name=facts.name,
                noun=assessment_noun(result.scheme, lang),
                total=fmt_score(facts.total),
                rank=facts.rank or "—",
                grade=facts.grade or "—",
                mean=fmt_score(facts.mean_total),
            )
        )
    )
    with_previous = any(not math.isnan(f.previous) for f in facts.fields)
    columns = [label("field", lang), label("this_period", lang)]
    if with_previous:
        columns += [
            label("previous_year", lang),
            label("yoy", lang),
            pick(lang, "增长率", "Growth"),
        ]
    columns.append(label("measure", lang))
    rows = []
    for f in facts.fields:
        row = [f.label, fmt_cell(f.value, f.kind)]
        if with_previous:
            change = f.value - f.previous
            row += [
                fmt_cell(f.previous, f.kind),
                fmt_value_change(change, f.kind, "" if f.kind == "percent" else f.unit, lang)
                if f.kind in ("ratio", "percent")
                else _signed_cell(change, f.kind),
                fmt_growth(f.value, f.previous) if f.kind in ("amount", "people") else "—",
            ]
        row.append(f.unit)
        rows.append(row)
    section.add(
        Table(
            columns=columns,
            rows=rows,
            numeric=tuple(range(1, len(columns) - 1)),
            widths=(5.2, 1.9, 1.9, 1.9, 1.4, 1.1) if with_previous else (6, 2, 1.2),
            key="base_data",
            caption=pick(lang, "{name}基础数据", "Base data of {name}", name=facts.name),
        )
    )


def _signed_cell(change: float, kind: str) -> str:
    """A signed change in a table cell: '+1,234.00', '+12' (people)."""
    text = fmt_cell(abs(change), kind)
    if text == "—" or math.isnan(change):
        return "—"
    return ("+" if change > 0 else "-" if change < 0 else "") + text


def _targets(section: Section, result, facts: UnitFacts, text, lang: str) -> None:
    _narrative_or_draft(section, text, drafts.draft_targets(result, facts, lang), lang)
    section.add(
        indicator_table(
            result.scheme,
            lang,
            caption=pick(
                lang,
                "表2 绩效评价指标、权重及评分标准",
                "Table 2. Indicators, weights and standards",
            ),
        )
    )


def indicator_table(scheme: Scheme, lang: str, caption: str) -> Table:
    """The scheme's indicators: group, weight within the group, share of the total,
    formula and standards (shared by the unit and round reports)."""
    rows = []
    for ind in scheme.indicators:
        group = scheme.group(ind.group)
        rows.append(
            [
                ind.code,
                display_name(ind, lang),
                f"{group.code} {group.name_for(lang)}",
                fmt_weight(ind.weight),
                fmt_weight(scheme.absolute_weight(ind.code)),
                standards_text(ind, lang),
            ]
        )
    return Table(
        columns=[
            label("code", lang),
            label("indicator", lang),
            label("group", lang),
            label("weight", lang),
            label("share", lang),
            label("standards", lang),
        ],
        rows=rows,
        numeric=(3, 4),
        widths=(0.9, 5, 3, 1.2, 1.4, 2.2),
        caption=caption,
        key="indicators",
    )


def standards_text(ind, lang: str) -> str:
    s = ind.standards
    if not s.any:
        return label("none", lang)
    parts = []
    if s.minimum is not None:
        parts.append(
            pick(
                lang,
                "低于 {v:g} 扣 {p:g} 分",
                "below {v:g}: −{p:g}",
                v=s.minimum,
                p=s.minimum_points,
            )
        )
    if s.excellent is not None:
        parts.append(
            pick(
                lang,
                "高于 {v:g} 加 {p:g} 分",
                "above {v:g}: +{p:g}",
                v=s.excellent,
                p=s.excellent_points,
            )
        )
    return "；".join(parts) if lang != "en" else "; ".join(parts)


def _achievement(
    section, result, facts: UnitFacts, text, lang, average, charts, previous, history
) -> None:
    if text:
        for p in paragraphs(text):
            section.add(Paragraph(p))
    summary = pick(
        lang,
        "{name}综合得分 {total} 分，排名第 {rank}/{n} 位，等级“{grade}”，{cmp}{avg}（{mean} 分）{gap} 分。",
        "{name} scored {total}, rank {rank} of {n}, grade “{grade}”, {gap} points {cmp} the "
        "{avg} ({mean}).",
        name=facts.name,
        total=fmt_score(facts.total),
        rank=facts.rank or "—",
        n=facts.ranked,
        grade=facts.grade or "—",
        avg=average,
        mean=fmt_score(facts.mean_total),
        cmp=_above_below(facts.total - facts.mean_total, lang),
        gap=fmt_score(abs(facts.total - facts.mean_total)),
    )
    section.add(Paragraph(summary))
    change = drafts.change_sentence(facts, lang)
    if change:
        section.add(Paragraph(change))
    if facts.award:
        section.add(
            Paragraph(
                pick(
                    lang,
                    "{name}在本次{noun}中获得{tier}{why}。",
                    "{name} won the {tier} in this round{why}.",
                    name=facts.name,
                    noun=assessment_noun(result.scheme, lang),
                    tier=facts.award,
                    why=f"（{facts.award_reason}）" if facts.award_reason else "",
                )
            )
        )
    if facts.criticism is not None:
        section.add(
            Paragraph(
                pick(
                    lang,
                    "{name}被列入本次{noun}的通报批评名单{why}。",
                    "{name} is on this round's criticism list{why}.",
                    name=facts.name,
                    noun=assessment_noun(result.scheme, lang),
                    why=f"，原因：{facts.criticism}" if facts.criticism else "",
                )
            )
        )
    if facts.adjustments:
        items = "；".join(f"{fmt_change(p)}（{reason}）" for p, reason in facts.adjustments)
        section.add(
            Paragraph(
                pick(
                    lang,
                    "加减分：{items}，基础得分 {base} 分。",
                    "Bonus / deduction: {items}; base total {base}.",
                    items=items,
                    base=fmt_score(facts.base_total),
                )
            )
        )

    groups = section.add_subsection(
        "achievement.groups", pick(lang, "（一）一级指标得分", "Indicator group scores")
    )
    groups.add(
        Table(
            columns=[
                label("code", lang),
                label("group", lang),
                label("weight", lang),
                label("score", lang),
                label("mean_score", lang),
                label("gap", lang),
                label("rank", lang),
            ],
            rows=[
                [
                    g.code,
                    g.name,
                    fmt_weight(g.weight),
                    fmt_score(g.score),
                    fmt_score(g.mean_score),
                    fmt_change(g.score - g.mean_score),
                    fmt_rank(g.rank, g.ranked),
                ]
                for g in facts.groups
            ],
            numeric=(2, 3, 4, 5, 6),
            widths=(0.8, 4, 1.2, 1.2, 1.4, 1.4, 1.2),
            key="groups",
            caption=pick(lang, "表3 一级指标得分", "Table 3. Group scores"),
        )
    )
    if charts:
        from kaoping.reports.charts import radar_chart

        image = radar_chart(result, facts.code, lang=lang, formats=("png",))
        groups.add(
            Chart(
                caption=pick(lang, "图1 ", "Figure 1. ") + image.title,
                png=image.png,
                width_cm=12,
                key="radar",
            )
        )

    indicators = section.add_subsection(
        "achievement.indicators", pick(lang, "（二）二级指标得分", "Indicator scores")
    )
    has_standards = any(ind.standards.any for ind in result.scheme.indicators)
    with_z = uses_zscore(result.scheme)  # 标准得分 only where the scheme scores by z-score
    columns = [
        label("code", lang),
        label("indicator", lang),
        label("indicator_value", lang),
        label("mean_value", lang),
        *([label("z", lang)] if with_z else []),
        label("score", lang),
        label("rank", lang),
    ]
    rows = []
    for f in facts.indicators:
        row = [
            f.code,
            display_name(f.spec, lang),
            indicator_cell(f.spec, f.value) if f.applicable else label("not_applicable", lang),
            indicator_cell(f.spec, f.mean_value),
            *([fmt_z(f.z) if f.spec.normalisation == "zscore" else "—"] if with_z else []),
            fmt_score(f.score),
            fmt_rank(f.rank, f.ranked),
        ]
        if has_standards:
            row.append(fmt_change(f.points) if f.points else "")
        rows.append(row)
    if has_standards:
        columns.append(pick(lang, "标准加减分", "Standards ±"))
    indicators.add(
        Table(
            columns=columns,
            rows=rows,
            numeric=tuple(range(2, len(columns))),
            widths=(0.8, 5.2, 1.5, 1.5, 1.2, 1.2, 1.2, 1.2)[: len(columns)],
            key="indicator_scores",
            caption=pick(
                lang,
                "表4 二级指标值、标准得分、得分及排名",
                "Table 4. Indicator values, z-scores, scores and ranks",
            )
            if with_z
            else pick(
                lang, "表4 二级指标值、得分及排名", "Table 4. Indicator values, scores and ranks"
            ),
            note=_method_note(result.scheme, lang),
        )
    )
    _strengths(indicators, facts, lang, average)
    _standards(indicators, result, facts, lang)

    comparison = section.add_subsection(
        "achievement.changes",
        pick(lang, "（三）同比、环比情况", "Year-on-year and sequential changes"),
    )
    _changes(
        comparison, facts, lang, has_history=facts.sequential is not None, scheme=result.scheme
    )
    if charts:
        from kaoping.reports.charts import ranking_chart, trend_chart

        rounds = [*earlier_rounds(previous, history), result]
        if len(rounds) > 1:
            image = trend_chart(rounds, unit_code=facts.code, lang=lang, formats=("png",))
            comparison.add(
                Chart(
                    caption=pick(lang, "图2 ", "Figure 2. ") + image.title,
                    png=image.png,
                    width_cm=14,
                    key="trend",
                )
            )
        image = ranking_chart(result, lang=lang, highlight=facts.code, formats=("png",))
        section.add_subsection(
            "achievement.ranking",
            pick(lang, "（四）在参评单位中的位置", "Position among all units"),
        ).add(
            Chart(
                caption=pick(lang, "图3 ", "Figure 3. ") + image.title,
                png=image.png,
                width_cm=14,
                key="ranking",
            )
        )


def _strengths(section: Section, facts: UnitFacts, lang: str, average: str) -> None:
    for kind, items in (("strengths", facts.strengths), ("weaknesses", facts.weaknesses)):
        title = {
            "strengths": pick(
                lang,
                "优势指标（得分高于{avg}5分以上）：",
                "Strengths (5+ points above the {avg}): ",
                avg=average,
            ),
            "weaknesses": pick(
                lang,
                "薄弱指标（得分低于{avg}5分以上）：",
                "Weaknesses (5+ points below the {avg}): ",
                avg=average,
            ),
        }[kind]
        if not items:
            section.add(Paragraph(title + label("none", lang) + ("。" if lang != "en" else ".")))
            continue
        body = "；".join(drafts.indicator_sentence(f, lang, average) for f in items)
        section.add(Paragraph(title + body + ("。" if lang != "en" else ".")))


def _standards(section: Section, result, facts: UnitFacts, lang: str) -> None:
    if not any(ind.standards.any for ind in result.scheme.indicators):
        section.add(
            Paragraph(
                pick(
                    lang,
                    "本评价方案未设定最低标准和优异标准。",
                    "The scheme sets no minimum or excellent standards.",
                )
            )
        )
        return
    below = [f for f in facts.indicators if f.standard == "below_minimum"]
    above = [f for f in facts.indicators if f.standard == "above_excellent"]
    section.add(
        Paragraph(
            pick(
                lang,
                "低于最低标准的指标：{below}；高于优异标准的指标：{above}。",
                "Below the minimum standard: {below}; above the excellent standard: {above}.",
                below="、".join(f"{f.code}（{fmt_change(f.points)}）" for f in below)
                or label("none", lang),
                above="、".join(f"{f.code}（{fmt_change(f.points)}）" for f in above)
                or label("none", lang),
            )
        )
    )


def _method_note(scheme: Scheme, lang: str) -> str:
    """The note under the indicator table: the normalisations this scheme actually uses."""
    used = list(dict.fromkeys(ind.normalisation for ind in scheme.indicators))
    names = "；".join(normalisation_name(code, lang) for code in used)
    return pick(
        lang,
        "注：指标值按本方案的标准化方法换算为得分：{names}。排名为该指标得分在全部参评"
        "单位中的名次。逆向指标按原值列示，数值越低越好。",
        "Note: values become scores by the scheme's normalisation: {names}. Rank of the "
        "indicator score among all units. Reverse indicators are shown as they are "
        "(lower is better).",
        names=names,
    )


def _changes(
    section: Section, facts: UnitFacts, lang: str, has_history: bool, scheme: Scheme
) -> None:
    prev, seq = facts.previous, facts.sequential if has_history else None
    if prev is None and seq is None:
        section.add(
            Paragraph(
                pick(
                    lang,
                    "未提供上年（上期）评价结果，本报告不作同比、环比分析。",
                    "No earlier evaluation was given: no comparisons.",
                )
            )
        )
        return
    if scores_are_positions(scheme):
        section.add(
            Paragraph(
                pick(
                    lang,
                    "说明：指标得分和综合得分反映单位在当年全部参评单位中的相对位置（各年平均得分大体相同），"
                    "得分的同比变化表示相对位置的变化，不代表绝对水平的升降；绝对水平的变化见下表中指标值的同比。",
                    "Scores are positions among the units of the same year (the average is about the "
                    "same every year): a change of score is a change of position, not of level; the "
                    "values' changes below show the level.",
                )
            )
        )
    else:
        section.add(
            Paragraph(
                pick(
                    lang,
                    "说明：指标按方案规定的标准计分，得分的同比变化反映对照同一标准的升降；"
                    "指标值的同比见下表。",
                    "Indicators are scored against the scheme's fixed standards: a change of score is a "
                    "change against the same standard; the values' changes are below.",
                )
            )
        )
    columns = [
        label("item", lang),
        label("this_period", lang),
        label("previous_year", lang),
        label("yoy", lang),
    ]
    if seq is not None:
        columns += [label("previous_period", lang), label("sequential", lang)]

    def pair(now: float, then: float | None) -> list[str]:
        if then is None or math.isnan(then):
            return ["—", "—"]
        return [fmt_score(then), fmt_change(now - then)]

    def value_pair(f, then: float) -> list[str]:
        if math.isnan(then) or not f.applicable:
            return ["—", "—"]
        kind, unit = indicator_kind(f.spec), f.spec.unit
        change = natural_value(f.spec, f.value) - natural_value(f.spec, then)
        return [
            indicator_cell(f.spec, then),
            fmt_value_change(change, kind, "" if kind in ("ratio", "percent") else unit, lang),
        ]

    rows = [
        [
            label("total", lang),
            fmt_score(facts.total),
            *pair(facts.total, prev.total if prev else None),
        ]
    ]
    rank_row = [
        label("rank", lang),
        str(facts.rank or "—"),
        str(prev.rank or "—") if prev else "—",
        fmt_rank_change(
            prev.rank - facts.rank if prev and prev.rank and facts.rank else None, lang
        ),
    ]
    if seq is not None:
        rows[0] += pair(facts.total, seq.total)
        rank_row += [
            str(seq.rank or "—"),
            fmt_rank_change(seq.rank - facts.rank if seq.rank and facts.rank else None, lang),
        ]
    rows.append(rank_row)
    for g in facts.groups:
        row = [f"{g.code} {g.name}", fmt_score(g.score), *pair(g.score, g.previous_score)]
        if seq is not None:
            row += pair(g.score, g.sequential_score)
        rows.append(row)
    for f in facts.indicators:
        if math.isnan(f.previous_value) and math.isnan(f.sequential_value):
            continue
        value = indicator_cell(f.spec, f.value) if f.applicable else "—"
        row = [f"{f.code} {f.name}", value, *value_pair(f, f.previous_value)]
        if seq is not None:
            row += value_pair(f, f.sequential_value)
        rows.append(row)
    section.add(
        Table(
            columns=columns,
            rows=rows,
            numeric=tuple(range(1, len(columns))),
            widths=(4.6, 1.6, 1.6, 2.2, 1.6, 2.2)[: len(columns)],
            key="changes",
            caption=pick(lang, "同比、环比变化" if seq is not None else "同比变化", "Changes"),
        )
    )


# --- helpers --------------------------------------------------------------------------------


def _narrative_or_draft(section: Section, text: str | None, draft: list[str], lang: str) -> None:
    """The agency's text when given; otherwise the draft, its first paragraph marked."""
    if text:
        for p in paragraphs(text):
            section.add(Paragraph(p))
        return
    for i, line in enumerate(draft):
        section.add(Paragraph(line, note=label("draft_mark", lang) if i == 0 else "", draft=True))


def _above_below(diff: float, lang: str) -> str:
    if lang == "en":
        return "above" if diff >= 0 else "below"
    return "高于" if diff >= 0 else "低于"


def _average_label(scheme: Scheme, lang: str) -> str:
    """What "the average" is called: the scheme's [report] average_label, or 参评单位平均."""
    configured = scheme.sections.get("report", {}) if scheme.sections else {}
    key = "average_label_en" if lang == "en" else "average_label"
    value = configured.get(key) if isinstance(configured, Mapping) else None
    return str(value) if value else label("average", lang)


def earlier_rounds(
    previous: EvaluationResult | None, history: Sequence[EvaluationResult]
) -> list[EvaluationResult]:
    """The earlier rounds for a trend, once each, oldest first."""
    rounds = list(history)
    if previous is not None and all(previous is not r for r in rounds):
        rounds.append(previous)
    return sorted(rounds, key=_round_year)


def _round_year(result: EvaluationResult) -> int:
    years = [u.year for u in result.data.units if u.year is not None]
    return min(years) if years else 0


def _get(item: Any, key: str) -> str:
    value = item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)
    return "" if value is None else str(value)


def report_title(scheme: Scheme, year_text: str, lang: str, *, round_report: bool) -> str:
    """'2024年度就业专项资金绩效评价报告', or for an assessment scheme (考核) its own name:
    '2024年度北京市区县就业工作综合考核报告'."""
    if assessment_noun(scheme, lang) in ("考核", "assessment"):
        return f"{year_text}{scheme.name_for(lang)}{pick(lang, '报告', ' report')}"
    return label("round_title" if round_report else "unit_title", lang, year=year_text)


def _today(lang: str) -> str:
    today = dt.date.today()
    return today.isoformat() if lang == "en" else f"{today.year}年{today.month}月{today.day}日"
