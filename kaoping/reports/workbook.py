"""The results workbook (.xlsx): ranking, indicator scores, indicator values and the method.

Civil servants re-check numbers in Excel, so numbers are written unrounded (formatted to
show 2–4 decimals) and every sheet has a frozen header and an autofilter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaoping.reports.safe import safe_text
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.serialise import ranking_rows

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_FONT = Font(bold=True)

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
    _matrix_sheet(wb.create_sheet(_l("scores", lang)), result, result.scores, lang)
    _matrix_sheet(wb.create_sheet(_l("values", lang)), result, result.values, lang)
    _matrix_sheet(wb.create_sheet(_l("zscores", lang)), result, result.z, lang)
    _method_sheet(wb.create_sheet(_l("method", lang)), result, lang)
    for add in extra_sheets:
        add(wb)
    wb.save(path)


def _ranking_sheet(ws: Worksheet, result: EvaluationResult, lang: str) -> None:
    ws.title = _l("ranking", lang)
    rows = ranking_rows(result)
    keys = list(rows[0]) if rows else ["rank", "code", "name", "total", "grade"]
    headers = []
    for key in keys:
        if key in L:
            headers.append(_l(key, lang))
        else:  # a top group code
            group = result.scheme.group(key)
            headers.append(f"{key} {group.name_for(lang)}")
    ws.append(headers)
    for row in rows:
        ws.append([safe_text(row[k]) for k in keys])
    _finish(ws, number_columns=range(4, len(keys) + 1))


def _matrix_sheet(ws: Worksheet, result: EvaluationResult, matrix, lang: str) -> None:
    scheme = result.scheme
    ws.append(
        [_l("rank", lang), _l("code", lang), _l("name", lang)]
        + [f"{i.code} {i.name_for(lang)}" for i in scheme.indicators]
    )
    for u in result.order():
        unit = result.data.units[u]
        cells: list[Any] = [
            int(result.ranks[u]) or None,
            safe_text(unit.code),
            safe_text(unit.name),
        ]
        for j in range(len(scheme.indicators)):
            value = float(matrix[u, j])
            cells.append(_l("na", lang) if value != value else value)
        ws.append(cells)
    _finish(ws, number_columns=range(4, len(scheme.indicators) + 4))


def _method_sheet(ws: Worksheet, result: EvaluationResult, lang: str) -> None:
    scheme = result.scheme
    r = scheme.scoring
    zh = lang != "en"
    ws.append(["项目" if zh else "item", "内容" if zh else "value"])
    info = [
        ("方案编码" if zh else "scheme code", scheme.code),
        ("方案名称" if zh else "scheme name", scheme.name_for(lang)),
        ("版本" if zh else "version", scheme.version),
        ("方案指纹 SHA-256" if zh else "scheme SHA-256", scheme.sha256),
        ("基础数据指纹 SHA-256" if zh else "input SHA-256", result.data.sha256 or ""),
        ("基础数据文件" if zh else "input file", result.data.source or ""),
        ("标准化方法" if zh else "normalisation", r.normalisation),
        ("标准差" if zh else "standard deviation", r.sd),
        ("百分制换算" if zh else "100-point mapping",
         f"{r.base:g} + {r.scale:g} × z，限定 {r.floor:g}～{r.cap:g}" if zh
         else f"{r.base:g} + {r.scale:g} × z within {r.floor:g}–{r.cap:g}"),
        ("不适用指标" if zh else "not applicable", r.not_applicable),
    ]  # fmt: skip
    for row in info:
        ws.append([row[0], safe_text(row[1])])
    ws.append([])
    ws.append(["指标" if zh else "indicator", "名称" if zh else "name", "所属" if zh else "group",
               "组内权重" if zh else "weight", "占总分权重" if zh else "share of total",
               "公式" if zh else "formula", "均值" if zh else "mean", "标准差" if zh else "sd",
               "可计算单位数" if zh else "n"])  # fmt: skip
    header_row = ws.max_row
    for ind in scheme.indicators:
        st = result.stats[ind.code]
        ws.append([ind.code, ind.name_for(lang), ind.group, ind.weight,
                   scheme.absolute_weight(ind.code), safe_text(ind.formula.text),
                   st.get("mean"), st.get("sd"), st["n"]])  # fmt: skip
    for cell in ws[header_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row in ws.iter_rows(min_row=header_row + 1, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = "0.00%"
    ws.append([])
    ws.append(["等级" if zh else "grades"]
              + [f"{b.name_for(lang)} ≥ {b.min:g}" for b in scheme.grades])  # fmt: skip
    ws.append(["权重约束" if zh else "weight constraints", "；".join(scheme.constraints)])
    ws.append([])
    ws.append(["假设与说明" if zh else "assumptions"])
    for text in scheme.assumptions:
        ws.append(["", safe_text(text)])
    _finish(ws, number_columns=(), autofilter=False)
    ws.column_dimensions["B"].width = 60


def _finish(ws: Worksheet, number_columns: Iterable[int], autofilter: bool = True) -> None:
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for col in number_columns:
        for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0000"
    for idx in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(idx)].width = 14 if idx > 3 else 12
    ws.freeze_panes = "D2" if ws.max_column > 3 else "A2"
    if autofilter and ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
