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
from kaoping.reports.analysis import IndicatorFact, UnitFacts, unit_facts
from kaoping.reports.model import Chart, Cover, Paragraph, ReportDocument, Section, Table
from kaoping.reports.narratives import paragraphs
from kaoping.reports.signing import finish
from kaoping.reports.text import (
    SECTION_KEYS,
    assessment_noun,
    bracketed,
    draft_note,
    fmt_change,
    fmt_rank,
    fmt_rank_change,
    fmt_score,
    fmt_weight,
    fmt_z,
    full_stop,
    grade_name,
    is_assessment,
    list_separator,
    normalisation_name,
    scores_are_positions,
    section_title,
    series_separator,
    subsection_title,
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
from kaoping.scoring.i18n import gettext, normalise_language, pgettext
from kaoping.scoring.schemes import IndicatorSpec, Scheme


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
    year_text = pgettext("year before a title", "{year} ", lang).format(year=year) if year else ""
    title = report_title(result.scheme, year_text, lang, round_report=False)
    doc = ReportDocument(
        title=title,
        lang=lang,
        kind="unit",
        unit_code=facts.code,
        toc_title=gettext("Contents", lang),
        footer=f"{facts.name} {title}",
    )
    doc.cover = Cover(
        title=title,
        subtitle=facts.name,
        fields=[
            (gettext("Unit evaluated", lang), facts.name + bracketed(facts.code, lang)),
            (gettext("Scheme", lang), f"{result.scheme.name_for(lang)}"),
            (gettext("Scheme version", lang), result.scheme.version),
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


def _basic(
    section: Section, result: EvaluationResult, facts: UnitFacts, text: str | None, lang: str
) -> None:
    _narrative_or_draft(section, text, drafts.draft_basic(result, facts, lang), lang)
    ranked = facts.ranked
    section.add(
        Paragraph(
            gettext(
                "Under {scheme}, {n} units were in this {noun}. {name} scored {total}, "
                "ranking {rank} of {n}, grade “{grade}”; the average total is {mean}.",
                lang,
            ).format(
                scheme=result.scheme.name_for(lang),
                n=ranked,
                name=facts.name,
                noun=assessment_noun(result.scheme, lang),
                total=fmt_score(facts.total),
                rank=facts.rank or "—",
                grade=grade_name(result.scheme, facts.grade, lang),
                mean=fmt_score(facts.mean_total),
            )
        )
    )
    with_previous = any(not math.isnan(f.previous) for f in facts.fields)
    columns = [gettext("Item", lang), gettext("This period", lang)]
    if with_previous:
        columns += [
            gettext("Same period last year", lang),
            gettext("Year-on-year change", lang),
            gettext("Growth", lang),
        ]
    columns.append(gettext("Unit of measure", lang))
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
            caption=gettext("Base data of {name}", lang).format(name=facts.name),
        )
    )


def _signed_cell(change: float, kind: str) -> str:
    """A signed change in a table cell: '+1,234.00', '+12' (people)."""
    text = fmt_cell(abs(change), kind)
    if text == "—" or math.isnan(change):
        return "—"
    return ("+" if change > 0 else "-" if change < 0 else "") + text


def _targets(
    section: Section, result: EvaluationResult, facts: UnitFacts, text: str | None, lang: str
) -> None:
    _narrative_or_draft(section, text, drafts.draft_targets(result, facts, lang), lang)
    section.add(
        indicator_table(
            result.scheme,
            lang,
            caption=gettext("Indicators, weights and standards", lang),
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
            gettext("Code", lang),
            gettext("Indicator", lang),
            gettext("Indicator group", lang),
            gettext("Weight", lang),
            gettext("Share of total", lang),
            gettext("Minimum / excellent standard", lang),
        ],
        rows=rows,
        numeric=(3, 4),
        widths=(0.9, 5, 3, 1.2, 1.4, 2.2),
        caption=caption,
        key="indicators",
    )


def standards_text(ind: IndicatorSpec, lang: str) -> str:
    s = ind.standards
    if not s.any:
        return gettext("none", lang)
    parts = []
    if s.minimum is not None:
        parts.append(gettext("below {v:g}: −{p:g}", lang).format(v=s.minimum, p=s.minimum_points))
    if s.excellent is not None:
        parts.append(
            gettext("above {v:g}: +{p:g}", lang).format(v=s.excellent, p=s.excellent_points)
        )
    return series_separator(lang).join(parts)


def _achievement(
    section: Section,
    result: EvaluationResult,
    facts: UnitFacts,
    text: str | None,
    lang: str,
    average: str,
    charts: bool,
    previous: EvaluationResult | None,
    history: Sequence[EvaluationResult],
) -> None:
    if text:
        for p in paragraphs(text):
            section.add(Paragraph(p))
    summary = gettext(
        "{name} scored {total}, rank {rank} of {n}, grade “{grade}”, {gap} "
        "points {cmp} the {avg} ({mean}).",
        lang,
    ).format(
        name=facts.name,
        total=fmt_score(facts.total),
        rank=facts.rank or "—",
        n=facts.ranked,
        grade=grade_name(result.scheme, facts.grade, lang),
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
                gettext("{name} won the {tier} in this {noun}{why}.", lang).format(
                    name=facts.name,
                    noun=assessment_noun(result.scheme, lang),
                    tier=facts.award,
                    why=bracketed(facts.award_reason, lang) if facts.award_reason else "",
                )
            )
        )
    if facts.criticism is not None:
        section.add(
            Paragraph(
                gettext("{name} is on the criticism list of this {noun}{why}.", lang).format(
                    name=facts.name,
                    noun=assessment_noun(result.scheme, lang),
                    why=gettext(", because: {reason}", lang).format(reason=facts.criticism)
                    if facts.criticism
                    else "",
                )
            )
        )
    if facts.adjustments:
        items = series_separator(lang).join(
            fmt_change(p) + bracketed(reason, lang) for p, reason in facts.adjustments
        )
        section.add(
            Paragraph(
                gettext("Bonus / deduction: {items}; base total {base}.", lang).format(
                    items=items, base=fmt_score(facts.base_total)
                )
            )
        )

    groups = section.add_subsection(
        "achievement.groups", subsection_title(1, gettext("Indicator group scores", lang), lang)
    )
    groups.add(
        Table(
            columns=[
                gettext("Code", lang),
                gettext("Indicator group", lang),
                gettext("Weight", lang),
                gettext("Score", lang),
                gettext("Average score", lang),
                gettext("Gap to average", lang),
                gettext("Rank", lang),
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
            caption=gettext("Group scores", lang),
        )
    )
    if charts:
        from kaoping.reports.charts import radar_chart

        image = radar_chart(result, facts.code, lang=lang, formats=("png",))
        groups.add(
            Chart(
                caption=image.title,
                png=image.png,
                width_cm=12,
                key="radar",
            )
        )

    indicators = section.add_subsection(
        "achievement.indicators", subsection_title(2, gettext("Indicator scores", lang), lang)
    )
    has_standards = any(ind.standards.any for ind in result.scheme.indicators)
    with_z = uses_zscore(result.scheme)  # 标准得分 only where the scheme scores by z-score
    columns = [
        gettext("Code", lang),
        gettext("Indicator", lang),
        gettext("Indicator value", lang),
        gettext("Average value", lang),
        *([gettext("Z-score", lang)] if with_z else []),
        gettext("Score", lang),
        gettext("Rank", lang),
    ]
    rows = []
    for f in facts.indicators:
        row = [
            f.code,
            display_name(f.spec, lang),
            indicator_cell(f.spec, f.value) if f.applicable else gettext("n/a", lang),
            indicator_cell(f.spec, f.mean_value),
            *([fmt_z(f.z) if f.spec.normalisation == "zscore" else "—"] if with_z else []),
            fmt_score(f.score),
            fmt_rank(f.rank, f.ranked),
        ]
        if has_standards:
            row.append(fmt_change(f.points) if f.points else "")
        rows.append(row)
    if has_standards:
        columns.append(gettext("Standards ±", lang))
    indicators.add(
        Table(
            columns=columns,
            rows=rows,
            numeric=tuple(range(2, len(columns))),
            widths=(0.8, 5.2, 1.5, 1.5, 1.2, 1.2, 1.2, 1.2)[: len(columns)],
            key="indicator_scores",
            caption=gettext("Indicator values, z-scores, scores and ranks", lang)
            if with_z
            else gettext("Indicator values, scores and ranks", lang),
            note=_method_note(result.scheme, lang),
        )
    )
    _strengths(indicators, facts, lang, average)
    _standards(indicators, result, facts, lang)

    comparison = section.add_subsection(
        "achievement.changes",
        subsection_title(3, gettext("Year-on-year and sequential comparison", lang), lang),
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
                    caption=image.title,
                    png=image.png,
                    width_cm=14,
                    key="trend",
                )
            )
        image = ranking_chart(result, lang=lang, highlight=facts.code, formats=("png",))
        section.add_subsection(
            "achievement.ranking",
            subsection_title(4, gettext("Position among all units", lang), lang),
        ).add(
            Chart(
                caption=image.title,
                png=image.png,
                width_cm=14,
                key="ranking",
            )
        )


def _strengths(section: Section, facts: UnitFacts, lang: str, average: str) -> None:
    for kind, items in (("strengths", facts.strengths), ("weaknesses", facts.weaknesses)):
        title = {
            "strengths": gettext("Strengths (5+ points above the {avg}): ", lang).format(
                avg=average
            ),
            "weaknesses": gettext("Weaknesses (5+ points below the {avg}): ", lang).format(
                avg=average
            ),
        }[kind]
        if not items:
            section.add(Paragraph(title + gettext("none", lang) + full_stop(lang)))
            continue
        body = series_separator(lang).join(
            drafts.indicator_sentence(f, lang, average) for f in items
        )
        section.add(Paragraph(title + body + full_stop(lang)))


def _standards(section: Section, result: EvaluationResult, facts: UnitFacts, lang: str) -> None:
    if not any(ind.standards.any for ind in result.scheme.indicators):
        section.add(
            Paragraph(
                gettext("This evaluation scheme sets no minimum or excellent standards.", lang)
            )
        )
        return
    below = [f for f in facts.indicators if f.standard == "below_minimum"]
    above = [f for f in facts.indicators if f.standard == "above_excellent"]
    section.add(
        Paragraph(
            gettext(
                "Below the minimum standard: {below}; above the excellent standard: {above}.", lang
            ).format(
                below=list_separator(lang).join(
                    f.code + bracketed(fmt_change(f.points), lang) for f in below
                )
                or gettext("none", lang),
                above=list_separator(lang).join(
                    f.code + bracketed(fmt_change(f.points), lang) for f in above
                )
                or gettext("none", lang),
            )
        )
    )


def _method_note(scheme: Scheme, lang: str) -> str:
    """The note under the indicator table: the normalisations this scheme actually uses."""
    used = list(dict.fromkeys(ind.normalisation for ind in scheme.indicators))
    names = series_separator(lang).join(normalisation_name(code, lang) for code in used)
    return gettext(
        "Note: values become scores by the scheme's normalisation: {names}. "
        "Rank of the indicator score among all units. Reverse indicators are "
        "shown as they are (lower is better).",
        lang,
    ).format(names=names)


def _changes(
    section: Section, facts: UnitFacts, lang: str, has_history: bool, scheme: Scheme
) -> None:
    prev, seq = facts.previous, facts.sequential if has_history else None
    if prev is None and seq is None:
        section.add(
            Paragraph(
                gettext(
                    "No earlier evaluation (last year or the previous period) was given: "
                    "this report makes no comparisons.",
                    lang,
                )
            )
        )
        return
    if scores_are_positions(scheme):
        section.add(
            Paragraph(
                gettext(
                    "Scores are positions among the units of the same year (the average is "
                    "about the same every year): a change of score is a change of "
                    "position, not of level; the values' changes below show the level.",
                    lang,
                )
            )
        )
    else:
        section.add(
            Paragraph(
                gettext(
                    "Indicators are scored against the scheme's fixed standards: a change "
                    "of score is a change against the same standard; the values' changes "
                    "are below.",
                    lang,
                )
            )
        )
    columns = [
        gettext("Item", lang),
        gettext("This period", lang),
        gettext("Same period last year", lang),
        gettext("Year-on-year change", lang),
    ]
    if seq is not None:
        columns += [gettext("Previous period", lang), gettext("Sequential change", lang)]

    def pair(now: float, then: float | None) -> list[str]:
        if then is None or math.isnan(then):
            return ["—", "—"]
        return [fmt_score(then), fmt_change(now - then)]

    def value_pair(f: IndicatorFact, then: float) -> list[str]:
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
            gettext("Total", lang),
            fmt_score(facts.total),
            *pair(facts.total, prev.total if prev else None),
        ]
    ]
    rank_row = [
        gettext("Rank", lang),
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
            caption=pgettext("table caption", "Year-on-year and sequential changes", lang)
            if seq is not None
            else gettext("Year-on-year changes", lang),
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
        section.add(
            Paragraph(
                line,
                note=draft_note(lang) if i == 0 else "",
                draft=True,
            )
        )


def _above_below(diff: float, lang: str) -> str:
    return gettext("above", lang) if diff >= 0 else gettext("below", lang)


def _average_label(scheme: Scheme, lang: str) -> str:
    """What "the average" is called: the scheme's [report] average_label, or 参评单位平均."""
    configured = scheme.sections.get("report", {}) if scheme.sections else {}
    key = "average_label_en" if lang == "en" else "average_label"
    value = configured.get(key) if isinstance(configured, Mapping) else None
    return str(value) if value else gettext("average of all units", lang)


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
    if is_assessment(scheme):
        return gettext("{year}{name} report", lang).format(
            year=year_text, name=scheme.name_for(lang)
        )
    if round_report:
        title = gettext(
            "{year}Comprehensive performance evaluation report of employment funds", lang
        )
    else:
        title = gettext("{year}Employment fund performance evaluation report", lang)
    return title.format(year=year_text)


def _today(lang: str) -> str:
    today = dt.date.today()
    if normalise_language(lang) == "en":  # a date is written, not translated: ISO
        return today.isoformat()
    return gettext("{year}-{month}-{day}", lang).format(
        year=today.year, month=today.month, day=today.day
    )
