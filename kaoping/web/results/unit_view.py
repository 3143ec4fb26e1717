"""What a unit may see of other units in a file: the published ranking, nothing more.

The results workbook is one file for everybody (ranking with group scores, the indicator
scores, values and z-scores of every unit, the method). Staff get it whole; a unit gets the
same workbook cut down (issue 11): on the ranking sheet only rank, code, name, total and
grade of each unit; on the per-indicator sheets only its own row. The method sheet (scheme,
means and standard deviations, which the unit needs to re-check its own z-scores) stays.
"""

from __future__ import annotations

import io

from openpyxl import load_workbook

from kaoping.reports.workbook import L

PUBLISHED_RANKING = ("rank", "code", "name", "total", "grade")
PER_UNIT_SHEETS = ("scores", "values", "zscores")


def unit_workbook(content: bytes, unit_code: str) -> bytes:
    """The results workbook ``content`` as unit ``unit_code`` may see it."""
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        if sheet.title in L["ranking"]:
            _keep_columns(sheet, {label for key in PUBLISHED_RANKING for label in L[key]})
        elif any(sheet.title in L[key] for key in PER_UNIT_SHEETS):
            _keep_rows_of(sheet, unit_code)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _keep_columns(sheet, headers: set[str]) -> None:
    first = [cell.value for cell in sheet[1]]
    for index in range(len(first), 0, -1):  # from the right, so indexes stay valid
        if first[index - 1] not in headers:
            sheet.delete_cols(index)


def _keep_rows_of(sheet, unit_code: str) -> None:
    first = [cell.value for cell in sheet[1]]
    codes = set(L["code"])
    column = next((i for i, header in enumerate(first) if header in codes), None)
    for row in range(sheet.max_row, 1, -1):
        value = sheet.cell(row=row, column=column + 1).value if column is not None else None
        if column is None or str(value) != unit_code:
            sheet.delete_rows(row)
