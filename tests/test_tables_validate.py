"""Validating base data against mof-2012: the header, every rule and its message, the result."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tables_helpers import (
    POLICY_ITEMS,
    csv_bytes,
    mof,
    only,
    problems_of,
    records,
    scheme_with_fields,
    table,
    unit_fields,
    write_csv,
    write_xlsx,
)

from kaoping.tables import parse_base_data, read_base_data, read_sheet
from kaoping.tables.xlsx_xml import column_letters


def read_csv(rows, name="数据.csv", encoding="utf-8", scheme=None):
    return read_base_data(csv_bytes(rows, encoding), scheme or mof(), filename=name)


def csv_problems(rows, name="数据.csv", scheme=None, **kw):
    return problems_of(
        lambda: parse_base_data(read_sheet(csv_bytes(rows), name), scheme or mof(), **kw)
    )


def with_cell(key: str, value, row: int = 1, n: int = 3, header: str = "label"):
    """A valid table of ``n`` units with one cell changed (``row`` counts units from 0)."""
    data = records(n)
    data[row][key] = value
    return table(data, header=header)


# --- the result -----------------------------------------------------------------------------


def test_valid_table_gives_base_data_with_every_numeric_field():
    data = read_csv(table(records(3)), name="东城.csv")
    numeric = [f.key for f in unit_fields() if f.is_numeric]  # not the evaluator's factor
    assert sorted(data.columns) == sorted(numeric)
    assert data.codes == ["0101", "0102", "0103"]
    assert [u.name for u in data.units] == ["单位1", "单位2", "单位3"]
    assert [u.year for u in data.units] == [2023, 2023, 2023]
    assert data.rows == [2, 3, 4]
    assert data.source == "东城.csv"
    assert data.columns["fund_expenditure"].tolist() == [5000.25, 5001.25, 5002.25]
    assert data.columns["registered_unemployment_rate"].tolist() == [1.46] * 3
    assert data.columns["year"].tolist() == [2023.0] * 3
    assert data.columns["employed_after_subsidy"].dtype == np.float64


def test_sha256_is_the_files():
    import hashlib

    content = csv_bytes(table(records(2)))
    data = read_base_data(content, mof(), filename="a.csv")
    assert data.sha256 == hashlib.sha256(content).hexdigest()


def test_price_factor_is_the_evaluators_not_a_column_of_the_units_table():
    absent = read_csv(table(records(2)))
    assert "price_factor" not in absent.columns  # the engine takes the default, or the table's
    keys = [f.key for f in mof().fields]  # a unit typing its own factor
    rows = table([dict(r, price_factor=1.5) for r in records(2)], keys=keys)
    problem = only(csv_problems(rows), "data.evaluator_column")
    assert problem.column == "物价矫正系数" and "--price-factors" in problem.render("zh")


def test_empty_optional_field_without_default_is_nan():
    scheme = scheme_with_fields(
        [{"key": "notes_amount", "label": "备用金额", "type": "amount", "required": False}]
    )
    data = records(2)
    data[0]["notes_amount"] = 12
    result = read_csv(table(data, scheme=scheme), scheme=scheme)
    values = result.columns["notes_amount"]
    assert values[0] == 12.0 and math.isnan(values[1])


def test_numbers_are_read_as_users_type_them():
    data = records(2)
    data[0]["local_raised"] = " １,２３４.５ "
    data[0]["registered_unemployment_rate"] = "1.46%"
    data[1]["local_raised"] = "2,000"
    result = read_csv(table(data))
    assert result.columns["local_raised"].tolist() == [1234.5, 2000.0]
    assert result.columns["registered_unemployment_rate"].tolist() == [1.46, 1.46]


# --- header detection -----------------------------------------------------------------------


def test_header_by_keys_english_labels_and_case():
    by_key = read_csv(table(records(2), header="key"))
    by_english = read_csv(table(records(2), header="en"))
    rows = table(records(2), header="key")
    rows[0] = [k.upper() for k in rows[0]]
    by_upper_key = read_csv(rows)
    for data in (by_key, by_english, by_upper_key):
        assert data.codes == ["0101", "0102"]
        assert data.columns["fund_expenditure"].tolist() == [5000.25, 5001.25]


def test_header_labels_with_units_in_brackets_and_stray_spaces():
    rows = table(records(2))
    rows[0] = [
        f" {label[:2]} {label[2:]}（{spec.unit}）" if spec.unit else f"{label} "
        for label, spec in zip(rows[0], unit_fields(), strict=True)
    ]
    rows[0][3] = "当年本级财政筹集就业专项资金(万元)"
    rows[0][4] = "＊当年上级财政补助就业专项资金[万元]"
    data = read_csv(rows)
    assert data.columns["local_raised"].tolist() == [100.5, 101.5]


def test_title_unit_and_key_rows_are_skipped_and_rows_numbered_as_seen():
    labels, *body = table(records(2))
    units = [f.unit for f in unit_fields()]
    keys = [f.key for f in mof().fields]
    rows = [["就业专项资金基础数据表"], [], labels, units, keys, *body]
    data = read_csv(rows)
    assert data.codes == ["0101", "0102"]
    assert data.rows == [6, 7]


def test_empty_rows_between_units_are_skipped_and_numbering_kept():
    labels, first, second = table(records(2))
    data = read_csv([labels, first, [""] * len(first), second])
    assert data.rows == [2, 4]


def test_no_header_in_the_first_ten_rows():
    rows = [["说明"]] * 10 + table(records(1))
    problem = only(csv_problems(rows), "data.no_header")
    assert problem.file == "数据.csv"
    assert "前 10 行" in problem.render("zh")
    assert "“单位编码”（unit_code）" in problem.render("zh")
    assert "unit_code" in problem.render("en")


# --- column rules ---------------------------------------------------------------------------


def test_missing_required_column_names_label_and_key():
    keys = [f.key for f in mof().fields if f.key != "fund_expenditure"]
    problems = csv_problems(table(records(2), keys=keys))
    problem = only(problems, "data.missing_column")
    assert problem.row is None
    assert problem.render("zh") == "文件 数据.csv：缺少列“当年就业专项资金支出”（fund_expenditure）"
    assert problem.render("en") == (
        "file 数据.csv: the column “employment fund expenditure this year” "
        "(fund_expenditure) is missing"
    )


def test_unknown_column_is_named_as_written():
    rows = table(records(2))
    rows[0].append("备注 ")
    for row in rows[1:]:
        row.append("无")
    problem = only(csv_problems(rows), "data.unknown_column")
    assert problem.row == 1
    assert (
        problem.render("zh")
        == "文件 数据.csv 第 1 行 “备注”列：无法识别的列“备注”，应为方案中的字段"
    )


def test_duplicate_column_names_both_headers():
    rows = table(records(2))
    rows[0].append("fund_expenditure")
    for row in rows[1:]:
        row.append(1)
    problem = only(csv_problems(rows), "data.duplicate_column")
    assert problem.row == 1
    assert problem.column == "fund_expenditure"
    assert "“当年就业专项资金支出”" in problem.render("zh")


def test_data_under_an_empty_header_is_reported():
    rows = table(records(2))
    rows[0].extend(["", ""])
    rows[2].extend(["", "遗漏的数"])
    problem = only(csv_problems(rows), "data.unnamed_column")
    assert problem.column == column_letters(len(unit_fields()) + 1)
    assert problem.row == 1
    assert "“遗漏的数”" in problem.render("zh")
    assert "no header" in problem.render("en")


# --- cell rules -----------------------------------------------------------------------------


def test_empty_required_cell():
    problem = only(csv_problems(with_cell("local_raised", "  ")), "data.required")
    assert problem.render("zh") == (
        "文件 数据.csv 第 3 行 “当年本级财政筹集就业专项资金”列：必填，不能为空，"
        "应为数字，不小于 0（万元）"
    )


def test_empty_unit_code_and_name_are_required():
    data = records(2)
    data[0]["unit_code"] = ""
    data[1]["unit_name"] = ""
    problems = csv_problems(table(data))
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("data.required", 2, "单位编码"),
        ("data.required", 3, "单位名称"),
    ]


def test_text_in_a_numeric_cell():
    problem = only(csv_problems(with_cell("fund_expenditure", "约5000")), "data.not_a_number")
    assert problem.render("zh") == (
        "文件 数据.csv 第 3 行 “当年就业专项资金支出”列：值“约5000”不是数字，"
        "应为数字，不小于 0（万元）"
    )
    assert problem.render("en").startswith(
        "file 数据.csv, row 3, column “当年就业专项资金支出”: “约5000” is not a number"
    )


def test_negative_amount_is_below_min():
    problem = only(csv_problems(with_cell("year_end_balance", "-12.5")), "data.below_min")
    assert problem.render("zh") == (
        "文件 数据.csv 第 3 行 “当年末滚存结余资金”列：值 -12.5 小于下限，应为数字，不小于 0（万元）"
    )


@pytest.mark.parametrize(("value", "code"), [("120", "data.above_max"), ("-1", "data.below_min")])
def test_rate_outside_0_to_100(value, code):
    problem = only(csv_problems(with_cell("registered_unemployment_rate", value)), code)
    assert problem.column == "城镇登记失业率"
    assert f"值 {value} " in problem.render("zh")
    assert "范围 0～100" in problem.render("zh")


def test_fractional_head_count_is_not_an_integer():
    problem = only(csv_problems(with_cell("employed_after_training", "12.5")), "data.not_integer")
    assert problem.render("zh") == (
        "文件 数据.csv 第 3 行 “当年享受职业培训补贴后实现就业人数”列：值 12.5 不是整数，"
        "应为整数，不小于 0（人）"
    )


def test_fractional_year_is_not_an_integer():
    problem = only(csv_problems(with_cell("year", "2023.5")), "data.not_integer")
    assert problem.column == "评价年度"
    assert "2023.5 is not a whole number" in problem.render("en")


def test_year_out_of_range():
    problem = only(csv_problems(with_cell("year", "1999", n=1, row=0)), "data.below_min")
    assert "1999" in problem.render("zh")


def test_each_bad_cell_gets_one_problem():
    problem = only(csv_problems(with_cell("employed_after_training", "-1.5")), "data.not_integer")
    assert problem.value == "-1.5"


# --- row rules ------------------------------------------------------------------------------


def test_duplicate_unit_names_the_first_row():
    data = records(3)
    data[2]["unit_code"] = "0101"
    problem = only(csv_problems(table(data)), "data.duplicate_unit")
    assert problem.row == 4
    assert (
        problem.render("zh")
        == "文件 数据.csv 第 4 行 “单位编码”列：单位编码“0101”重复（第 2 行已有）"
    )
    assert problem.render("en").endswith("the unit code “0101” is repeated (already on row 2)")


def test_year_must_be_the_same_in_every_row():
    data = records(3)
    data[1]["year"] = 2022
    problem = only(csv_problems(table(data)), "data.year_mismatch")
    assert problem.row == 3
    assert (
        problem.render("zh")
        == "文件 数据.csv 第 3 行 “评价年度”列：年度 2022 与其他行不一致，应为 2023"
    )


def test_policy_items_above_expenditure_fail_the_check():
    data = records(2)
    data[1]["fund_expenditure"] = 100
    problem = only(csv_problems(table(data)), "data.check_failed")
    total = sum(data[1][k] for k in POLICY_ITEMS)
    assert problem.row == 3
    assert problem.column == "当年就业专项资金支出"
    assert problem.render("zh") == (
        "文件 数据.csv 第 3 行 “当年就业专项资金支出”列："
        f"九项中央政策支出之和不得超过当年就业专项资金支出：{total:g} 应不大于 100"
    )
    assert problem.render("en") == (
        "file 数据.csv, row 3, column “当年就业专项资金支出”: the nine central-policy items "
        f"cannot exceed the fund expenditure: {total:g} should be at most 100"
    )


def test_check_names_the_right_hand_column_as_written():
    data = records(1)
    data[0]["fund_expenditure"] = 100
    rows = table(data, header="key")
    problem = only(csv_problems(rows), "data.check_failed")
    assert problem.column == "fund_expenditure"


def test_checks_skip_rows_with_bad_cells():
    data = records(2)
    data[1]["fund_expenditure"] = 100  # would fail the check...
    data[1]["internship_subsidy"] = "n/a"  # ...but this row already has a problem
    codes = [p.code for p in csv_problems(table(data))]
    assert codes == ["data.not_a_number"]


def test_header_only_table_is_empty():
    problem = only(csv_problems(table([])), "data.empty")
    assert problem.render("zh") == "文件 数据.csv：文件没有任何数据行"


# --- reporting ------------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_in_reading_order():
    data = records(3)
    data[2]["fund_expenditure"] = "x"
    data[0]["local_raised"] = -1
    data[1]["employed_after_subsidy"] = 1.5
    problems = csv_problems(table(data))
    assert [(p.row, p.code) for p in problems] == [
        (2, "data.below_min"),
        (3, "data.not_integer"),
        (4, "data.not_a_number"),
    ]


def test_problems_are_capped_with_a_count():
    data = records(30)
    for r in data:
        r["local_raised"] = "?"
    problems = csv_problems(table(data), max_problems=5)
    assert len(problems) == 6
    assert [p.code for p in problems[:5]] == ["data.not_a_number"] * 5
    assert problems[-1].render("zh") == "文件 数据.csv：问题过多，仅显示前 5 条（共 30 条）"
    assert (
        problems[-1].render("en") == "file 数据.csv: too many problems: showing the first 5 of 30"
    )


# --- XLSX specifics -------------------------------------------------------------------------


def test_xlsx_numeric_codes_are_padded_by_their_number_format(tmp_path):
    data = records(3)
    for r in data:
        r["unit_code"] = int(r["unit_code"])
    code_column = 0
    path = write_xlsx(tmp_path / "a.xlsx", table(data), formats={code_column: "000000"})
    result = read_base_data(path, mof())
    assert result.codes == ["000101", "000102", "000103"]


def test_xlsx_numeric_codes_without_format_lose_no_digits(tmp_path):
    data = records(2)
    data[0]["unit_code"], data[1]["unit_code"] = 110101, "0102"
    result = read_base_data(write_xlsx(tmp_path / "a.xlsx", table(data)), mof())
    assert result.codes == ["110101", "0102"]


def test_xlsx_percent_formatted_rate_is_read_as_the_percent_shown(tmp_path):
    data = records(2)
    data[0]["registered_unemployment_rate"] = 0.0146  # Excel shows 1.46%
    data[1]["registered_unemployment_rate"] = 0.021
    rate_column = [f.key for f in mof().fields].index("registered_unemployment_rate")
    path = write_xlsx(tmp_path / "a.xlsx", table(data), formats={rate_column: "0.00%"})
    result = read_base_data(path, mof())
    assert result.columns["registered_unemployment_rate"].tolist() == [1.46, 2.1]


def test_xlsx_percent_formatted_rate_is_checked_as_shown(tmp_path):
    data = records(1)
    data[0]["registered_unemployment_rate"] = 1.46  # Excel shows 146.00%
    rate_column = [f.key for f in mof().fields].index("registered_unemployment_rate")
    path = write_xlsx(tmp_path / "a.xlsx", table(data), formats={rate_column: "0.00%"})
    problem = only(problems_of(lambda: read_base_data(path, mof())), "data.above_max")
    assert "值 146 大于上限" in problem.render("zh")


def test_xlsx_messages_use_spreadsheet_rows(tmp_path):
    labels, *body = table(records(2))
    body[1][0] = ""
    rows = [["基础数据表"], labels, *body]
    problems = problems_of(lambda: read_base_data(write_xlsx(tmp_path / "b.xlsx", rows), mof()))
    problem = only(problems, "data.required")
    assert problem.render("zh").startswith("文件 b.xlsx 第 4 行 “单位编码”列")


def test_xlsx_and_csv_give_the_same_data(tmp_path):
    rows = table(records(4))
    from_xlsx = read_base_data(write_xlsx(tmp_path / "a.xlsx", rows), mof())
    from_csv = read_base_data(write_csv(tmp_path / "a.csv", rows, "gb18030"), mof())
    assert from_xlsx.units == from_csv.units
    for key, values in from_csv.columns.items():
        np.testing.assert_array_equal(from_xlsx.columns[key], values)


def test_bool_and_date_cells_are_not_numbers(tmp_path):
    import datetime

    data = records(2)
    data[0]["local_raised"] = True
    data[1]["local_raised"] = datetime.date(2023, 1, 2)
    problems = problems_of(
        lambda: read_base_data(write_xlsx(tmp_path / "c.xlsx", table(data)), mof())
    )
    assert [(p.code, p.row) for p in problems] == [
        ("data.not_a_number", 2),
        ("data.not_a_number", 3),
    ]
    assert "“TRUE”" in problems[0].render("zh")
