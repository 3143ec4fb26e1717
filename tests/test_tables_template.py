"""The 附件2 template: its layout, Excel validation, instructions, and reading it back."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pytest
from tables_helpers import POLICY_ITEMS, mof, only, problems_of, record, table, write_csv

from kaoping.scoring.data import BaseData, UnitRef
from kaoping.tables import read_base_data, write_template
from kaoping.tables.template import BLANK_TEMPLATE_ROWS, FIRST_DATA_ROW

UNITS = [
    UnitRef("0101", "东城区", 2023),
    UnitRef("0102", "西城区", 2023),
    UnitRef("0105", "朝阳区", 2023),
    UnitRef("0106", "丰台区", 2023),
]


def template(tmp_path, name="模板.xlsx", **kw):
    path = tmp_path / name
    write_template(mof(), path, **kw)
    return path, openpyxl.load_workbook(path)


def column_of(sheet, key: str) -> int:
    for cell in sheet[4]:
        if cell.value == key:
            return cell.column
    raise KeyError(key)


def validation_for(sheet, key: str):
    letter = openpyxl.utils.get_column_letter(column_of(sheet, key))
    for validation in sheet.data_validations.dataValidation:
        if any(str(r).startswith(f"{letter}{FIRST_DATA_ROW}:") for r in validation.sqref.ranges):
            return validation
    raise KeyError(key)


# --- layout ---------------------------------------------------------------------------------


def test_sheets_and_header_rows(tmp_path):
    _, workbook = template(tmp_path)
    assert workbook.sheetnames == ["基础数据", "填表说明", "方案信息"]
    sheet = workbook["基础数据"]
    fields = [f for f in mof().fields if f.source == "unit"]  # not the evaluator's factor
    assert "price_factor" not in [f.key for f in fields]
    assert "就业专项资金绩效评价" in sheet["A1"].value and "mof-2012" in sheet["A1"].value
    assert "2012.1" in sheet["A1"].value
    last = openpyxl.utils.get_column_letter(len(fields))
    assert f"A1:{last}1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == [f.label for f in fields]
    assert [c.value for c in sheet[3]] == [f.unit or None for f in fields]
    assert [c.value for c in sheet[4]] == [f.key for f in fields]
    assert sheet["A2"].font.b and sheet["A2"].alignment.wrap_text
    assert sheet["A4"].font.sz == 8
    assert "请勿修改" in sheet["A4"].comment.text


def test_code_column_is_text_and_panes_freeze_after_the_unit_name(tmp_path):
    _, workbook = template(tmp_path)
    sheet = workbook["基础数据"]
    assert sheet.cell(FIRST_DATA_ROW, column_of(sheet, "unit_code")).number_format == "@"
    assert sheet.cell(FIRST_DATA_ROW, column_of(sheet, "fund_expenditure")).number_format == (
        "#,##0.00"
    )
    assert sheet.freeze_panes == "C5"
    assert sheet.column_dimensions["B"].width == 18


@pytest.mark.parametrize(
    ("key", "kind", "operator", "first", "second"),
    [
        ("fund_expenditure", "decimal", "greaterThanOrEqual", "0", None),
        ("employed_after_subsidy", "whole", "greaterThanOrEqual", "0", None),
        ("registered_unemployment_rate", "decimal", "between", "0", "100"),
        ("year", "whole", "between", "2000", "2100"),
    ],
)
def test_excel_validation_by_field_type(tmp_path, key, kind, operator, first, second):
    _, workbook = template(tmp_path)
    validation = validation_for(workbook["基础数据"], key)
    assert (validation.type, validation.operator) == (kind, operator)
    assert (validation.formula1, validation.formula2) == (first, second)
    assert validation.showErrorMessage and validation.errorStyle == "stop"
    assert validation.error.startswith(f"“{mof().field(key).label}”应为")
    assert validation.prompt
    last = FIRST_DATA_ROW + BLANK_TEMPLATE_ROWS - 1
    assert str(validation.sqref).endswith(str(last))


def test_validation_covers_exactly_the_prefilled_units(tmp_path):
    _, workbook = template(tmp_path, units=UNITS)
    validation = validation_for(workbook["基础数据"], "local_raised")
    letter = openpyxl.utils.get_column_letter(column_of(workbook["基础数据"], "local_raised"))
    assert str(validation.sqref) == f"{letter}5:{letter}8"


def test_instructions_list_every_field_and_the_checks(tmp_path):
    _, workbook = template(tmp_path)
    sheet = workbook["填表说明"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("字段代码", "字段名称", "计量单位", "类型", "取值要求", "是否必填")
    fields = [f for f in mof().fields if f.source == "unit"]
    by_key = {row[0]: row for row in rows[1 : len(fields) + 1]}
    assert set(by_key) == {f.key for f in fields}  # the price factor is the evaluator's
    assert by_key["registered_unemployment_rate"][3] == "比率（百分数）"
    assert by_key["registered_unemployment_rate"][4] == mof().field(
        "registered_unemployment_rate"
    ).expected("zh")
    assert by_key["local_raised"][5] == "是"
    texts = [str(v) for row in rows for v in row if v]
    assert mof().checks[0].label in texts
    assert any(POLICY_ITEMS[0] in text and "<=" in text for text in texts)


def test_scheme_sheet_names_version_fingerprint_and_assumptions(tmp_path):
    _, workbook = template(tmp_path)
    values = [v for row in workbook["方案信息"].iter_rows(values_only=True) for v in row if v]
    scheme = mof()
    for expected in (scheme.code, scheme.version, scheme.sha256, *scheme.assumptions):
        assert expected in values


def test_english_template_reads_back(tmp_path):
    path, workbook = template(tmp_path, lang="en", units=UNITS[:2], year=2023)
    sheet = workbook["基础数据"]
    assert sheet["B2"].value == "unit name"
    _fill(sheet, 2)
    workbook.save(path)
    assert read_base_data(path, mof()).codes == ["0101", "0102"]


# --- reading back ---------------------------------------------------------------------------


def _fill(sheet, n: int) -> list[dict]:
    """Type valid values into the input cells of ``n`` pre-filled units, as a user would."""
    filled = []
    for offset in range(n):
        row = FIRST_DATA_ROW + offset
        values = record(
            sheet.cell(row, 1).value, sheet.cell(row, 2).value, sheet.cell(row, 3).value, offset
        )
        for spec in mof().input_fields:
            sheet.cell(row, column_of(sheet, spec.key), values[spec.key])
        filled.append(values)
    return filled


def test_blank_template_reads_as_empty(tmp_path):
    path, _ = template(tmp_path)
    problem = only(problems_of(lambda: read_base_data(path, mof())), "data.empty")
    assert problem.file == "模板.xlsx"


def test_filled_template_reads_back_like_the_same_csv(tmp_path):
    path, workbook = template(tmp_path, units=UNITS, year=2023)
    filled = _fill(workbook["基础数据"], len(UNITS))
    workbook.save(path)

    from_template = read_base_data(path, mof())
    from_csv = read_base_data(write_csv(tmp_path / "same.csv", table(filled), "gb18030"), mof())

    assert from_template.codes == ["0101", "0102", "0105", "0106"]
    assert from_template.units == from_csv.units
    assert from_template.rows == [5, 6, 7, 8]
    assert sorted(from_template.columns) == sorted(from_csv.columns)
    for key, values in from_csv.columns.items():
        np.testing.assert_array_equal(from_template.columns[key], values, err_msg=key)
    assert from_template.columns["fund_expenditure"].tolist() == [
        5000.25,
        5001.25,
        5002.25,
        5003.25,
    ]


def test_template_prefilled_with_data_reads_back_unchanged(tmp_path):
    source = read_base_data(
        write_csv(tmp_path / "in.csv", table([record(), record("0102", "乙", seed=3)])), mof()
    )
    buffer = io.BytesIO()
    write_template(mof(), buffer, data=source)
    again = read_base_data(buffer.getvalue(), mof(), filename="again.xlsx")
    assert again.units == source.units
    for key, values in source.columns.items():
        np.testing.assert_array_equal(again.columns[key], values, err_msg=key)


def test_prefilled_data_is_matched_to_units_by_code(tmp_path):
    source = BaseData.from_records(
        [{"unit_code": "0102", "unit_name": "西城区", "local_raised": 9.5}]
    )
    _, workbook = template(tmp_path, units=UNITS[:2], data=source)
    sheet = workbook["基础数据"]
    column = column_of(sheet, "local_raised")
    assert sheet.cell(5, column).value is None  # 0101 has no data
    assert sheet.cell(6, column).value == 9.5
    assert sheet.cell(5, 1).value == "0101" and sheet.cell(5, 3).value == 2023


def test_errors_in_a_template_name_spreadsheet_rows_and_labels(tmp_path):
    path, workbook = template(tmp_path, units=UNITS[:2], year=2023)
    sheet = workbook["基础数据"]
    _fill(sheet, 2)
    sheet.cell(6, column_of(sheet, "employed_after_subsidy"), "三百")
    workbook.save(path)
    problem = only(problems_of(lambda: read_base_data(path, mof())), "data.not_a_number")
    assert problem.render("zh").startswith(
        "文件 模板.xlsx 第 6 行 “当年享受就业补贴后实现就业的人数”列：值“三百”不是数字"
    )
