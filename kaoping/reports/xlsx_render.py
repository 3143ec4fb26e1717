"""Excel output of a report: the results workbook (ranking, indicator scores, values,
z-scores, method) plus one sheet holding every table of the report, as shown in it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from kaoping.reports.model import ReportDocument
from kaoping.reports.workbook import safe_text, write_results_workbook
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.i18n import gettext
from kaoping.tables.sheets import print_setup

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
SHEET_TITLE_LIMIT = 31  # Excel's limit on sheet names


def report_tables_sheet(doc: ReportDocument) -> Callable[[Workbook], None]:
    """A callable for ``write_results_workbook(extra_sheets=...)`` that adds a sheet with
    the report's tables one below the other, each under its caption."""

    def add(wb: Workbook) -> None:
        name = gettext("Report tables", doc.lang)
        if doc.unit_code:
            name = f"{name} {doc.unit_code}"
        ws = wb.create_sheet(name[:SHEET_TITLE_LIMIT])
        ws.append([safe_text(doc.title)])
        ws["A1"].font = Font(bold=True, size=14)
        for table in doc.tables():
            ws.append([])
            if table.caption:
                ws.append([safe_text(table.caption)])
                ws.cell(ws.max_row, 1).font = Font(bold=True)
            ws.append([safe_text(c) for c in table.columns])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
                cell.alignment = Alignment(wrap_text=True)
            for row in table.rows:
                cells = [_cell(v, i in table.numeric) for i, v in enumerate(row)]
                ws.append([value for value, _ in cells])
                for cell, (_, fmt) in zip(ws[ws.max_row], cells, strict=False):
                    if fmt:
                        cell.number_format = fmt
            if table.note:
                ws.append([safe_text(table.note)])
        ws.column_dimensions["A"].width = 14
        ws.column_dimensions["B"].width = 40
        for letter in "CDEFGHIJKL":
            ws.column_dimensions[letter].width = 14
        print_setup(ws, doc.title, doc.lang, title_rows="")

    return add


def render_xlsx(
    doc: ReportDocument, result: EvaluationResult, path: str | Path | IO[bytes]
) -> None:
    """Write the results workbook of ``result`` with the report's tables as an extra sheet."""
    write_results_workbook(result, path, doc.lang, extra_sheets=[report_tables_sheet(doc)])


def _cell(text: str, numeric: bool) -> tuple[object, str]:
    """Numbers stay numbers in Excel (so they can be re-checked and summed), in the format
    they were shown in: '75.52%' -> 0.7552 as 0.00%, '12,277.80' as #,##0.00, '18,023' as
    #,##0. The rest is text."""
    if numeric:
        plain = text.replace(",", "").replace("%", "").replace("−", "-")
        try:
            value = float(plain)
        except ValueError:
            return safe_text(text), ""
        if text.endswith("%"):
            return value / 100, "0.00%"
        if "." not in plain:
            return value, "#,##0"
        return value, "#,##0.00" if "," in text or abs(value) >= 1000 else "0.00"
    return safe_text(text), ""
