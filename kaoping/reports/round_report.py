"""The round's comprehensive performance evaluation report (综合绩效评价报告).

The same six parts as a unit report (the notice requires them of the report sent to the
finance and human-resources departments), filled for the whole round: the method (scheme,
weights, standards, normalisation, every assumption), the ranking, the grade distribution,
group scores compared, year-on-year movements, awards and criticism, the robustness of the
ranking, and notes on data quality.

Optional inputs are plain structures or scoring results, so this module depends on no other
part of the system than the scoring core: ``awards`` / ``criticism`` are lists of mappings
with ``unit_code``, ``tier`` and ``reason``; ``robustness`` is the
:class:`~kaoping.scoring.robustness.RobustnessResult` of the round (rank uncertainty,
:mod:`kaoping.reports.uncertainty`); ``rectifications`` a list of row mappings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kaoping.reports.model import Chart, Cover, Paragraph, ReportDocument, Section, Table
from kaoping.reports.money import round_totals
from kaoping.reports.narratives import paragraphs
from kaoping.reports.signing import finish
from kaoping.reports.text import (
    SECTION_KEYS,
    assessment_noun,
    fmt_change,
    fmt_rank_change,
    fmt_score,
    fmt_share,
    label,
    normalisation_name,
    normalisations_used,
    pick,
    scores_are_positions,
    section_title,
)
from kaoping.reports.uncertainty import add_uncertainty
from kaoping.reports.unit_report import (
    _today,
    display_name,
    earlier_rounds,
    indicator_table,
    report_title,
)
from kaoping.scoring.display import (
    fmt_amount,
    fmt_cell,
    fmt_growth,
    fmt_number,
    fmt_people,
    fmt_ratio,
    indicator_kind,
    natural_value,
)
from kaoping.scoring.display import fmt_change as fmt_value_change
from kaoping.scoring.evaluation import OK, EvaluationResult
from kaoping.scoring.robustness import RobustnessResult
from kaoping.scoring.serialise import ranking_rows

# Names of robustness / rectification keys the report knows how to title.
KNOWN_KEYS = {
    "unit_code": ("单位编码", "Unit code"),
    "unit_name": ("单位名称", "Unit"),
    "rank": ("排名", "Rank"),
    "rank_low": ("最好名次", "Best rank"),
    "rank_high": ("最差名次", "Worst rank"),
    "probability": ("概率", "Probability"),
    "replicates": ("模拟次数", "Replicates"),
    "method": ("方法", "Method"),
    "issue": ("问题", "Issue"),
    "deadline": ("整改期限", "Deadline"),
    "status": ("整改情况", "Status"),
    "note": ("说明", "Note"),
}


def build_round_report(
    result: EvaluationResult,
    *,
    narratives: Mapping[str, str] | None = None,
    previous: EvaluationResult | None = None,
    history: Sequence[EvaluationResult] = (),
    awards: Sequence[Mapping[str, Any]] = (),
    criticism: Sequence[Mapping[str, Any]] = (),
    robustness: RobustnessResult | None = None,
    rectifications: Sequence[Mapping[str, Any]] = (),
    lang: str = "zh",
    issuer: str = "",
    date: str | None = None,
    charts: bool = True,
    client: str = "",
    number: str = "",
    team: Sequence[tuple[str, str]] = (),
    final: bool = False,
) -> ReportDocument:
    """Build the round report. Parameters as :func:`build_unit_report`, plus the optional
    award, criticism, robustness and rectification lists (plain structures)."""
    texts = dict(narratives or {})
    scheme = result.scheme
    years = sorted({u.year for u in result.data.units if u.year is not None})
    year = years[-1] if years else scheme.year
    year_text = label("year_prefix", lang, year=year) if year else ""
    title = report_title(scheme, year_text, lang, round_report=True)
    doc = ReportDocument(
        title=title, lang=lang, kind="round", toc_title=label("toc", lang), footer=title
    )
    doc.cover = Cover(
        title=title,
        subtitle="",
        fields=[
            (label("scheme", lang), scheme.name_for(lang)),
            (label("scheme_version", lang), scheme.version),
            (label("units_evaluated", lang), str(len(result.codes))),
        ],
        issuer=issuer,
        date=date or _today(lang),
    )
    s = {
        key: doc.add_section(key, section_title(key, i, lang))
        for i, key in enumerate(SECTION_KEYS, start=1)
    }
    names = {u.code: u.name for u in result.data.units}

    _agency(s["basic"], texts.get("basic"))
    _basic(s["basic"], result, lang)
    _money(s["basic"], result, previous, lang)
    _agency(s["targets"], texts.get("targets"))
    _method(s["targets"], result, lang)
    _measures(s["measures"], result, texts.get("measures"), rectifications, names, lang)
    _agency(s["achievement"], texts.get("achievement"))
    _ranking(s["achievement"], result, lang, charts)
    _groups(s["achievement"], result, lang)
    _movements(s["achievement"], result, previous, history, lang, charts)
    if robustness is not None:
        add_uncertainty(
            s["achievement"],
            robustness,
            lang,
            charts,
            excluded={_get(c, "unit_code") for c in criticism},
        )
    if awards or criticism:
        _awards(s["achievement"], awards, criticism, names, lang)
    _problems(s["problems"], result, texts.get("problems"), criticism, lang)
    _suggestions(s["suggestions"], result, texts.get("suggestions"), lang)
    for section in doc.sections:  # (一)(二)… in order, whichever optional parts are present
        renumber(section)
    finish(doc, issuer, client, number, team, final)
    return doc


NUMBERED = re.compile(r"^（[一二三四五六七八九十]+）")
NUMERALS = "一二三四五六七八九十"


def renumber(section: Section) -> None:
    """Number the subsections （一）（二）… in their order: a part left out (rank uncertainty
    without a robustness analysis) leaves no gap."""
    numbered = [sub for sub in section.subsections if NUMBERED.match(sub.title)]
    for i, sub in enumerate(numbered[: len(NUMERALS)]):
        sub.title = NUMBERED.sub(f"（{NUMERALS[i]}）", sub.title)


# --- the parts ------------------------------------------------------------------------------


def _agency(section: Section, text: str | None) -> None:
    if text:
        for p in paragraphs(text):
            section.add(Paragraph(p))


def _draft(section: Section, lines: list[str], lang: str) -> None:
    for i, line in enumerate(lines):
        section.add(Paragraph(line, note=label("draft_mark", lang) if i == 0 else "", draft=True))


def _basic(section: Section, result: EvaluationResult, lang: str) -> None:
    totals = result.totals[np.isfinite(result.totals)]
    scheme = result.scheme
    section.add(
        Paragraph(
            pick(
                lang,
                "本次{noun}依据《{scheme}》（版本 {version}），对 {n} 个单位进行绩效{noun}，"
                "其中 {ranked} 个单位取得综合得分。综合得分平均 {mean} 分，最高 {max} 分，"
                "最低 {min} 分，标准差 {sd}。",
                "Under {scheme} (version {version}), {n} units were in this {noun} and "
                "{ranked} received a total: average {mean}, highest {max}, lowest {min}, sd {sd}.",
                scheme=scheme.name_for(lang),
                version=scheme.version,
                noun=assessment_noun(scheme, lang),
                n=len(result.codes),
                ranked=int((result.ranks > 0).sum()),
                mean=fmt_score(totals.mean() if totals.size else math.nan),
                max=fmt_score(totals.max() if totals.size else math.nan),
                min=fmt_score(totals.min() if totals.size else math.nan),
                sd=fmt_score(totals.std() if totals.size else math.nan),
            )
        )
    )
    section.add(
        Paragraph(
            pick(
                lang,
                "基础数据文件：{source}；数据指纹（SHA-256）：{sha}；方案指纹：{ssha}。",
                "Base data: {source}; fingerprint (SHA-256) {sha}; scheme fingerprint {ssha}.",
                source=result.data.source or "—",
                sha=(result.data.sha256 or "—")[:16],
                ssha=scheme.sha256[:16],
            )
        )
    )


def _money(section: Section, result: EvaluationResult, previous, lang: str) -> None:
    """The money and the people: totals, 同比, round-level rates from the totals."""
    totals = round_totals(result, previous, lang)
    if not totals:
        return
    sub = section.add_subsection(
        "basic.money", pick(lang, "（一）资金和就业总体情况", "Funds and people in all")
    )
    has_prev = previous is not None
    phrases = []
    amounts = [t for t in totals if t.kind == "amount"][:7]
    people = [t for t in totals if t.kind == "people"][:1]
    for t in [*amounts, *people, *(t for t in totals if t.kind == "ratio")]:
        if t.kind == "amount":
            text = fmt_amount(t.value, t.unit or "万元", large=True)
        elif t.kind == "people":
            text = f"{fmt_people(t.value)}{t.unit}"
        else:
            text = fmt_ratio(t.value)
        if has_prev and not math.isnan(t.previous):
            text += pick(
                lang,
                "（同比{c}）",
                " (year on year {c})",
                c=fmt_growth(t.value, t.previous)
                if t.kind != "ratio"
                else fmt_value_change(t.value - t.previous, "ratio", lang=lang),
            )
        phrases.append(f"{t.label}{pick(lang, ' ', ': ')}{text}")
    sub.add(
        Paragraph(
            pick(
                lang,
                "{n} 个参评单位合计：{items}。",
                "The {n} units in all: {items}.",
                n=len(result.codes),
                items="；".join(phrases),
            )
        )
    )
    columns = [label("item", lang), pick(lang, "本年合计", "This year")]
    if has_prev:
        columns += [
            pick(lang, "上年合计", "Last year"),
            label("yoy", lang),
            pick(lang, "增长率", "Growth"),
        ]
    columns.append(label("measure", lang))
    rows = []
    for t in totals:
        row = [t.label, fmt_cell(t.value, t.kind)]
        if has_prev:
            if t.kind == "ratio":
                change = fmt_value_change(t.value - t.previous, "ratio", lang=lang)
                growth = "—"
            else:
                change = fmt_cell(t.value - t.previous, t.kind)
                change = change if change.startswith("-") or change == "—" else "+" + change
                growth = fmt_growth(t.value, t.previous)
            row += [fmt_cell(t.previous, t.kind), change, growth]
        row.append(t.unit if t.kind != "ratio" else "%")
        rows.append(row)
    sub.add(
        Table(
            columns=columns,
            rows=rows,
            numeric=tuple(range(1, len(columns) - 1)),
            widths=(5.2, 2.2, 2.2, 2.2, 1.4, 1.0) if has_prev else (6, 2.4, 1.2),
            key="money",
            caption=pick(
                lang,
                "资金筹集、使用和促进就业情况（全部参评单位合计）",
                "Funds and people (all units)",
            ),
            note=pick(
                lang,
                "注：比例类项目按全部单位的合计数和方案公式计算（合计口径）。",
                "Note: rates are computed from the totals with the scheme's formulas.",
            ),
        )
    )


def _method(section: Section, result: EvaluationResult, lang: str) -> None:
    scheme = result.scheme
    rules = scheme.scoring
    if scheme.source:
        section.add(Paragraph(pick(lang, "评价依据：{src}。", "Basis: {src}.", src=scheme.source)))
    if scheme.description:
        section.add(Paragraph(scheme.description))
    section.add(
        indicator_table(
            scheme,
            lang,
            caption=pick(lang, "表1 评价指标及权重", "Table 1. Indicators and weights"),
        )
    )
    sd = (
        pick(lang, "总体标准差", "population sd")
        if rules.sd == "population"
        else pick(lang, "样本标准差", "sample sd")
    )
    na = {
        "renormalise": pick(
            lang, "不计入，同组其余指标权重按比例放大", "left out, its siblings' weights scaled up"
        ),
        "zero": pick(lang, "按 0 分计", "counted as 0"),
        "mean": pick(lang, "按可计算单位的平均得分计", "counted as the mean score"),
    }.get(rules.not_applicable, rules.not_applicable)
    used = list(dict.fromkeys(ind.normalisation for ind in scheme.indicators))
    if used == ["zscore"]:
        section.add(
            Paragraph(
                pick(
                    lang,
                    "标准化方法：{norm}，标准差采用{sd}；"
                    "指标得分 = {base:g} + {scale:g} × 标准得分，限定在 {floor:g}～{cap:g} 分之间；"
                    "不适用的指标{na}。",
                    "Normalisation: {norm}, {sd}; score = {base:g} + {scale:g} × z "
                    "within {floor:g}–{cap:g}; not-applicable indicators are {na}.",
                    norm=normalisation_name("zscore", lang),
                    sd=sd,
                    base=rules.base,
                    scale=rules.scale,
                    floor=rules.floor,
                    cap=rules.cap,
                    na=na,
                )
            )
        )
    else:  # each indicator's own method, as the scheme sets it
        methods = "；".join(
            f"{normalisation_name(code, lang)}："
            + "、".join(i.code for i in scheme.indicators if i.normalisation == code)
            for code in used
        )
        section.add(
            Paragraph(
                pick(
                    lang,
                    "各指标的计分方法：{m}。不适用的指标{na}。",
                    "Scoring of each indicator: {m}. Not-applicable indicators are {na}.",
                    m=methods,
                    na=na,
                )
            )
        )
    if scheme.grades:
        grades = "、".join(f"{g.name_for(lang)} ≥ {g.min:g}" for g in scheme.grades)
        section.add(Paragraph(pick(lang, "等级划分：{g}。", "Grades: {g}.", g=grades)))
    if scheme.constraints:
        section.add(
            Paragraph(
                pick(
                    lang,
                    "权重约束：{c}。",
                    "Weight constraints: {c}.",
                    c="；".join(scheme.constraints),
                )
            )
        )
    if any(i.standards.any for i in scheme.indicators):
        section.add(
            Paragraph(
                pick(
                    lang,
                    "各指标的最低标准和优异标准见表1。",
                    "Minimum and excellent standards are in Table 1.",
                )
            )
        )
    else:
        section.add(
            Paragraph(
                pick(
                    lang,
                    "本方案未设定最低标准和优异标准。",
                    "The scheme sets no minimum or excellent standards.",
                )
            )
        )
    if scheme.assumptions:
        sub = section.add_subsection(
            "targets.assumptions", pick(lang, "（一）假设与说明", "Assumptions")
        )
        for i, text in enumerate(scheme.assumptions, start=1):
            sub.add(Paragraph(f"{i}. {without_field_keys(text, scheme, lang)}"))


def _change_caveat(scheme, lang: str, counts: dict) -> str:
    """What a change of score means under this scheme: a change of position where every
    indicator is a z-score (the mean is about the same every year), a change against the
    scheme's fixed standards otherwise (with the z-scored indicators named as positions)."""
    if scores_are_positions(scheme):
        return pick(
            lang,
            "说明：指标得分由各单位在当年参评单位中的相对位置换算而来，每年的平均得分大体相同，"
            "因此得分的同比变化反映单位之间相对位置的变化，而不是就业工作绝对水平的变化；"
            "绝对水平的变化见前文资金和人数的同比及下表指标值的同比。与上年（{year}年）相比，"
            "{n} 个可比单位中相对位置上升的 {up} 个，下降的 {down} 个。",
            "Scores are positions among the units of the same year, so the average is about the "
            "same every year: a change of score is a change of position, not of level (the "
            "level's changes are in the funds, people and indicator values). Against last year "
            "({year}), of {n} comparable units {up} rose and {down} fell.",
            **counts,
        )
    positions = [i.code for i in scheme.indicators if i.normalisation == "zscore"]
    text = pick(
        lang,
        "说明：本方案的指标按方案规定的标准（{methods}）计分，得分的同比变化反映对照同一标准的"
        "升降。与上年（{year}年）相比，{n} 个可比单位中综合得分上升的 {up} 个，下降的 {down} 个。",
        "Indicators are scored against the scheme's fixed standards ({methods}): a change of "
        "score is a change against the same standard. Against last year ({year}), of {n} "
        "comparable units {up} rose and {down} fell.",
        methods="；".join(normalisation_name(c, lang) for c in normalisations_used(scheme)),
        **counts,
    )
    if positions:
        text += pick(
            lang,
            "其中{codes}按标准分法计分，其得分反映当年相对位置，变化不代表绝对水平的升降。",
            " {codes} are z-scored: their scores are positions within the year.",
            codes="、".join(positions),
        )
    return text


def without_field_keys(text: str, scheme, lang: str) -> str:
    """A scheme's text without its field keys (English codes in Chinese text): "物价矫正系数
    price_factor" -> "物价矫正系数"; a key on its own becomes the field's name."""
    if lang == "en":
        return text
    for f in sorted(scheme.fields, key=lambda f: -len(f.key)):  # longest first: prev_x before x
        if f.key in text:
            text = text.replace(f"{f.label} {f.key}", f.label).replace(f.key, f.label)
    return text


def _measures(section, result, text, rectifications, names, lang: str) -> None:
    if text:
        _agency(section, text)
    else:
        _draft(
            section,
            [
                pick(
                    lang,
                    "评价工作按照制定评价方案、各单位填报基础数据、评价机构审核和实地核查、计分汇总、"
                    "形成评价报告的程序开展。评价机构通过调阅资金申报材料、审批拨付文件和会计凭证，"
                    "实地查看资金收支情况，核实了基础数据。",
                    "The round followed the notice: scheme published, base data submitted, checked and "
                    "verified on site by the agency, scored and aggregated, reported.",
                )
            ],
            lang,
        )
    quality = section.add_subsection(
        "measures.quality", pick(lang, "（一）数据质量说明", "Data quality")
    )
    rows = []
    for u, unit in enumerate(result.data.units):
        for j, ind in enumerate(result.scheme.indicators):
            if result.reasons[u, j] != OK:
                problem = result.reason_problem(u, j)
                rows.append(
                    [
                        unit.code,
                        unit.name,
                        f"{ind.code} {ind.name_for(lang)}",
                        problem.text(lang) if problem else "",
                    ]
                )
    if rows:
        quality.add(
            Table(
                columns=[
                    label("unit_code", lang),
                    label("name", lang),
                    label("indicator", lang),
                    label("reason", lang),
                ],
                rows=rows,
                widths=(1.4, 1.6, 5, 3),
                key="not_applicable",
                caption=pick(lang, "表2 不适用的指标及原因", "Table 2. Indicators not applicable"),
            )
        )
    else:
        quality.add(
            Paragraph(
                pick(
                    lang,
                    "所有单位的全部指标均可计算。",
                    "Every indicator could be computed for every unit.",
                )
            )
        )
    for warning in result.warnings:
        quality.add(Paragraph(pick(lang, "提示：{w}", "Note: {w}", w=warning.render(lang))))
    if rectifications:
        quality.add(
            generic_table(
                rectifications,
                lang,
                names,
                caption=pick(lang, "表3 限期整改情况", "Table 3. Rectifications"),
                key="rectifications",
            )
        )


def _ranking(section: Section, result: EvaluationResult, lang: str, charts: bool) -> None:
    sub = section.add_subsection(
        "achievement.ranking", pick(lang, "（一）综合得分与排名", "Totals and ranking")
    )
    rows = ranking_rows(result)
    tops = [g.code for g in result.scheme.top_groups]
    columns = [label("rank", lang), label("unit_code", lang), label("name", lang)]
    columns += [f"{c}" for c in tops] + [label("total", lang), label("grade", lang)]
    has_prev = result.previous is not None
    if has_prev:
        columns += [label("previous_year", lang), label("yoy", lang), label("rank_change", lang)]
    body = []
    for row in rows:
        line = [str(row["rank"] or "—"), row["code"], row["name"]]
        line += [fmt_score(row.get(c)) for c in tops]
        line += [fmt_score(row["total"]), row["grade"] or "—"]
        if has_prev:
            line += [
                fmt_score(row["previous_total"]),
                fmt_change(row["change"]),
                fmt_rank_change(row["rank_change"], lang),
            ]
        body.append(line)
    widths = (
        (1.0, 1.4, 1.6) + (1.1,) * len(tops) + (1.2, 1.0) + ((1.3, 1.2, 1.5) if has_prev else ())
    )
    sub.add(
        Table(
            columns=columns,
            rows=body,
            widths=widths,
            key="ranking",
            numeric=tuple(
                i
                for i in range(len(columns))
                if i == 0
                or 3 <= i < 4 + len(tops)
                or (has_prev and i >= 5 + len(tops) and i < 7 + len(tops))
            ),
            caption=pick(lang, "表4 综合得分排名", "Table 4. Ranking"),
            note=pick(
                lang,
                "注：{g} 为一级指标得分。",
                "Note: {g} are group scores.",
                g="、".join(f"{g.code} {g.name_for(lang)}" for g in result.scheme.top_groups),
            ),
        )
    )
    if charts:
        from kaoping.reports.charts import distribution_chart, ranking_chart

        image = ranking_chart(result, lang=lang, formats=("png",))
        sub.add(
            Chart(
                caption=pick(lang, "图1 ", "Figure 1. ") + image.title,
                png=image.png,
                width_cm=15,
                key="ranking",
            )
        )
    grades = section.add_subsection(
        "achievement.grades", pick(lang, "（二）等级分布", "Grade distribution")
    )
    counts = Counter(g for g in result.grades if g)
    n = len(result.codes)
    grade_rows = [
        [
            b.name_for(lang),
            f"≥ {b.min:g}",
            str(counts.get(b.name, 0)),
            fmt_share(counts.get(b.name, 0) / n),
        ]
        for b in result.scheme.grades
    ]
    if result.scheme.grades:
        grades.add(
            Table(
                columns=[
                    label("grade", lang),
                    pick(lang, "分数线", "From"),
                    label("count", lang),
                    label("share_of_units", lang),
                ],
                rows=grade_rows,
                numeric=(2, 3),
                widths=(1, 1, 1, 1),
                key="grades",
                caption=pick(lang, "表5 等级分布", "Table 5. Grades"),
            )
        )
    if charts:
        image = distribution_chart(result, lang=lang, formats=("png",))
        grades.add(
            Chart(
                caption=pick(lang, "图2 ", "Figure 2. ") + image.title,
                png=image.png,
                width_cm=14,
                key="distribution",
            )
        )


def _groups(section: Section, result: EvaluationResult, lang: str) -> None:
    sub = section.add_subsection(
        "achievement.groups", pick(lang, "（三）一级指标得分比较", "Group scores compared")
    )
    rows = []
    names = [u.name for u in result.data.units]
    for code, scores in result.group_scores.items():
        finite = np.isfinite(scores)
        if not finite.any():
            continue
        best = int(np.nanargmax(scores))
        worst = int(np.nanargmin(scores))
        rows.append(
            [
                code,
                result.scheme.group(code).name_for(lang),
                fmt_score(float(np.nanmean(scores))),
                f"{fmt_score(scores[best])}（{names[best]}）",
                f"{fmt_score(scores[worst])}（{names[worst]}）",
                fmt_score(float(np.nanstd(scores))),
            ]
        )
    sub.add(
        Table(
            columns=[
                label("code", lang),
                label("group", lang),
                label("mean_score", lang),
                label("max", lang),
                label("min", lang),
                label("sd", lang),
            ],
            rows=rows,
            numeric=(2, 5),
            widths=(0.8, 3.6, 1.3, 2.4, 2.4, 1.1),
            key="groups",
            caption=pick(lang, "表6 一级指标得分比较", "Table 6. Group scores"),
        )
    )
    stats_rows = []
    for j, ind in enumerate(result.scheme.indicators):
        values = result.values[:, j]
        ok = result.reasons[:, j] == OK
        finite = values[ok & np.isfinite(values)]
        natural = natural_value(ind, finite) if finite.size else finite
        kind = indicator_kind(ind)
        stats_rows.append(
            [
                ind.code,
                display_name(ind, lang),
                fmt_cell(natural.mean() if finite.size else math.nan, kind),
                fmt_cell(natural.std() if finite.size else math.nan, kind),
                fmt_cell(natural.min() if finite.size else math.nan, kind),
                fmt_cell(natural.max() if finite.size else math.nan, kind),
                str(int(ok.sum())),
            ]
        )
    sub.add(
        Table(
            columns=[
                label("code", lang),
                label("indicator", lang),
                label("mean_value", lang),
                label("sd", lang),
                label("min", lang),
                label("max", lang),
                label("n", lang),
            ],
            rows=stats_rows,
            numeric=(2, 3, 4, 5, 6),
            widths=(0.8, 5, 1.4, 1.4, 1.4, 1.4, 1.2),
            key="indicator_stats",
            caption=pick(lang, "表7 二级指标统计", "Table 7. Indicator statistics"),
        )
    )


def _movements(section, result, previous, history, lang: str, charts: bool) -> None:
    sub = section.add_subsection(
        "achievement.changes",
        pick(lang, "（四）同比、环比变动", "Year-on-year and sequential changes"),
    )
    comparison = result.previous
    if comparison is None:
        sub.add(
            Paragraph(
                pick(
                    lang,
                    "未提供上年评价结果，不作同比、环比分析。",
                    "No earlier evaluation was given: no comparisons.",
                )
            )
        )
        return
    change = result.totals - comparison.totals
    both = np.isfinite(change)
    mean_now = float(np.nanmean(result.totals[both])) if both.any() else math.nan
    mean_then = float(np.nanmean(comparison.totals[both])) if both.any() else math.nan
    del mean_now, mean_then  # the mean of positions says nothing (see below)
    counts = {
        "year": comparison.year or "",
        "n": int(both.sum()),
        "up": int((change[both] > 0).sum()),
        "down": int((change[both] < 0).sum()),
    }
    sub.add(Paragraph(_change_caveat(result.scheme, lang, counts)))
    if previous is not None:
        sub.add(_indicator_changes(result, previous, lang))
    order = [int(i) for i in np.argsort(-np.where(both, change, -np.inf)) if both[i]]
    rows = []
    for u in order[:5] + [u for u in order[::-1][:5] if u not in order[:5]]:
        unit = result.data.units[u]
        prev_rank = int(comparison.ranks[u])
        rank_change = prev_rank - int(result.ranks[u]) if prev_rank and result.ranks[u] else None
        rows.append(
            [
                unit.code,
                unit.name,
                fmt_score(comparison.totals[u]),
                fmt_score(result.totals[u]),
                fmt_change(change[u]),
                fmt_rank_change(rank_change, lang),
            ]
        )
    sub.add(
        Table(
            columns=[
                label("unit_code", lang),
                label("name", lang),
                label("previous_year", lang),
                label("this_period", lang),
                label("yoy", lang),
                label("rank_change", lang),
            ],
            rows=rows,
            numeric=(2, 3, 4),
            widths=(1.4, 1.8, 1.4, 1.4, 1.4, 1.6),
            key="movements",
            caption=pick(
                lang,
                "表8 总分变动最大的单位（上升、下降各前 5 名）",
                "Table 8. Largest movements (top 5 up and down)",
            ),
        )
    )
    if charts and previous is not None:
        from kaoping.reports.charts import slope_chart

        image = slope_chart(result, previous, lang=lang, formats=("png",))
        sub.add(Chart(caption=image.title, png=image.png, width_cm=13, key="slope"))
    if charts and history:  # 环比 only where there is a distinct earlier period
        rounds = [*earlier_rounds(previous, history), result]
        from kaoping.reports.charts import trend_chart

        image = trend_chart(rounds, lang=lang, formats=("png",))
        sub.add(Chart(caption=image.title, png=image.png, width_cm=14, key="trend"))


def _indicator_changes(result: EvaluationResult, previous: EvaluationResult, lang: str) -> Table:
    """同比 of the raw indicator values: the average over the units this year and last."""
    rows = []
    codes = previous.scheme.indicator_codes
    for j, ind in enumerate(result.scheme.indicators):
        if ind.code not in codes:
            continue
        k = codes.index(ind.code)
        now = _mean_ok(result.values[:, j], result.reasons[:, j])
        then = _mean_ok(previous.values[:, k], previous.reasons[:, k])
        kind = indicator_kind(ind)
        now, then = natural_value(ind, now), natural_value(ind, then)
        rows.append(
            [
                ind.code,
                display_name(ind, lang),
                fmt_cell(then, kind),
                fmt_cell(now, kind),
                fmt_value_change(
                    now - then, kind, "" if kind in ("ratio", "percent") else ind.unit, lang
                ),
            ]
        )
    return Table(
        columns=[
            label("code", lang),
            label("indicator", lang),
            pick(lang, "上年平均值", "Average last year"),
            pick(lang, "本年平均值", "Average this year"),
            label("yoy", lang),
        ],
        rows=rows,
        numeric=(2, 3, 4),
        widths=(0.8, 5.2, 1.6, 1.6, 2.2),
        key="indicator_changes",
        caption=pick(
            lang,
            "二级指标值同比（参评单位平均）",
            "Indicator values year on year (average of the units)",
        ),
    )


def _mean_ok(values: np.ndarray, reasons: np.ndarray) -> float:
    ok = values[(reasons == OK) & np.isfinite(values)]
    return float(ok.mean()) if ok.size else math.nan


def _awards(section, awards, criticism, names: dict[str, str], lang: str) -> None:
    """The award decision: a summary, the tiers (total, rank, coefficient and the reward
    fund's share where allocated, with 合计), the criticism list with its reasons."""
    sub = section.add_subsection(
        "achievement.awards", pick(lang, "（六）奖励和通报批评", "Awards and criticism")
    )
    counts = Counter(str(_get(a, "tier")) for a in awards)
    amounts = [_number(_raw(a, "amount")) for a in awards]
    allocated = any(x is not None for x in amounts)
    if awards or criticism:
        tiers = "、".join(f"{t} {k} 个" for t, k in counts.items()) or pick(lang, "无", "none")
        summary = pick(
            lang,
            "获奖单位 {n} 个（{tiers}）；通报批评 {c} 个。",
            "{n} units awarded ({tiers}); {c} criticised.",
            n=len(awards),
            tiers=tiers,
            c=len(criticism),
        )
        if allocated:
            total = sum(x for x in amounts if x is not None)
            summary += pick(
                lang,
                "奖励资金共 {t} 元，按获奖档次系数分配给获奖单位（不奖励个人），"
                "分配结果见奖励名单。",
                " A reward fund of {t} yuan is shared among the awarded units by "
                "their tier coefficients (never to individuals).",
                t=fmt_number(total),
            )
        sub.add(Paragraph(summary))
    if awards:
        with_total = any(_number(_raw(a, "total")) is not None for a in awards)
        with_coef = any(_number(_raw(a, "coefficient")) for a in awards)
        columns = [label("tier", lang), label("unit_code", lang), label("name", lang)]
        if with_total:
            columns += [label("score", lang), label("rank", lang)]
        if with_coef:
            columns.append(pick(lang, "分配系数", "Coefficient"))
        if allocated:
            columns.append(pick(lang, "奖励资金（元）", "Reward (yuan)"))
        with_reason = any(_get(a, "reason") for a in awards)
        if with_reason:
            columns.append(label("reason", lang))
        rows = []
        for a, amount in zip(awards, amounts, strict=True):
            row = [
                _get(a, "tier"),
                _get(a, "unit_code"),
                _get(a, "unit_name") or names.get(_get(a, "unit_code"), ""),
            ]
            if with_total:
                rank = _number(_raw(a, "rank"))
                row += [
                    fmt_score(_number(_raw(a, "total"))),
                    "—" if rank is None else str(int(rank)),
                ]
            if with_coef:
                row.append(fmt_number(_number(_raw(a, "coefficient"))))
            if allocated:
                row.append(fmt_number(amount))
            if with_reason:
                row.append(_get(a, "reason"))
            rows.append(row)
        if allocated:
            total_row = [pick(lang, "合计", "Total"), *[""] * (len(columns) - 1)]
            total_row[columns.index(pick(lang, "奖励资金（元）", "Reward (yuan)"))] = fmt_number(
                sum(x for x in amounts if x is not None)
            )
            rows.append(total_row)
        sub.add(
            Table(
                columns=columns,
                rows=rows,
                numeric=tuple(range(3, len(columns) - (1 if with_reason else 0))),
                widths=(
                    1.4,
                    1.3,
                    1.6,
                    *[1.0] * (len(columns) - 3 - with_reason - allocated),
                    *([2.0] if allocated else []),
                    *([4.0] if with_reason else []),
                ),
                caption=pick(lang, "表9 奖励名单", "Table 9. Awards"),
                key="awards",
            )
        )
    if criticism:
        rows = [
            [
                _get(c, "tier"),
                _get(c, "unit_code"),
                _get(c, "unit_name") or names.get(_get(c, "unit_code"), ""),
                _get(c, "reason"),
            ]
            for c in criticism
        ]
        sub.add(
            Table(
                columns=[
                    label("tier", lang),
                    label("unit_code", lang),
                    label("name", lang),
                    label("reason", lang),
                ],
                rows=rows,
                widths=(1.5, 1.5, 2.0, 5.0),
                key="criticism",
                caption=pick(lang, "表10 通报批评名单", "Table 10. Criticism list"),
            )
        )


def _number(x: Any) -> float | None:
    """A number from an award list's cell (JSON number, text from CSV, or empty)."""
    if x is None or x == "":
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _problems(section, result: EvaluationResult, text, criticism, lang: str) -> None:
    if text:
        _agency(section, text)
        return
    lines = []
    n = len(result.codes)
    low_grades = [b for b in result.scheme.grades[-2:]] if result.scheme.grades else []
    for band in low_grades:
        units = [
            u.name for u, g in zip(result.data.units, result.grades, strict=True) if g == band.name
        ]
        if units:
            lines.append(
                pick(
                    lang,
                    "评价等级为“{g}”的单位 {k} 个（占 {p}）：{names}。",
                    "{k} units ({p}) graded “{g}”: {names}.",
                    g=band.name_for(lang),
                    k=len(units),
                    p=fmt_share(len(units) / n),
                    names="、".join(units),
                )
            )
    spread = []
    for j, ind in enumerate(result.scheme.indicators):
        values = result.values[:, j][result.reasons[:, j] == OK]
        if values.size > 1 and values.mean() != 0:
            spread.append((float(values.std() / abs(values.mean())), ind))
    spread.sort(key=lambda x: -x[0])
    if spread:
        items = "、".join(
            f"{ind.code} {ind.name_for(lang)}（{pick(lang, '变异系数', 'CV')} {cv:.2f}）"
            for cv, ind in spread[:3]
        )
        lines.append(
            pick(
                lang,
                "各单位差距最大的指标：{items}。",
                "Indicators with the widest spread between units: {items}.",
                items=items,
            )
        )
    na = int((result.reasons != OK).sum())
    if na:
        lines.append(
            pick(
                lang,
                "共有 {k} 项单位指标因基础数据缺失或分母为零不适用，详见“不适用的指标及原因”表。",
                "{k} unit-indicator values were not applicable (see the table of them).",
                k=na,
            )
        )
    if result.previous is not None:
        change = result.totals - result.previous.totals
        falling = [result.data.units[u].name for u in np.flatnonzero(change < 0)]
        if falling:
            lines.append(
                pick(
                    lang,
                    "总分比上年下降的单位：{names}。",
                    "Totals fell for: {names}.",
                    names="、".join(falling),
                )
            )
    if criticism:
        lines.append(
            pick(
                lang,
                "被通报批评的单位 {k} 个，详见通报批评名单。",
                "{k} units are on the criticism list.",
                k=len(criticism),
            )
        )
    lines.append(
        pick(
            lang,
            "上述问题的成因，请评价机构结合实地核查情况分析补充。",
            "The agency should add the causes found during the on-site checks.",
        )
    )
    _draft(section, lines, lang)


def _suggestions(section, result: EvaluationResult, text, lang: str) -> None:
    if text:
        _agency(section, text)
        return
    _draft(
        section,
        [
            pick(
                lang,
                "1. 对评价等级较低和总分下降的单位，督促其分析原因、制定整改措施，并跟踪落实。",
                "1. Have units with low grades or falling totals analyse the causes and act on them.",
            ),
            pick(
                lang,
                "2. 针对各单位差距较大的指标，总结推广先进单位的经验做法。",
                "2. Spread the practice of the best units on the indicators with the widest spread.",
            ),
            pick(
                lang,
                "3. 加强基础数据统计和核查，减少因数据缺失导致的指标不适用。",
                "3. Improve base-data collection so fewer indicators are not applicable.",
            ),
            pick(
                lang,
                "4. 将评价结果作为就业专项资金分配和改进管理的重要依据。",
                "4. Use the results in allocating the fund and improving its management.",
            ),
        ],
        lang,
    )


# --- helpers ----------------------------------------------------------------------------------


def generic_table(
    rows: Sequence[Mapping[str, Any]], lang: str, names: dict[str, str], *, caption: str, key: str
) -> Table:
    """A table of row mappings whose keys are not known in advance (optional inputs)."""
    keys: list[str] = []
    for row in rows:
        for k in row:
            if k not in keys:
                keys.append(k)
    if "unit_code" in keys and "unit_name" not in keys and names:
        keys.insert(keys.index("unit_code") + 1, "unit_name")
    body = []
    for row in rows:
        line = []
        for k in keys:
            value = row.get(k)
            if k == "unit_name" and value is None:
                value = names.get(str(row.get("unit_code")), "")
            line.append(_plain(value))
        body.append(line)
    return Table(columns=[_key_title(k, lang) for k in keys], rows=body, caption=caption, key=key)


def _key_title(key: str, lang: str) -> str:
    known = KNOWN_KEYS.get(key)
    return (known[1] if lang == "en" else known[0]) if known else str(key)


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def _raw(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _get(item: Any, key: str) -> str:
    value = item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)
    return "" if value is None else str(value)
