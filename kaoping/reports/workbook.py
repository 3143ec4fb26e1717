"""The results workbook (.xlsx): ranking, indicator scores, indicator values and the method.

Civil servants re-check numbers in Excel, so numbers are written unrounded, as numbers, in
the format of their kind (0.00, 0.00%, #,##0.00), under a title row, with a frozen header,
a filter, and A4 landscape printing (:mod:`kaoping.tables.sheets`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kaoping.reports.safe import safe_text
from kaoping.reports.text import normalisation_name, normalisations_used, uses_zscore
from kaoping.scoring.display import indicator_kind, natural_value
from kaoping.scoring.display import indicator_label as display_name
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.serialise import ranking_rows
from kaoping.tables.sheets import HEADER_FILL, Column, number_format, write_sheet

__all__ = ["safe_text", "write_results_workbook"]

L = {
    "ranking": ("排名", "Ranking"),
    "scores": ("指标得分", "Indicator scores"),
    "values": ("指标值", "Indicator values"),
    "zscores": ("标准得分", "Z-scores"),
    "method": ("评价方法", "Method"),
    "rank": ("排名", "rank"),
    "code": ("单位编码", "unit code"),
    "name": ("单位名称", "unit name"),
    "total": ("总分", "total"),
    "grade": ("等级", "grade"),
    "bonus": ("加减分", "bonus/deduction"),
    "previous_total": ("上年总分", "previous total"),
    "previous_rank": ("上年排名", "previous rank"),
    "change": ("总分变化", "change"),
    "rank_change": ("名次变化（+为上升）", "rank change (+ up)"),
    "na": ("不适用", "n/a"),
}
KINDS = {
    "rank": "rank",
    "code": "code",
    "name": "text",
    "grade": "text",
    "previous_rank": "rank",
    "rank_change": "rank",
}  # everything else in the ranking is a score


def _l(key: str, lang: str) -> str:
    return L[key][1 if lang == "en" else 0]


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
    year = f"{years[-1]}年度" if years and lang != "en" else (f"{years[-1]} " if years else "")
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


def _matrix_sheet(ws: Worksheet, result: EvaluationResult, matrix, lang: str, key: str) -> None:
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
    zh = lang != "en"
    sd = (
        ("总体标准差（除以 n）" if zh else "population (n)")
        if r.sd == "population"
        else ("样本标准差（除以 n − 1）" if zh else "sample (n − 1)")
    )
    na = {
        "renormalise": ("不计入，同组其余指标权重按比例放大", "left out, siblings scaled up"),
        "zero": ("按 0 分计", "counted as 0"),
        "mean": ("按可计算单位的平均得分计", "counted as the mean score"),
    }.get(r.not_applicable, (r.not_applicable, r.not_applicable))
    info = [
        ("方案名称" if zh else "scheme name", scheme.name_for(lang)),
        ("版本" if zh else "version", scheme.version),
        ("方案指纹 SHA-256" if zh else "scheme SHA-256", scheme.sha256),
        ("基础数据指纹 SHA-256" if zh else "input SHA-256", result.data.sha256 or ""),
        ("基础数据文件" if zh else "input file", result.data.source or ""),
        (
            "标准化方法" if zh else "normalisation",
            "；".join(normalisation_name(code, lang) for code in normalisations_used(scheme)),
        ),
    ]
    if uses_zscore(scheme):  # the z-score's parameters only where z-scores are used
        info += [
            ("标准差" if zh else "standard deviation", sd),
            (
                "百分制换算" if zh else "100-point mapping",
                f"{r.base:g} + {r.scale:g} × 标准得分，限定 {r.floor:g}～{r.cap:g}"
                if zh
                else f"{r.base:g} + {r.scale:g} × z within {r.floor:g}–{r.cap:g}",
            ),
        ]
    info.append(("不适用指标" if zh else "not applicable", na[0] if zh else na[1]))
    write_sheet(
        ws,
        _title(result, "method", lang),
        [Column("项目" if zh else "item"), Column("内容" if zh else "value")],
        info,
        lang=lang,
    )
    ws.auto_filter.ref = None
    ws.append([])
    header = [
        "指标" if zh else "indicator",
        "名称" if zh else "name",
        "所属" if zh else "group",
        "组内权重" if zh else "weight",
        "占总分权重" if zh else "share of total",
        "公式" if zh else "formula",
        "标准化方法" if zh else "normalisation",
        "均值" if zh else "mean",
        "标准差" if zh else "sd",
        "可计算单位数" if zh else "n",
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
        ["等级" if zh else "grades"] + [f"{b.name_for(lang)} ≥ {b.min:g}" for b in scheme.grades]
    )
    if scheme.constraints:
        ws.append(["权重约束" if zh else "weight constraints", "；".join(scheme.constraints)])
    ws.append([])
    ws.append(["假设与说明" if zh else "assumptions"])
    for text in scheme.assumptions:
        ws.append(["", safe_text(text)])
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["F"].width = 40
