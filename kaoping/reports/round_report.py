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

from kaoping.reports.model import (
    Chart,
    Cover,
    Paragraph,
    ReportDocument,
    Section,
    Table,
    label_separator,
)
from kaoping.reports.money import round_totals
from kaoping.reports.narratives import paragraphs
from kaoping.reports.signing import finish
from kaoping.reports.text import (
    SECTION_KEYS,
    assessment_noun,
    bracketed,
    draft_note,
    fmt_change,
    fmt_rank_change,
    fmt_score,
    fmt_share,
    grade_name,
    list_separator,
    normalisation_name,
    normalisations_used,
    scores_are_positions,
    section_title,
    series_separator,
    subsection_title,
)
from kaoping.reports.uncertainty import add_uncertainty
from kaoping.reports.unit_report import (
    _today,
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
from kaoping.scoring.display import indicator_label as display_name
from kaoping.scoring.evaluation import OK, EvaluationResult
from kaoping.scoring.i18n import gettext, gettext_noop, normalise_language, pgettext
from kaoping.scoring.robustness import RobustnessResult
from kaoping.scoring.schemes import Scheme
from kaoping.scoring.serialise import ranking_rows

# Names of robustness / rectification keys the report knows how to title.
KNOWN_KEYS = {
    "unit_code": gettext_noop("Unit code"),
    "unit_name": gettext_noop("Unit name"),
    "rank": gettext_noop("Rank"),
    "rank_low": gettext_noop("Best rank"),
    "rank_high": gettext_noop("Worst rank"),
    "probability": gettext_noop("Probability"),
    "replicates": gettext_noop("Replicates"),
    "method": gettext_noop("Method of analysis"),
    "issue": gettext_noop("Issue"),
    "deadline": gettext_noop("Rectification deadline"),
    "status": gettext_noop("Rectification status"),
    "note": gettext_noop("Note"),
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
    year_text = pgettext("year before a title", "{year} ", lang).format(year=year) if year else ""
    title = report_title(scheme, year_text, lang, round_report=True)
    doc = ReportDocument(
        title=title, lang=lang, kind="round", toc_title=gettext("Contents", lang), footer=title
    )
    doc.cover = Cover(
        title=title,
        subtitle="",
        fields=[
            (gettext("Scheme", lang), scheme.name_for(lang)),
            (gettext("Scheme version", lang), scheme.version),
            (gettext("Units evaluated", lang), str(len(result.codes))),
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
            result=result,
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
        section.add(
            Paragraph(
                line,
                note=draft_note(lang) if i == 0 else "",
                draft=True,
            )
        )


def _basic(section: Section, result: EvaluationResult, lang: str) -> None:
    totals = result.totals[np.isfinite(result.totals)]
    scheme = result.scheme
    section.add(
        Paragraph(
            gettext(
                "Under {scheme} (version {version}), {n} units were in this {noun} and "
                "{ranked} received a total: average {mean}, highest {max}, lowest "
                "{min}, sd {sd}.",
                lang,
            ).format(
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
            gettext(
                "Base data: {source}; fingerprint (SHA-256) {sha}; scheme fingerprint {ssha}.", lang
            ).format(
                source=result.data.source or "—",
                sha=(result.data.sha256 or "—")[:16],
                ssha=scheme.sha256[:16],
            )
        )
    )


def _money(
    section: Section, result: EvaluationResult, previous: EvaluationResult | None, lang: str
) -> None:
    """The money and the people: totals, 同比, round-level rates from the totals."""
    totals = round_totals(result, previous, lang)
    if not totals:
        return
    sub = section.add_subsection(
        "basic.money", subsection_title(1, gettext("Funds and people in all", lang), lang)
    )
    has_prev = previous is not None
    phrases = []
    amounts = [t for t in totals if t.kind == "amount"][:7]
    people = [t for t in totals if t.kind == "people"][:1]
    for t in [*amounts, *people, *(t for t in totals if t.kind == "ratio")]:
        if t.kind == "amount":
            # 亿 is a Chinese unit of counting: English keeps the scheme's unit.
            large = normalise_language(lang) != "en"
            text = fmt_amount(t.value, t.unit or gettext("10,000 yuan", lang), large=large)
        elif t.kind == "people":
            text = f"{fmt_people(t.value)}{t.unit}"
        else:
            text = fmt_ratio(t.value)
        if has_prev and not math.isnan(t.previous):
            text += gettext(" (year on year {c})", lang).format(
                c=fmt_growth(t.value, t.previous)
                if t.kind != "ratio"
                else fmt_value_change(t.value - t.previous, "ratio", lang=lang)
            )
        phrases.append(gettext("{item}: {value}", lang).format(item=t.label, value=text))
    sub.add(
        Paragraph(
            gettext("The {n} units in all: {items}.", lang).format(
                n=len(result.codes), items=series_separator(lang).join(phrases)
            )
        )
    )
    columns = [gettext("Item", lang), gettext("This year", lang)]
    if has_prev:
        columns += [
            gettext("Last year", lang),
            gettext("Year-on-year change", lang),
            gettext("Growth", lang),
        ]
    columns.append(gettext("Unit of measure", lang))
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
            caption=gettext("Funds and people (all units)", lang),
            note=gettext(
                "Note: rates are computed from the totals with the scheme's formulas.", lang
            ),
        )
    )


def _method(section: Section, result: EvaluationResult, lang: str) -> None:
    scheme = result.scheme
    rules = scheme.scoring
    if scheme.source:
        section.add(Paragraph(gettext("Basis: {src}.", lang).format(src=scheme.source)))
    if scheme.description:
        section.add(Paragraph(scheme.description))
    section.add(
        indicator_table(
            scheme,
            lang,
            caption=gettext("Evaluation indicators and weights", lang),
        )
    )
    sd = gettext("population sd", lang) if rules.sd == "population" else gettext("sample sd", lang)
    na = {
        "renormalise": gettext("left out, its siblings' weights scaled up", lang),
        "zero": gettext("counted as 0", lang),
        "mean": gettext("counted as the mean score", lang),
    }.get(rules.not_applicable, rules.not_applicable)
    used = list(dict.fromkeys(ind.normalisation for ind in scheme.indicators))
    if used == ["zscore"]:
        section.add(
            Paragraph(
                gettext(
                    "Normalisation: {norm}, {sd}; score = {base:g} + {scale:g} × z within "
                    "{floor:g}–{cap:g}; not-applicable indicators are {na}.",
                    lang,
                ).format(
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
        methods = series_separator(lang).join(
            normalisation_name(code, lang)
            + label_separator(lang)
            + list_separator(lang).join(
                i.code for i in scheme.indicators if i.normalisation == code
            )
            for code in used
        )
        section.add(
            Paragraph(
                gettext(
                    "Scoring of each indicator: {m}. Not-applicable indicators are {na}.", lang
                ).format(m=methods, na=na)
            )
        )
    if scheme.grades:
        grades = list_separator(lang).join(f"{g.name_for(lang)} ≥ {g.min:g}" for g in scheme.grades)
        section.add(Paragraph(gettext("Grades: {g}.", lang).format(g=grades)))
    if scheme.constraints:
        section.add(
            Paragraph(
                gettext("Weight constraints: {c}.", lang).format(
                    c=series_separator(lang).join(scheme.constraints)
                )
            )
        )
    if any(i.standards.any for i in scheme.indicators):
        section.add(Paragraph(gettext("Minimum and excellent standards are in Table 1.", lang)))
    else:
        section.add(Paragraph(gettext("The scheme sets no minimum or excellent standards.", lang)))
    if scheme.assumptions:
        sub = section.add_subsection(
            "targets.assumptions", subsection_title(1, gettext("Assumptions", lang), lang)
        )
        for i, text in enumerate(scheme.assumptions, start=1):
            sub.add(Paragraph(f"{i}. {without_field_keys(text, scheme, lang)}"))


def _change_caveat(scheme: Scheme, lang: str, counts: dict[str, int | str]) -> str:
    """What a change of score means under this scheme: a change of position where every
    indicator is a z-score (the mean is about the same every year), a change against the
    scheme's fixed standards otherwise (with the z-scored indicators named as positions)."""
    if scores_are_positions(scheme):
        return gettext(
            "Scores are positions among the units of the same year, so the average "
            "is about the same every year: a change of score is a change of "
            "position, not of level (the level's changes are in the funds, people "
            "and indicator values). Against last year ({year}), of {n} comparable "
            "units {up} rose and {down} fell.",
            lang,
        ).format(**counts)
    positions = [i.code for i in scheme.indicators if i.normalisation == "zscore"]
    text = gettext(
        "Indicators are scored against the scheme's fixed standards "
        "({methods}): a change of score is a change against the same standard. "
        "Against last year ({year}), of {n} comparable units {up} rose and "
        "{down} fell.",
        lang,
    ).format(
        methods=series_separator(lang).join(
            normalisation_name(c, lang) for c in normalisations_used(scheme)
        ),
        **counts,
    )
    if positions:
        text += gettext(
            " {codes} are z-scored: their scores are positions within the year.", lang
        ).format(codes=list_separator(lang).join(positions))
    return text


def without_field_keys(text: str, scheme: Scheme, lang: str) -> str:
    """A scheme's text without its field keys (English codes in Chinese text): "物价矫正系数
    price_factor" -> "物价矫正系数"; a key on its own becomes the field's name."""
    if lang == "en":
        return text
    for f in sorted(scheme.fields, key=lambda f: -len(f.key)):  # longest first: prev_x before x
        if f.key in text:
            text = text.replace(f"{f.label} {f.key}", f.label).replace(f.key, f.label)
    return text


def _measures(
    section: Section,
    result: EvaluationResult,
    text: str | None,
    rectifications: Sequence[Mapping[str, Any]],
    names: dict[str, str],
    lang: str,
) -> None:
    if text:
        _agency(section, text)
    else:
        _draft(
            section,
            [
                gettext(
                    "The round followed the notice: scheme published, base data submitted, "
                    "checked and verified on site by the agency, scored and aggregated, "
                    "reported.",
                    lang,
                )
            ],
            lang,
        )
    quality = section.add_subsection(
        "measures.quality", subsection_title(1, gettext("Data quality", lang), lang)
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
                    gettext("Unit code", lang),
                    gettext("Unit name", lang),
                    gettext("Indicator", lang),
                    pgettext("report", "Reason", lang),
                ],
                rows=rows,
                widths=(1.4, 1.6, 5, 3),
                key="not_applicable",
                caption=gettext("Indicators not applicable", lang),
            )
        )
    else:
        quality.add(Paragraph(gettext("Every indicator could be computed for every unit.", lang)))
    for warning in result.warnings:
        quality.add(Paragraph(gettext("Note: {w}", lang).format(w=warning.render(lang))))
    if rectifications:
        quality.add(
            generic_table(
                rectifications,
                lang,
                names,
                caption=gettext("Rectifications within a deadline", lang),
                key="rectifications",
            )
        )


def _ranking(section: Section, result: EvaluationResult, lang: str, charts: bool) -> None:
    sub = section.add_subsection(
        "achievement.ranking", subsection_title(1, gettext("Totals and ranking", lang), lang)
    )
    rows = ranking_rows(result)
    tops = [g.code for g in result.scheme.top_groups]
    columns = [gettext("Rank", lang), gettext("Unit code", lang), gettext("Unit name", lang)]
    columns += [f"{c}" for c in tops] + [gettext("Total", lang), gettext("Grade", lang)]
    has_prev = result.previous is not None
    if has_prev:
        columns += [
            gettext("Same period last year", lang),
            gettext("Year-on-year change", lang),
            gettext("Rank change", lang),
        ]
    body = []
    for row in rows:
        line = [str(row["rank"] or "—"), row["code"], row["name"]]
        line += [fmt_score(row.get(c)) for c in tops]
        line += [fmt_score(row["total"]), grade_name(result.scheme, row["grade"], lang)]
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
            caption=gettext("Ranking by total", lang),
            note=gettext("Note: {g} are group scores.", lang).format(
                g=list_separator(lang).join(
                    f"{g.code} {g.name_for(lang)}" for g in result.scheme.top_groups
                )
            ),
        )
    )
    if charts:
        from kaoping.reports.charts import distribution_chart, ranking_chart

        image = ranking_chart(result, lang=lang, formats=("png",))
        sub.add(
            Chart(
                caption=image.title,
                png=image.png,
                width_cm=15,
                key="ranking",
            )
        )
    grades = section.add_subsection(
        "achievement.grades", subsection_title(2, gettext("Grade distribution", lang), lang)
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
                    gettext("Grade", lang),
                    gettext("Score line", lang),
                    gettext("Number of units", lang),
                    gettext("Share", lang),
                ],
                rows=grade_rows,
                numeric=(2, 3),
                widths=(1, 1, 1, 1),
                key="grades",
                caption=gettext("Grades", lang),
            )
        )
    if charts:
        image = distribution_chart(result, lang=lang, formats=("png",))
        grades.add(
            Chart(
                caption=image.title,
                png=image.png,
                width_cm=14,
                key="distribution",
            )
        )


def _groups(section: Section, result: EvaluationResult, lang: str) -> None:
    sub = section.add_subsection(
        "achievement.groups", subsection_title(3, gettext("Group scores compared", lang), lang)
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
                fmt_score(scores[best]) + bracketed(names[best], lang),
                fmt_score(scores[worst]) + bracketed(names[worst], lang),
                fmt_score(float(np.nanstd(scores))),
            ]
        )
    sub.add(
        Table(
            columns=[
                gettext("Code", lang),
                gettext("Indicator group", lang),
                gettext("Average score", lang),
                gettext("Maximum", lang),
                gettext("Minimum", lang),
                gettext("Std. dev.", lang),
            ],
            rows=rows,
            numeric=(2, 5),
            widths=(0.8, 3.6, 1.3, 2.4, 2.4, 1.1),
            key="groups",
            caption=gettext("Group scores compared", lang),
        )
    )
    stats_rows = []
    for j, ind in enumerate(result.scheme.indicators):
        values = result.values[:, j]
        ok = result.reasons[:, j] == OK
        finite = values[ok & np.isfinite(values)]
        natural = np.asarray(natural_value(ind, finite), dtype=float)
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
                gettext("Code", lang),
                gettext("Indicator", lang),
                gettext("Average value", lang),
                gettext("Std. dev.", lang),
                gettext("Minimum", lang),
                gettext("Maximum", lang),
                gettext("Units with a value", lang),
            ],
            rows=stats_rows,
            numeric=(2, 3, 4, 5, 6),
            widths=(0.8, 5, 1.4, 1.4, 1.4, 1.4, 1.2),
            key="indicator_stats",
            caption=gettext("Indicator statistics", lang),
        )
    )


def _movements(
    section: Section,
    result: EvaluationResult,
    previous: EvaluationResult | None,
    history: Sequence[EvaluationResult],
    lang: str,
    charts: bool,
) -> None:
    sub = section.add_subsection(
        "achievement.changes",
        subsection_title(4, gettext("Year-on-year and sequential changes", lang), lang),
    )
    comparison = result.previous
    if comparison is None:
        sub.add(Paragraph(gettext("No evaluation of last year was given: no comparisons.", lang)))
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
                gettext("Unit code", lang),
                gettext("Unit name", lang),
                gettext("Same period last year", lang),
                gettext("This period", lang),
                gettext("Year-on-year change", lang),
                gettext("Rank change", lang),
            ],
            rows=rows,
            numeric=(2, 3, 4),
            widths=(1.4, 1.8, 1.4, 1.4, 1.4, 1.6),
            key="movements",
            caption=gettext("Largest movements (top 5 up and down)", lang),
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
            gettext("Code", lang),
            gettext("Indicator", lang),
            gettext("Average last year", lang),
            gettext("Average this year", lang),
            gettext("Year-on-year change", lang),
        ],
        rows=rows,
        numeric=(2, 3, 4),
        widths=(0.8, 5.2, 1.6, 1.6, 2.2),
        key="indicator_changes",
        caption=gettext("Indicator values year on year (average of the units)", lang),
    )


def _mean_ok(values: np.ndarray, reasons: np.ndarray) -> float:
    ok = values[(reasons == OK) & np.isfinite(values)]
    return float(ok.mean()) if ok.size else math.nan


def _awards(
    section: Section,
    awards: Sequence[Mapping[str, Any]],
    criticism: Sequence[Mapping[str, Any]],
    names: dict[str, str],
    lang: str,
) -> None:
    """The award decision: a summary, the tiers (total, rank, coefficient and the reward
    fund's share where allocated, with 合计), the criticism list with its reasons."""
    sub = section.add_subsection(
        "achievement.awards",
        subsection_title(6, pgettext("report", "Awards and criticism", lang), lang),
    )
    counts = Counter(str(_get(a, "tier")) for a in awards)
    amounts = [_number(_raw(a, "amount")) for a in awards]
    allocated = any(x is not None for x in amounts)
    if awards or criticism:
        tiers = list_separator(lang).join(
            gettext("{tier}: {count}", lang).format(tier=t, count=k) for t, k in counts.items()
        ) or gettext("none", lang)
        summary = gettext("{n} units awarded ({tiers}); {c} criticised.", lang).format(
            n=len(awards), tiers=tiers, c=len(criticism)
        )
        if allocated:
            total = sum(x for x in amounts if x is not None)
            summary += gettext(
                " A reward fund of {t} yuan is shared among the awarded units by their "
                "tier coefficients (never to individuals).",
                lang,
            ).format(t=fmt_number(total))
        sub.add(Paragraph(summary))
    if awards:
        with_total = any(_number(_raw(a, "total")) is not None for a in awards)
        with_coef = any(_number(_raw(a, "coefficient")) for a in awards)
        columns = [gettext("Award", lang), gettext("Unit code", lang), gettext("Unit name", lang)]
        if with_total:
            columns += [gettext("Score", lang), gettext("Rank", lang)]
        if with_coef:
            columns.append(gettext("Coefficient", lang))
        if allocated:
            columns.append(gettext("Reward (yuan)", lang))
        with_reason = any(_get(a, "reason") for a in awards)
        if with_reason:
            columns.append(pgettext("report", "Reason", lang))
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
            total_row = [pgettext("sum", "Total", lang), *[""] * (len(columns) - 1)]
            total_row[columns.index(gettext("Reward (yuan)", lang))] = fmt_number(
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
                caption=gettext("Awards", lang),
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
                    gettext("Award", lang),
                    gettext("Unit code", lang),
                    gettext("Unit name", lang),
                    pgettext("report", "Reason", lang),
                ],
                rows=rows,
                widths=(1.5, 1.5, 2.0, 5.0),
                key="criticism",
                caption=gettext("Criticism list", lang),
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


def _problems(
    section: Section,
    result: EvaluationResult,
    text: str | None,
    criticism: Sequence[Mapping[str, Any]],
    lang: str,
) -> None:
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
                gettext("{k} units ({p}) graded “{g}”: {names}.", lang).format(
                    g=band.name_for(lang),
                    k=len(units),
                    p=fmt_share(len(units) / n),
                    names=list_separator(lang).join(units),
                )
            )
    spread = []
    for j, ind in enumerate(result.scheme.indicators):
        values = result.values[:, j][result.reasons[:, j] == OK]
        if values.size > 1 and values.mean() != 0:
            spread.append((float(values.std() / abs(values.mean())), ind))
    spread.sort(key=lambda x: -x[0])
    if spread:
        items = list_separator(lang).join(
            gettext("{code} {name} (CV {cv})", lang).format(
                code=ind.code, name=ind.name_for(lang), cv=f"{cv:.2f}"
            )
            for cv, ind in spread[:3]
        )
        lines.append(
            gettext("Indicators with the widest spread between units: {items}.", lang).format(
                items=items
            )
        )
    na = int((result.reasons != OK).sum())
    if na:
        lines.append(
            gettext(
                "{k} unit-indicator values were not applicable (see the table of them).", lang
            ).format(k=na)
        )
    if result.previous is not None:
        change = result.totals - result.previous.totals
        falling = [result.data.units[u].name for u in np.flatnonzero(change < 0)]
        if falling:
            lines.append(
                gettext("Totals fell for: {names}.", lang).format(
                    names=list_separator(lang).join(falling)
                )
            )
    if criticism:
        lines.append(gettext("{k} units are on the criticism list.", lang).format(k=len(criticism)))
    lines.append(gettext("The agency should add the causes found during the on-site checks.", lang))
    _draft(section, lines, lang)


def _suggestions(section: Section, result: EvaluationResult, text: str | None, lang: str) -> None:
    if text:
        _agency(section, text)
        return
    _draft(
        section,
        [
            gettext(
                "1. Have units with low grades or falling totals analyse the causes "
                "and act on them.",
                lang,
            ),
            gettext(
                "2. Spread the practice of the best units on the indicators with the "
                "widest spread.",
                lang,
            ),
            gettext(
                "3. Improve base-data collection so fewer indicators are not applicable.", lang
            ),
            gettext(
                "4. Use the results in allocating the fund and improving its management.", lang
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
    return gettext(KNOWN_KEYS[key], lang) if key in KNOWN_KEYS else str(key)


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
