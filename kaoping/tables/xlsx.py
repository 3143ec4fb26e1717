"""XLSX workbooks, read with python-calamine (Rust: about ten times faster than openpyxl)."""

from __future__ import annotations

import io
from typing import cast

import python_calamine

from kaoping.scoring.messages import DataError
from kaoping.tables.bounds import LIMITS
from kaoping.tables.errors import fail
from kaoping.tables.xlsx_bounds import check_package, check_sheet
from kaoping.tables.xlsx_xml import declared_size, sheet_part

SHEET_NAME = "基础数据"  # the sheet of the template; other sheets may hold instructions
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected .xlsx
_REASON_LENGTH = 120
# calamine holds a sheet as a dense grid from A1 to its last cell, and Python then gets a list
# per row: 2 million cells take about 100 MB and a second. The mof-2012 table of 3,000 units
# has 84,000 cells; a stray entry in XFD1048576 would need many gigabytes.
MAX_CELLS = LIMITS.max_cells


def read_xlsx_rows(content: bytes, filename: str | None) -> tuple[str, list[list[object]]]:
    """The sheet to read and its cell values, row 1 first, column A first.

    Leading empty rows and columns are kept, so that ``rows[i][j]`` is the cell the user
    sees in row ``i + 1`` and column ``j + 1``.

    Raises
    ------
    DataError
        ``data.unreadable`` with a short reason when the bytes are not a workbook.
    """
    if not content.startswith(_ZIP_MAGIC):
        fail("data.unreadable", filename, reason=_not_a_workbook_reason(content))
    check_package(content, filename)  # before calamine reads anything (issue 11)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        with workbook:
            name = _choose_sheet(workbook, filename)
            _refuse_huge_sheet(content, name, filename)
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            return sheet.name, cast("list[list[object]]", rows)  # cells of any type
    except (KeyboardInterrupt, SystemExit, MemoryError, DataError):
        raise
    except BaseException as exc:  # calamine panics raise a BaseException (PanicException)
        fail("data.unreadable", filename, reason=_broken_workbook_reason(exc))


def _refuse_huge_sheet(content: bytes, name: str, filename: str | None) -> None:
    """Refuse by the declared range (calamine reserves room for it) and by the real one."""
    size = declared_size(content, name)
    if size is not None and size[1] * size[2] > MAX_CELLS:
        fail("data.too_large", filename, sheet=name, range=size[0])
    part = sheet_part(content, name)
    if part is None:
        raise ValueError(f"the sheet “{name}” has no part in the package")
    check_sheet(content, part, name, filename)


def _choose_sheet(workbook: python_calamine.CalamineWorkbook, filename: str | None) -> str:
    """The visible worksheet named 基础数据, else the first visible worksheet.

    A hidden sheet is never read, whatever its name: what the user cannot see in Excel must
    not become his data (issue 11).
    """
    visible = [
        meta.name
        for meta in workbook.sheets_metadata
        if meta.visible == python_calamine.SheetVisibleEnum.Visible
        and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    for name in visible:
        if name.strip() == SHEET_NAME:
            return name
    if not visible:
        fail("data.no_visible_sheet", filename)
    return visible[0]


def _not_a_workbook_reason(content: bytes) -> tuple[str, str]:
    if content.startswith(_OLE_MAGIC):
        return (
            "这是旧版 Excel 97-2003（.xls）文件或设置了打开密码的文件，"
            "请在 Excel 中取消密码并“另存为”Excel 工作簿（.xlsx）",
            "this is an old Excel 97-2003 (.xls) file or a password-protected one: remove "
            "the password and save it as an Excel workbook (.xlsx)",
        )
    head = content[:512]
    if head and all(b >= 0x20 or b in b"\t\r\n" for b in head.replace(b"\xef\xbb\xbf", b"")):
        return (
            "文件内容是文本而不是 Excel 工作簿；如果是 CSV，请把扩展名改为 .csv",
            "the file holds text, not an Excel workbook; if it is CSV, name it .csv",
        )
    return ("不是有效的 Excel 工作簿（.xlsx）", "not a valid Excel workbook (.xlsx)")


def _broken_workbook_reason(exc: BaseException) -> tuple[str, str]:
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:_REASON_LENGTH]
    return (
        f"Excel 工作簿已损坏或不完整（{detail}）",
        f"the Excel workbook is damaged or incomplete ({detail})",
    )
