"""The results workbook (.xlsx): ranking, indicator scores, indicator values and the method.

Civil servants re-check numbers in Excel, so numbers are written unrounded, as numbers, in
the format of their kind (0.00, 0.00%, #,##0.00), under a title row, with a frozen header,
a filter, and A4 landscape printing (:mod:`kaoping.tables.sheets`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kaoping.reports.safe import safe_text
from kaoping.reports.text import (
    normalisation_name,
    normalisations_used,
    series_separator,
    uses_zscore,
)
from kaoping.scoring.display import indicator_kind, natural_value
from kaoping.scoring.display import indicator_label as display_name
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.i18n import LANGUAGES, pgettext
from kaoping.scoring.serialise import ranking_rows
from kaoping.tables.sheets import HEADER_FILL, Column, number_format, write_sheet

__all__ = ["safe_text", "write_results_workbook"]


def labels(lang: str) -> dict[str, str]:
    """The sheet names and column headers of the workbook, in ``lang``."""
    return {
        "ranking": pgettext("results workbook", "Ranking", lang),
        "scores": pgettext("results workbook", "Indicator scores", lang),
        "values": pgettext("results workbook", "Indicator values", lang),
        "zscores": pgettext("results workbook", "Z-scores", lang),
        "method": pgettext("results workbook", "Method", lang),
        "rank": pgettext("results workbook", "rank", lang),
        "code": pgettext("results workbook", "unit code", lang),
        "name": pgettext("results workbook", "unit name", lang),
        "total": pgettext("results workbook", "total", lang),
        "grade": pgettext("results workbook", "grade", lang),
        "bonus": pgettext("results workbook", "bonus/deduction", lang),
        "previous_total": pgettext("results workbook", "previous total", lang),
        "previous_rank": pgettext("results workbook", "previous rank", lang),
        "change": pgettext("results workbook", "change", lang),
        "rank_change": pgettext("results workbook", "rank change (+ up)", lang),
        "na": pgettext("results workbook", "n/a", lang),
    }


# Each sheet name and header in every language (to recognise a workbook's sheets whatever
# language wrote it).
L = {key: tuple(labels(lang)[key] for lang in LANGUAGES) for key in labels("zh")}
KINDS = {
    "rank": "rank",
    "code": "code",
    "name": "text",
    "grade": "text",
    "previous_rank": "rank",
    "rank_change": "rank",
}  # everything else in the ranking is a score


def _l(key: str, lang: str) -> str:
    return labels(lang)[key]


def write_results_workbook(
    result: EvaluationResult,
    path: str | Path | IO[bytes],
    lang: str = "zh",
    *,
    extra_sheets: Iterable[Callable[[Workbook], None]] = (),
) -> None:
    """Write the results of ``result`` to an .xlsx file (or binary buffer).

    Sheets: ranking, indicator scores, indicator values, z-scores, method (scheme
    parameters and assumptions). ``extra_sheets`` are callables adding more sheets.
    """
    wb = Workbook()
    _ranking_sheet(wb.active, result, lang)
    _matrix_sheet(wb.create_sheet(_l("scores", lang)), result, result.scores, lang, "scores")
    _matrix_sheet(wb.create_sheet(_l("values", lang)), result, result.values, lang, "values")
    if uses_zscore(result.scheme):  # 标准得分 only where the scheme scores by z-score
        _matrix_sheet(wb.create_sheet(_l("zscores", lang)), result, result.z, lang, "zscores")
    _method_sheet(wb.create_sheet(_l("method", lang)), result, lang)
    for add in extra_sheets:
        add(wb)
    wb.save(path)


def _title(result: EvaluationResult, key: str, lang: str) -> str:
    years = sorted({u.year for u in result.data.units if u.year is not None})
    year = pgettext("year before a title", "{year} ", lang).format(year=years[-1]) if years else ""
    return f"{year}{result.scheme.name_for(lang)} — {_l(key, lang)}"


def _ranking_sheet(ws: Worksheet, result: EvaluationResult, lang: str) -> None:
    ws.title = _l("ranking", lang)
    rows = ranking_rows(result)
    keys = list(rows[0]) if rows else ["rank", "code", "name", "total", "grade"]
    columns = []
    for key in keys:
        # a key of the ranking row, or a top group's code
        header = _l(key, lang) if key in L else f"{key} {result.scheme.group(key).name_for(lang)}"
        columns.append(Column(header, KINDS.get(key, "score")))
    write_sheet(
        ws,
        _title(result, "ranking", lang),
        columns,
        [[row[k] for k in keys] for row in rows],
        lang=lang,
        freeze_columns=3,
    )


def _matrix_sheet(
    ws: Worksheet, result: EvaluationResult, matrix: np.ndarray, lang: str, key: str
) -> None:
    """One row per unit, one column per indicator: scores, z-scores, or values in their own
    display kind (a reverse indicator written as the quantity itself)."""
    scheme = result.scheme
    values = key == "values"
    columns = [
        Column(_l("rank", lang), "rank"),
        Column(_l("code", lang), "code"),
        Column(_l("name", lang), "text"),
    ]
    indicators = [
        (j, ind)
        for j, ind in enumerate(scheme.indicators)
        if key != "zscores" or ind.normalisation == "zscore"
    ]
    for _, ind in indicators:
        name = display_name(ind, lang) if values else ind.name_for(lang)
        kind = indicator_kind(ind) if values else ("score" if key == "scores" else "number")
        columns.append(Column(f"{ind.code} {name}", kind))
    rows = []
    for u in result.order():
        unit = result.data.units[u]
        cells: list[Any] = [int(result.ranks[u]) or None, unit.code, unit.name]
        for j, ind in indicators:
            value = float(matrix[u, j])
            if value != value:
                cells.append(_l("na", lang))
            else:
                cells.append(natural_value(ind, value) if values else value)
        rows.append(cells)
    write_sheet(ws, _title(result, key, lang), columns, rows, lang=lang, freeze_columns=3)


def _method_sheet(ws: Worksheet, result: EvaluationResult, lang: str) -> None:
    """The method in the users' words: scheme, normalisation, weights, statistics,
    grades, constraints and assumptions."""
    scheme = result.scheme
    r = scheme.scoring
    sd = (
        (pgettext("results workbook", "population (n)", lang))
        if r.sd == "population"
        else (pgettext("results workbook", "sample (n − 1)", lang))
    )
    na = {
        "renormalise": pgettext("results workbook", "left out, siblings scaled up", lang),
        "zero": pgettext("results workbook", "counted as 0", lang),
        "mean": pgettext("results workbook", "counted as the mean score", lang),
    }.get(r.not_applicable, r.not_applicable)
    info = [
        (pgettext("results workbook", "scheme name", lang), scheme.name_for(lang)),
        (pgettext("results workbook", "version", lang), scheme.version),
        (pgettext("results workbook", "scheme SHA-256", lang), scheme.sha256),
        (pgettext("results workbook", "input SHA-256", lang), result.data.sha256 or ""),
        (pgettext("results workbook", "input file", lang), result.data.source or ""),
        (
            pgettext("results workbook", "normalisation", lang),
            series_separator(lang).join(
                normalisation_name(code, lang) for code in normalisations_used(scheme)
            ),
        ),
    ]
    if uses_zscore(scheme):  # the z-score's parameters only where z-scores are used
        info += [
            (pgettext("results workbook", "standard deviation", lang), sd),
            (
                pgettext("results workbook", "100-point mapping", lang),
                pgettext(
                    "results workbook", "{base} + {scale} × z within {floor}–{cap}", lang
                ).format(
                    base=f"{r.base:g}", scale=f"{r.scale:g}", floor=f"{r.floor:g}", cap=f"{r.cap:g}"
                ),
            ),
        ]
    info.append((pgettext("results workbook", "not applicable", lang), na))
    write_sheet(
        ws,
        _title(result, "method", lang),
        [
            Column(pgettext("results workbook", "item", lang)),
            Column(pgettext("results workbook", "value", lang)),
        ],
        info,
        lang=lang,
    )
    ws.auto_filter.ref = None
    ws.append([])
    header = [
        pgettext("results workbook", "indicator", lang),
        pgettext("results workbook", "name", lang),
        pgettext("results workbook", "group", lang),
        pgettext("results workbook", "weight", lang),
        pgettext("results workbook", "share of total", lang),
        pgettext("results workbook", "formula", lang),
        pgettext("results workbook", "normalisation", lang),
        pgettext("results workbook", "mean", lang),
        pgettext("results workbook", "sd", lang),
        pgettext("results workbook", "n", lang),
    ]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for ind in scheme.indicators:
        st = result.stats[ind.code]
        kind = indicator_kind(ind)
        mean = st.get("mean")
        ws.append(
            [
                ind.code,
                display_name(ind, lang),
                ind.group,
                ind.weight,
                scheme.absolute_weight(ind.code),
                safe_text(ind.formula.text),
                normalisation_name(ind.normalisation, lang),
                None if mean is None else natural_value(ind, mean),
                st.get("sd"),
                st["n"],
            ]
        )
        row = ws[ws.max_row]
        row[3].number_format = row[4].number_format = "0.00%"
        row[7].number_format = row[8].number_format = number_format(kind)
    ws.append([])
    ws.append(
        [pgettext("results workbook", "grades", lang)]
        + [f"{b.name_for(lang)} ≥ {b.min:g}" for b in scheme.grades]
    )
    if scheme.constraints:
        ws.append(
            [
                pgettext("results workbook", "weight constraints", lang),
                series_separator(lang).join(scheme.constraints),
            ]
        )
    ws.append([])
    ws.append([pgettext("results workbook", "assumptions", lang)])
    for text in scheme.assumptions:
        ws.append(["", safe_text(text)])
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["F"].width = 40
