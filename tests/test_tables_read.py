"""Reading raw sheets: encodings, delimiters, sheets, broken files, and cell conversion."""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tables_helpers import csv_bytes, mof, only, problems_of, records, table, write_csv, write_xlsx

from kaoping.scoring.errors import DataError
from kaoping.tables import read_base_data, read_sheet
from kaoping.tables.cells import (
    NotANumber,
    code_text,
    is_percent_format,
    parse_number,
    show,
    zero_pad_width,
)
from kaoping.tables.xlsx_xml import (
    column_index,
    column_letters,
    declared_size,
    read_number_formats,
)

ROWS = [
    ["单位编码", "单位名称", "本级财政支出"],
    ["0101", "东城区", "1,234.5"],
    ["0102", "西城区", "7"],
]


# --- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_is_read_in_every_usual_encoding(tmp_path, encoding):
    path = write_csv(tmp_path / "数据.csv", ROWS, encoding)
    sheet = read_sheet(path)
    assert sheet.rows == ROWS
    assert sheet.filename == "数据.csv"
    assert sheet.kind == "csv"
    assert sheet.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_sniffed(tmp_path, delimiter):
    path = write_csv(tmp_path / "a.csv", ROWS, delimiter=delimiter)
    assert read_sheet(path).rows == ROWS


def test_tab_separated_numbers_with_thousands_separators_are_not_split():
    content = "单位编码\t金额\n0101\t1,234,567.8\n0102\t2,000\n".encode()
    assert read_sheet(content, "a.csv").rows[1] == ["0101", "1,234,567.8"]


def test_csv_codes_keep_leading_zeros_and_stay_text(tmp_path):
    path = write_csv(tmp_path / "a.csv", table(records(2)), "gb18030")
    data = read_base_data(path, mof())
    assert data.codes == ["0101", "0102"]


def test_undecodable_csv_is_an_encoding_problem():
    # 0x80 and 0xFF are invalid lead bytes in both UTF-8 and GB18030.
    problem = only(
        problems_of(lambda: read_sheet(b"a,b\n\x80\xff\x80\xff", "x.csv")), "data.encoding"
    )
    assert problem.file == "x.csv"
    assert "GB18030" in problem.render("zh")


def test_csv_with_nul_bytes_is_an_encoding_problem():
    # UTF-16 without its byte-order mark: every other byte is NUL.
    content = "单位编码,单位名称\n".encode("utf-16-le")
    assert problems_of(lambda: read_sheet(content, "u.csv"))[0].code == "data.encoding"


def test_workbook_named_csv_is_unreadable_with_a_hint(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", ROWS)
    problem = problems_of(lambda: read_sheet(path.read_bytes(), "a.csv"))[0]
    assert problem.code == "data.unreadable"
    assert ".xlsx" in problem.render("zh")


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_first_sheet_is_read_with_cell_types(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["单位编码", "金额"], ["0101", 12.5], [101, 3]])
    sheet = read_sheet(path)
    assert sheet.kind == "xlsx"
    assert sheet.rows == [["单位编码", "金额"], ["0101", 12.5], [101.0, 3.0]]


def test_xlsx_prefers_the_sheet_named_base_data(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", ROWS, sheet="基础数据", first_sheet="填表说明")
    sheet = read_sheet(path)
    assert sheet.sheet_name == "基础数据"
    assert sheet.rows[1][0] == "0101"


def test_xlsx_rows_keep_their_spreadsheet_positions(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["C3"] = "x"
    workbook.active["D5"] = 2
    workbook.save(tmp_path / "a.xlsx")
    rows = read_sheet(tmp_path / "a.xlsx").rows
    assert rows[2][2] == "x"  # C3
    assert rows[4][3] == 2.0  # D5


def test_bytes_without_a_name_are_recognised_by_content(tmp_path):
    xlsx = write_xlsx(tmp_path / "a.xlsx", ROWS).read_bytes()
    assert read_sheet(xlsx).kind == "xlsx"
    assert read_sheet(b"a,b\n1,2\n").kind == "csv"


def test_excels_unicode_text_saved_as_txt_is_read():
    content = "单位编码\t单位名称\r\n0101\t东城区\r\n".encode("utf-16")
    assert read_sheet(content, "基础数据.txt").rows == [
        ["单位编码", "单位名称"],
        ["0101", "东城区"],
    ]


@pytest.mark.parametrize("name", ["data.xls", "data.json", "data.docx"])
def test_other_suffixes_are_unsupported(name):
    problem = only(problems_of(lambda: read_sheet(b"a,b\n1,2\n", name)), "data.unsupported_format")
    suffix = name[name.index(".") :]
    assert f"“{suffix}”" in problem.render("zh")
    assert f"unsupported file type “{suffix}”" in problem.render("en")


def test_text_named_xlsx_is_unreadable_with_reason():
    problem = only(problems_of(lambda: read_sheet(b"a,b\n1,2\n", "a.xlsx")), "data.unreadable")
    assert problem.render("zh") == (
        "文件 a.xlsx：无法读取文件：文件内容是文本而不是 Excel 工作簿；如果是 CSV，请把扩展名改为 .csv"
    )


def test_truncated_xlsx_is_unreadable(tmp_path):
    content = write_xlsx(tmp_path / "a.xlsx", ROWS).read_bytes()
    problem = only(problems_of(lambda: read_sheet(content[:600], "a.xlsx")), "data.unreadable")
    assert "损坏或不完整" in problem.render("zh")
    assert "damaged or incomplete" in problem.render("en")


def test_old_xls_or_encrypted_workbook_is_explained():
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    problem = only(problems_of(lambda: read_sheet(content, "a.xlsx")), "data.unreadable")
    assert ".xls" in problem.render("zh")
    assert "password" in problem.render("en")


def test_zip_that_is_not_a_workbook_is_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    problem = only(problems_of(lambda: read_sheet(buffer.getvalue(), "z.xlsx")), "data.unreadable")
    assert problem.file == "z.xlsx"


def test_missing_file_is_unreadable(tmp_path):
    problem = only(problems_of(lambda: read_sheet(tmp_path / "nope.csv")), "data.unreadable")
    assert problem.file == "nope.csv"


@pytest.mark.parametrize("content", [b"", b"  \r\n\t", b"\xef\xbb\xbf", b",,,\n,,\n"])
def test_empty_csv_is_empty(content):
    assert problems_of(lambda: read_sheet(content, "e.csv"))[0].code == "data.empty"


def test_empty_workbook_is_empty(tmp_path):
    openpyxl.Workbook().save(tmp_path / "e.xlsx")
    assert problems_of(lambda: read_sheet(tmp_path / "e.xlsx"))[0].code == "data.empty"


def test_filename_argument_overrides_the_path_name(tmp_path):
    path = write_csv(tmp_path / "upload-8f3a.tmp", ROWS)
    assert read_sheet(path, filename="东城区.csv").filename == "东城区.csv"


# --- number formats -------------------------------------------------------------------------


def test_number_formats_are_read_for_chosen_columns(tmp_path):
    rows = [["code", "rate"], [101, 0.0146], [102, 0.02]]
    path = write_xlsx(tmp_path / "f.xlsx", rows, formats={0: "000000", 1: "0.00%"})
    formats = read_number_formats(path.read_bytes(), "Sheet1", [0, 1])
    assert formats == {0: {1: "000000", 2: "000000"}, 1: {1: "0.00%", 2: "0.00%"}}


def test_number_formats_without_cell_references_fall_back_to_openpyxl(tmp_path):
    rows = [["code"], [101], [102]]
    content = write_xlsx(tmp_path / "f.xlsx", rows, formats={0: "0000"}).read_bytes()
    stripped = _rewrite_sheet(content, lambda xml: xml.replace(b' r="A', b' x="A'))
    assert read_number_formats(stripped, "Sheet1", [0]) == {0: {1: "0000", 2: "0000"}}


def _rewrite_sheet(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, change(data) if name == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def test_declared_size_is_read_from_the_dimension(tmp_path):
    content = write_xlsx(tmp_path / "a.xlsx", [["a", "b"], [1, 2], [3, 4]]).read_bytes()
    assert declared_size(content, "Sheet1") == ("A1:B3", 3, 2)
    assert declared_size(content, "no such sheet") is None
    assert declared_size(b"not a zip", "Sheet1") is None


def test_sheet_declaring_a_huge_range_is_refused_before_reading(tmp_path):
    # One stray cell in XFD1048576 would make calamine build a grid of 17 billion cells.
    content = write_xlsx(tmp_path / "a.xlsx", ROWS).read_bytes()
    huge = _rewrite_sheet(content, lambda xml: xml.replace(b'ref="A1:C3"', b'ref="A1:XFD1048576"'))
    problem = only(problems_of(lambda: read_sheet(huge, "大表.xlsx")), "data.too_large")
    assert problem.render("zh").startswith(
        "文件 大表.xlsx：工作表“Sheet1”的使用范围 A1:XFD1048576 过大"
    )


def test_column_letters():
    indexes = (0, 25, 26, 27, 701, 702, 16383)
    letters = ["A", "Z", "AA", "AB", "ZZ", "AAA", "XFD"]
    assert [column_letters(i) for i in indexes] == letters
    assert [column_index(x) for x in letters] == list(indexes)


# --- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234.5", 1234.5),
        (" 1,234.5 ", 1234.5),
        ("1,234,567", 1234567.0),
        ("１２３４．５", 1234.5),  # full-width digits and point
        ("１，２３４", 1234.0),  # full-width comma
        ("\u3000 42\u3000", 42.0),  # ideographic spaces
        ("−3", -3.0),  # U+2212 minus sign
        ("1e3", 1000.0),
        (".5", 0.5),
        (7, 7.0),
        (2.5, 2.5),
    ],
)
def test_numbers_are_read_as_users_type_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1,2",
        "12,34.5",
        "nan",
        "inf",
        "1e999",
        "9" * 400,
        "1_000",
        "1.2.3",
        "5%",
        "#DIV/0!",
        True,
    ],
)
def test_non_numbers_are_refused(text):
    with pytest.raises(NotANumber):
        parse_number(text)


def test_percent_sign_is_accepted_for_rates_only():
    assert parse_number("1.46%", percent=True) == 1.46
    assert parse_number("1.46 ％", percent=True) == 1.46
    with pytest.raises(NotANumber):
        parse_number("1.46%")


def test_unit_codes_keep_zeros():
    assert code_text(" 0101 ") == "0101"
    assert code_text(101.0) == "101"
    assert code_text(101.0, "000000") == "000101"
    assert code_text(101, '"No."0000') == "0101"
    assert code_text(1234567.0, "0000") == "1234567"  # never shortened
    assert code_text(101.0, "#,##0.00") == "101"  # an amount format pads nothing


def test_format_helpers():
    assert zero_pad_width("000000;@") == 6
    assert zero_pad_width("General") == 0
    assert zero_pad_width(None) == 0
    assert is_percent_format("0.00%")
    assert not is_percent_format('0.00"%"')
    assert not is_percent_format(None)


def test_show_hides_float_noise():
    assert show(0.1 + 0.2) == "0.3"
    assert show(101.0) == "101"
    assert show(1234.5600000000001) == "1234.56"
    assert show("  a ") == "a"


# --- robustness -----------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def _reads_or_reports(content: bytes, name: str) -> None:
    """Reading arbitrary content ends in data or a DataError, never anything else."""
    try:
        read_base_data(content, mof(), filename=name)
    except DataError as exc:
        assert exc.problems
        assert all(p.code.startswith("data.") for p in exc.problems)
        exc.render("zh")
        exc.render("en")


@FUZZ
@given(content=st.binary(max_size=2000), name=st.sampled_from(["f.csv", "f.xlsx", None]))
def test_random_bytes_only_raise_data_errors(content, name):
    _reads_or_reports(content, name)


@FUZZ
@given(tail=st.binary(max_size=2000))
def test_random_zip_like_bytes_only_raise_data_errors(tail):
    _reads_or_reports(b"PK\x03\x04" + tail, "f.xlsx")


@FUZZ
@given(
    text=st.lists(st.lists(st.text(max_size=12), max_size=8).map(",".join), max_size=12).map(
        "\n".join
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_random_csv_text_only_raises_data_errors(text, encoding):
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError:  # lone surrogates cannot be saved in any encoding
        return
    _reads_or_reports(content, "f.csv")


_CELL = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["", " ", "1,234.5", "１２", "1.46%", "-1", "2023", "0101", "nan", "1e999"]),
    st.floats(allow_nan=False).map(repr),
)


@FUZZ
@given(cells=st.lists(st.lists(_CELL, min_size=26, max_size=30), max_size=6))
def test_random_cells_under_a_real_header_only_raise_data_errors(cells):
    header = [f.label for f in mof().fields]
    rows = [header, *cells]
    try:
        content = csv_bytes(rows)
    except UnicodeEncodeError:
        return
    _reads_or_reports(content, "f.csv")


@functools.cache
def _small_workbook() -> bytes:
    """One fixed workbook: openpyxl stamps the time, and hypothesis needs the same bytes."""
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    for row in table(records(2)):
        workbook.active.append(row)
    workbook.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(data=st.data())
def test_damaged_real_workbooks_only_raise_data_errors(data):
    content = bytearray(_small_workbook())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(content)))
    _reads_or_reports(bytes(content[:cut]), "a.xlsx")
