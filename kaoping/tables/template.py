"""The base-data template (附件2 基础数据表) as an Excel workbook, written with openpyxl.

Sheet 基础数据: row 1 a title, row 2 the field labels, row 3 their units, row 4 the field
keys (what the reader matches on; "do not edit"), one unit per row from row 5. Excel's data
validation stops most wrong entries while the user types; the reader checks everything again,
since validation is easy to paste over. Sheet 填表说明 explains every field and check, sheet
方案信息 names the scheme (code, version, fingerprint) and its assumptions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaoping.scoring.data import BaseData, UnitRef
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext
from kaoping.scoring.schemes import FieldSpec, Scheme
from kaoping.tables.xlsx import SHEET_NAME

INSTRUCTIONS_SHEET = gettext_noop("Instructions")
SCHEME_SHEET = gettext_noop("Scheme information")
TITLE_ROW, LABEL_ROW, UNIT_ROW, KEY_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5
BLANK_TEMPLATE_ROWS = 200  # input rows prepared (formats, validation) when no units are given

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
_UNIT_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)

# Excel number format per field type; rates are percent figures (1.46), never "0.00%".
_NUMBER_FORMATS = {
    "text": "@",
    "year": "0",
    "count": "0",
    "amount": "#,##0.00",
    "rate": "0.00",
    "factor": "0.00",
}
# Each text of the template, translated when it is written.
_TEXT = {
    "title": gettext_noop("{name}: base data (scheme {code}, version {version})"),
    "key_comment": gettext_noop(
        "Row 4 holds the field keys the system reads the columns by: do not edit."
    ),
    "error_title": gettext_noop("Invalid entry"),
    "error": gettext_noop("“{label}” must be {expected}"),
    "code_prompt": gettext_noop("Typed as text: leading zeros are kept (e.g. 0101)"),
    "no_default": gettext_noop("no (empty means {default})"),
    "notes_header": gettext_noop("Notes for filling in"),
    "assumptions": gettext_noop("Assumptions and notes"),
}


def _type_name(kind: str, lang: str) -> str:
    """A field type as the instructions sheet names it."""
    names = {
        "text": pgettext("field type", "text", lang),
        "year": pgettext("field type", "year", lang),
        "amount": pgettext("field type", "amount", lang),
        "rate": pgettext("field type", "rate (percent)", lang),
        "count": pgettext("field type", "count (whole number)", lang),
        "number": pgettext("field type", "number", lang),
        "factor": pgettext("field type", "factor", lang),
        "score": pgettext("field type", "score", lang),
    }
    return names.get(kind, kind)


def _instructions_header(lang: str) -> tuple[str, ...]:
    return (
        pgettext("template heading", "key", lang),
        pgettext("template heading", "label", lang),
        pgettext("template heading", "unit", lang),
        pgettext("template heading", "type", lang),
        pgettext("template heading", "expected", lang),
        pgettext("template heading", "required", lang),
        pgettext("template heading", "description", lang),
    )


def _checks_header(lang: str) -> tuple[str, ...]:
    return (
        pgettext("template heading", "data checks", lang),
        pgettext("template heading", "rule", lang),
    )


def _scheme_rows(lang: str) -> tuple[str, ...]:
    return (
        pgettext("template heading", "scheme code", lang),
        pgettext("template heading", "scheme name", lang),
        pgettext("template heading", "version", lang),
        pgettext("template heading", "year", lang),
        pgettext("template heading", "fingerprint (SHA-256)", lang),
        pgettext("template heading", "source", lang),
        pgettext("template heading", "description", lang),
    )


def _notes(lang: str) -> tuple[str, ...]:
    return (
        gettext(
            "One unit per row, from row 5; rows 1-4 hold the title, labels, units and "
            "field keys: do not edit them.",
            lang,
        ),
        gettext("Unit codes are text: leading zeros are kept; a code may appear only once.", lang),
        gettext("All units report the same year.", lang),
        # xgettext:no-python-format
        gettext("Rates are percent figures: 1.46 means 1.46%.", lang),
        gettext("Optional fields left empty take their default.", lang),
        gettext(
            "A CSV file (UTF-8 or GBK/GB18030) with field labels or keys as header is "
            "accepted too.",
            lang,
        ),
    )


def write_template(
    scheme: Scheme,
    path_or_buffer: str | Path | IO[bytes],
    *,
    units: list[UnitRef] | None = None,
    year: int | None = None,
    data: BaseData | None = None,
    lang: str = "zh",
) -> None:
    """Write the base-data template of a scheme as an XLSX workbook.

    Parameters
    ----------
    scheme : Scheme
    path_or_buffer : str, Path or binary file
    units : list of UnitRef, optional
        Units to pre-fill (code, name, year), one per row; by default ``data``'s units,
        else an empty table.
    year : int, optional
        The evaluation year to pre-fill for every unit (else each unit's own year).
    data : BaseData, optional
        Values to pre-fill, matched to ``units`` by code: the web application gives a unit
        its own table back to correct.
    lang : {"zh", "en"}
        Language of labels, prompts and instructions. Sheet names stay Chinese.

    Examples
    --------
    >>> from kaoping.scoring.schemes import load_scheme
    >>> write_template(load_scheme("mof-2012"), "模板.xlsx")  # doctest: +SKIP
    """
    if units is None and data is not None:
        units = list(data.units)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    _write_data_sheet(sheet, scheme, units or [], year, data, lang)
    _write_instructions(workbook.create_sheet(gettext(INSTRUCTIONS_SHEET, lang)), scheme, lang)
    _write_scheme_info(workbook.create_sheet(gettext(SCHEME_SHEET, lang)), scheme, lang)
    workbook.save(path_or_buffer)


def _pick(key: str, lang: str) -> str:
    return gettext(_TEXT[key], lang)


# --- 基础数据 ---------------------------------------------------------------------------------


def _write_data_sheet(
    sheet: Worksheet,
    scheme: Scheme,
    units: Sequence[UnitRef],
    year: int | None,
    data: BaseData | None,
    lang: str,
) -> None:
    # The evaluator's fields (the price factor) are not the unit's to fill in.
    fields = [f for f in scheme.fields if f.source == "unit"]
    _write_title(sheet, scheme, len(fields), lang)
    for col, spec in enumerate(fields, start=1):
        _write_header_cells(sheet, col, spec, lang)
        sheet.column_dimensions[get_column_letter(col)].width = _column_width(spec, lang)
    sheet.cell(KEY_ROW, 1).comment = Comment(_pick("key_comment", lang), "kaoping")
    last_row = FIRST_DATA_ROW + (len(units) or BLANK_TEMPLATE_ROWS) - 1
    _format_input_cells(sheet, fields, last_row)
    _fill_units(sheet, fields, units, year, data)
    for col, spec in enumerate(fields, start=1):
        validation = _validation(spec, lang)
        if validation is not None:
            letter = get_column_letter(col)
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, _first_input_column(fields))
    sheet.row_dimensions[TITLE_ROW].height = 30
    sheet.row_dimensions[LABEL_ROW].height = 64
    sheet.row_dimensions[KEY_ROW].height = 24
    sheet.print_title_rows = f"{TITLE_ROW}:{KEY_ROW}"
    sheet.page_setup.orientation = "landscape"


def _write_title(sheet: Worksheet, scheme: Scheme, width: int, lang: str) -> None:
    title = _pick("title", lang).format(
        name=scheme.name_for(lang), code=scheme.code, version=scheme.version
    )
    cell = sheet.cell(TITLE_ROW, 1, title)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)


def _write_header_cells(sheet: Worksheet, col: int, spec: FieldSpec, lang: str) -> None:
    label = sheet.cell(LABEL_ROW, col, spec.label_for(lang))
    label.font = Font(bold=True)
    label.fill = _LABEL_FILL
    label.alignment = _CENTRE
    label.border = _BORDER
    unit = sheet.cell(UNIT_ROW, col, spec.unit or None)
    unit.fill = _UNIT_FILL
    unit.alignment = _CENTRE
    unit.border = _BORDER
    key = sheet.cell(KEY_ROW, col, spec.key)
    key.font = Font(size=8, color="808080")
    key.fill = _UNIT_FILL
    key.alignment = _CENTRE
    key.border = _BORDER


def _column_width(spec: FieldSpec, lang: str) -> float:
    """Wide enough for the label in about three wrapped lines, within 10 to 20 characters."""
    if spec.key in ("unit_code", "year"):
        return 12
    if spec.key == "unit_name":
        return 18
    label = spec.label_for(lang)
    # A Chinese character takes about two character widths.
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in label)
    return float(min(max(math.ceil(units / 3) + 2, 10), 20))


def _first_input_column(fields: Sequence[FieldSpec]) -> int:
    """The column right of the unit name (1-based): panes freeze left of it."""
    keys = [spec.key for spec in fields]
    return keys.index("unit_name") + 2 if "unit_name" in keys else 1


def _format_input_cells(sheet: Worksheet, fields: Sequence[FieldSpec], last_row: int) -> None:
    # Text format on the code column is what keeps Excel from turning 0101 into 101.
    for col, spec in enumerate(fields, start=1):
        number_format = _NUMBER_FORMATS.get(spec.type, "General")
        for row in range(FIRST_DATA_ROW, last_row + 1):
            cell = sheet.cell(row, col)
            cell.number_format = number_format
            cell.border = _BORDER


def _fill_units(
    sheet: Worksheet,
    fields: Sequence[FieldSpec],
    units: Sequence[UnitRef],
    year: int | None,
    data: BaseData | None,
) -> None:
    position_in_data = {code: i for i, code in enumerate(data.codes)} if data else {}
    for offset, unit in enumerate(units):
        row = FIRST_DATA_ROW + offset
        source = position_in_data.get(unit.code)
        for col, spec in enumerate(fields, start=1):
            value = _prefilled_value(spec, unit, year, data, source)
            if value is not None:
                sheet.cell(row, col, value)


def _prefilled_value(
    spec: FieldSpec, unit: UnitRef, year: int | None, data: BaseData | None, source: int | None
) -> object:
    if spec.key == "unit_code":
        return str(unit.code)
    if spec.key == "unit_name":
        return unit.name
    if spec.key == "year" and (year or unit.year):
        return year or unit.year
    if data is None or source is None or spec.key not in data.columns:
        return None
    value = float(data.columns[spec.key][source])
    if math.isnan(value):
        return None
    return int(value) if spec.type in ("count", "year") and value.is_integer() else value


def _validation(spec: FieldSpec, lang: str) -> DataValidation | None:
    """Excel's own check of a column while the user types, with a prompt saying what fits."""
    label = spec.label_for(lang)
    expected = spec.expected(lang)
    if spec.key == "unit_code":
        validation = DataValidation(allow_blank=True)
        prompt = _pick("code_prompt", lang)
    elif spec.is_numeric:
        kind = "whole" if spec.type in ("count", "year") else "decimal"
        operator, first, second = _bounds(spec)
        validation = DataValidation(
            type=kind, operator=operator, formula1=first, formula2=second, allow_blank=True
        )
        prompt = expected
        if spec.description:
            prompt = gettext("{expected}. {description}", lang).format(
                expected=expected, description=spec.description
            )
    else:
        return None
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.errorStyle = "stop"
    validation.errorTitle = _pick("error_title", lang)
    validation.error = _pick("error", lang).format(label=label, expected=expected)[:225]
    validation.promptTitle = label[:32]  # Excel's limits: 32 for titles, 255 for texts
    validation.prompt = prompt[:255]
    return validation


def _bounds(spec: FieldSpec) -> tuple[str, str, str | None]:
    """Excel operator and limits for a numeric field's min and max."""
    lo, hi = spec.min, spec.max
    if lo is not None and hi is not None:
        return "between", _number(lo), _number(hi)
    if lo is not None:
        return "greaterThanOrEqual", _number(lo), None
    if hi is not None:
        return "lessThanOrEqual", _number(hi), None
    # Excel needs some bound; this one only says "a number".
    return "between", "-1E+15", "1E+15"


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# --- 填表说明 and 方案信息 --------------------------------------------------------------------


def _write_instructions(sheet: Worksheet, scheme: Scheme, lang: str) -> None:
    en = lang == "en"  # a scheme's own texts come in both languages as data
    _write_heading(sheet, 1, _instructions_header(lang))
    fields = [f for f in scheme.fields if f.source == "unit"]
    for row, spec in enumerate(fields, start=2):
        values = (
            spec.key,
            spec.label_for(lang),
            spec.unit,
            _type_name(spec.type, lang),
            spec.expected(lang),
            _required_text(spec, lang),
            spec.description,
        )
        for col, value in enumerate(values, start=1):
            sheet.cell(row, col, value).alignment = Alignment(wrap_text=True, vertical="top")
    row = len(fields) + 3
    if scheme.checks:
        _write_heading(sheet, row, _checks_header(lang))
        for check in scheme.checks:
            row += 1
            label = (check.label_en or check.label) if en else check.label
            sheet.cell(row, 1, label)
            sheet.cell(row, 2, check.condition.text)
        row += 2
    sheet.cell(row, 1, _pick("notes_header", lang)).font = Font(bold=True)
    for number, note in enumerate(_notes(lang), start=1):
        sheet.cell(row + number, 1, f"{number}. {note}")
    for letter, width in zip("ABCDEFG", (30, 30, 10, 16, 36, 16, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _required_text(spec: FieldSpec, lang: str) -> str:
    if spec.default is not None:
        default = _number(spec.default)
        return _pick("no_default", lang).format(default=default)
    if spec.required:
        return pgettext("required", "yes", lang)
    return pgettext("required", "no", lang)


def _write_scheme_info(sheet: Worksheet, scheme: Scheme, lang: str) -> None:
    values = (
        scheme.code,
        scheme.name_for(lang),
        scheme.version,
        scheme.year,
        scheme.sha256,
        scheme.source,
        scheme.description,
    )
    for row, (name, value) in enumerate(zip(_scheme_rows(lang), values, strict=True), 1):
        sheet.cell(row, 1, name).font = Font(bold=True)
        sheet.cell(row, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
    row = len(values) + 2
    sheet.cell(row, 1, _pick("assumptions", lang)).font = Font(bold=True)
    for number, assumption in enumerate(scheme.assumptions, start=1):
        sheet.cell(row + number, 1, number)
        sheet.cell(row + number, 2, assumption).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100


def _write_heading(sheet: Worksheet, row: int, names: Sequence[str]) -> None:
    for col, name in enumerate(names, start=1):
        cell = sheet.cell(row, col, name)
        cell.font = Font(bold=True)
        cell.fill = _LABEL_FILL
        cell.border = _BORDER
