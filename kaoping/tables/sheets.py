"""Worksheets for finance staff: what they expect when they open, sum and print a sheet.

- a title row above the header; the header repeated on every printed page;
- numbers stored as numbers with their format (0.00, 0.00%, #,##0.00, #,##0), never text,
  so SUM and sorting work; 是/否 instead of TRUE/FALSE;
- a 合计 row (a SUM formula over the column) where a column adds up;
- column widths from the content; frozen panes and a filter on the header;
- A4 landscape, fitted to the page width, with a header (the title) and a footer
  (第 N 页，共 M 页).

Column kinds are the display kinds of :mod:`kaoping.scoring.display` plus ``text``,
``code`` (text that looks like a number, e.g. 110101), ``rank`` and ``bool``.

Examples
--------
>>> from openpyxl import Workbook
>>> wb = Workbook()
>>> write_sheet(wb.active, "奖励资金分配", [Column("单位", "text"), Column("金额（元）", "amount",
...             total=True), Column("获奖", "bool")], [["朝阳区", 1000.5, True], ["海淀区", 20, False]])
>>> ws = wb.active
>>> ws["A1"].value, ws["B3"].value, ws["B3"].number_format, ws["C4"].value
('奖励资金分配', 1000.5, '#,##0.00', '否')
>>> ws["A5"].value, ws["B5"].value
('合计', '=SUM(B3:B4)')
>>> ws.page_setup.orientation, ws.print_title_rows
('landscape', '$2:$2')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaoping.reports.safe import safe_text  # one neutralisation of formula-like text
from kaoping.scoring.display import excel_format
from kaoping.scoring.i18n import gettext, pgettext

__all__ = ["Column", "cell_value", "number_format", "print_setup", "safe_text", "write_sheet"]

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
EXTRA_FORMATS = {"rank": "0", "weight": "0.00%", "code": "@", "text": "@", "bool": "@"}
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """A column: its header, its kind and whether a 合计 row sums it."""

    header: str
    kind: str = "text"
    total: bool = False


def cell_value(value: Any, kind: str, lang: str = "zh") -> Any:
    """What a cell stores: numbers as numbers (None when missing), booleans as 是/否."""
    if isinstance(value, bool) or kind == "bool":
        if value is None or value == "":
            return None
        return pgettext("boolean", "yes", lang) if value else pgettext("boolean", "no", lang)
    if value is None:
        return None
    if kind in ("text", "code"):
        return safe_text(str(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return safe_text(str(value))  # e.g. 不适用 in a number column
    if math.isnan(number) or math.isinf(number):
        return None
    if kind in ("rank", "people", "year"):
        return round(number)
    return number


def number_format(kind: str) -> str:
    return EXTRA_FORMATS.get(kind) or excel_format(kind)


def write_sheet(
    ws: Worksheet,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    note: str = "",
    lang: str = "zh",
    freeze_columns: int = 0,
) -> None:
    """Fill ``ws``: title row, header row, rows, 合计 row, note; formats, widths, printing."""
    n = len(columns)
    ws.append([safe_text(title)])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    if n > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.row_dimensions[1].height = 26
    ws.append([c.header for c in columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    first = 3
    widths = [_width(c.header) for c in columns]
    for row in rows:
        ws.append([cell_value(v, c.kind, lang) for v, c in zip(row, columns, strict=False)])
        for j, cell in enumerate(ws[ws.max_row][:n]):
            cell.border = BORDER
            kind = columns[j].kind
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = number_format(kind)
            elif kind in ("text", "code"):
                cell.number_format = "@"
            widths[j] = max(widths[j], _width(_shown(cell.value, kind)))
    last = ws.max_row
    end = last
    if any(c.total for c in columns) and last >= first:
        total_row = end = last + 1
        ws.cell(total_row, 1, pgettext("a sheet's sum row", "Total", lang)).font = Font(bold=True)
        for j, c in enumerate(columns, start=1):
            cell = ws.cell(total_row, j)
            cell.border = BORDER
            cell.fill = TOTAL_FILL
            if c.total:
                letter = get_column_letter(j)
                cell.value = f"=SUM({letter}{first}:{letter}{last})"
                cell.number_format = number_format(c.kind)
                cell.font = Font(bold=True)
    if note:
        ws.cell(end + 2, 1, safe_text(note))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = ws.cell(first, freeze_columns + 1)
    if last >= first:
        ws.auto_filter.ref = f"A2:{get_column_letter(n)}{last}"
    print_setup(ws, title, lang)


def print_setup(ws: Worksheet, title: str, lang: str = "zh", title_rows: str = "2:2") -> None:
    """A4 landscape, fitted to one page wide, header row on every page, header and footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.center.size = 10
    ws.oddFooter.center.text = gettext("Page &P of &N", lang)
    ws.oddFooter.center.size = 9


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        fmt = number_format(kind)
        if "%" in fmt and '"%"' not in fmt:
            return f"{value * 100:,.2f}%"
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,d}"
    return str(value)


def _width(text: str) -> float:
    """Excel column width (about one unit per Latin character, two per Chinese one)."""
    longest = max(
        (sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in line) for line in str(text).splitlines()),
        default=0.0,
    )
    return max(longest, 6.0)
