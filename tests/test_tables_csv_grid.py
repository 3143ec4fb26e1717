"""Issue 15: large regular CSV files read as a grid of byte offsets (kaoping/tables/csv_grid.py).

The grid must give exactly what the csv module gives (rows, numbers, messages), and a file
over its bound, long or wide, must be refused before parsing, within bounded memory and time.
"""

from __future__ import annotations

import csv
import io
import math
import re
import struct
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tables_helpers import csv_bytes, mof, problems_of, records, table
from test_tables_bounds import MEMORY_BOUND, TIME_BOUND, read_in_child

from kaoping.scoring.messages import DataError
from kaoping.tables.bounds import LIMITS
from kaoping.tables.csv_grid import GridRows, decimal_numbers
from kaoping.tables.read import RawSheet, read_sheet
from kaoping.tables.validate import parse_base_data

# Texts the vectorised conversion must convert exactly as float(), or leave to the cell parser.
NUMBER_TEXT = st.one_of(
    st.from_regex(r"[+-]?[0-9]{0,18}(\.[0-9]{0,18})?", fullmatch=True),
    st.from_regex(r"[+-]?[0-9]{1,6}(\.[0-9]{1,4})?[eE][+-]?[0-9]{1,3}", fullmatch=True),
    st.text(alphabet="0123456789.,+- %１２e", max_size=12),
)


PLAIN = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBER_TEXT, min_size=1, max_size=40))
def test_decimal_numbers_match_float_bit_for_bit(texts):
    encoded = [t.encode() for t in texts]
    data = np.frombuffer(b",".join(encoded) or b" ", dtype=np.uint8)
    lengths = np.array([len(e) for e in encoded])
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    values, converted = decimal_numbers(data, starts, starts + lengths)
    for text, value, done in zip(texts, values.tolist(), converted.tolist(), strict=True):
        digits = sum(ch.isdigit() for ch in text)
        plain = bool(PLAIN.fullmatch(text)) and digits <= 15
        assert done == plain, text
        if done:
            assert _bits(value) == _bits(float(text)), text
        else:
            assert math.isnan(value)


def _reference_rows(content: bytes, delimiter: str = ",") -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


CELL = st.text(alphabet="0123456789.-单位 \u3000ab", max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    width=st.integers(1, 5),
    data=st.data(),
    ending=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    last_break=st.booleans(),
)
def test_grid_rows_are_the_csv_modules_rows(width, data, ending, bom, last_break):
    row = st.one_of(st.just([]), st.lists(CELL, min_size=width, max_size=width))
    rows = data.draw(st.lists(row, min_size=1, max_size=12))
    lines = [",".join(row) for row in rows]
    text = ending.join(lines) + (ending if last_break else "")
    content = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    if not content.strip(b"\xef\xbb\xbf\r\n ,\xe3\x80\x80"):
        return  # an empty file, refused before either reader
    try:
        sheet = read_sheet(content, "a.csv")
    except DataError as exc:
        assert [p.code for p in exc.problems] == ["data.empty"]
        return
    assert sheet.rows == _reference_rows(content)
    assert len(sheet.rows) == len(_reference_rows(content))


def test_a_regular_file_is_kept_as_a_grid_and_a_quoted_one_is_not():
    rows = table(records(3))
    regular = read_sheet(csv_bytes(rows), "a.csv")
    assert isinstance(regular.rows, GridRows)
    rows[1][1] = "东城区, 北京"  # csv.writer quotes it
    quoted = read_sheet(csv_bytes(rows), "a.csv")
    assert isinstance(quoted.rows, list)
    assert quoted.rows[1][1] == "东城区, 北京"


def test_gbk_and_tab_separated_grids_read_as_the_csv_module_reads_them():
    rows = table(records(3))
    for encoding, delimiter in (("gbk", ","), ("utf-8", "\t"), ("gb18030", ";")):
        content = csv_bytes(rows, encoding, delimiter=delimiter)
        sheet = read_sheet(content, "a.csv")
        assert isinstance(sheet.rows, GridRows)
        expected = list(
            csv.reader(io.StringIO(content.decode(encoding), newline=""), delimiter=delimiter)
        )
        assert sheet.rows == expected


def _as_lists(sheet: RawSheet) -> RawSheet:
    """The same sheet with its rows as plain lists: validated by the cell-by-cell path."""
    return RawSheet(sheet.filename, [list(r) for r in sheet.rows], sheet.sha256, "csv")


def test_validation_of_a_grid_equals_the_cell_by_cell_path_with_bad_cells():
    rows = table(records(6))
    rows[1][3] = "1，234.5"  # a full-width comma: not plain, the cell parser takes it
    rows[2][4] = "abc"
    rows[3][5] = "-5"
    rows[4][2] = "2024.5"
    rows[5][6] = "１２３"
    rows[6][7] = " "
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows)
    sheet = read_sheet(text.encode(), "坏.csv")
    assert isinstance(sheet.rows, GridRows)
    grid_problems = problems_of(lambda: parse_base_data(sheet, mof()))
    list_problems = problems_of(lambda: parse_base_data(_as_lists(sheet), mof()))
    assert [p.render("zh") for p in grid_problems] == [p.render("zh") for p in list_problems]
    codes = {(p.code, p.value) for p in grid_problems}
    assert ("data.not_a_number", "abc") in codes and ("data.below_min", "-5") in codes


def test_validated_numbers_of_a_grid_equal_the_cell_by_cell_path():
    rows = table(records(40))
    rows[3][5] = "1.2e3"  # left to the cell parser
    rows[4][5] = "００７"
    content = csv_bytes(rows) + b"\r\n,,,\r\n".replace(b",,,", b"," * (len(rows[0]) - 1))
    sheet = read_sheet(content, "a.csv")
    assert isinstance(sheet.rows, GridRows)
    grid = parse_base_data(sheet, mof())
    cells = parse_base_data(_as_lists(sheet), mof())
    assert grid.units == cells.units and grid.rows == cells.rows
    for key, values in cells.columns.items():
        np.testing.assert_array_equal(grid.columns[key], values)


# --- bounds -----------------------------------------------------------------------------------


def _numbers_csv(rows: int, columns: int) -> bytes:
    line = ",".join(str(j % 10) for j in range(columns)).encode() + b"\n"
    return line * rows


@pytest.mark.skipif(sys.platform != "linux", reason="fork and /proc are Linux")
@pytest.mark.parametrize(
    ("columns", "extra_rows", "answer"),
    [
        (27, 1, "data.too_many_cells"),  # long: one row over the bound
        (LIMITS.max_columns, 1, "data.too_many_cells"),  # wide: the same, 1,000 columns
        (LIMITS.max_columns, -1, "read"),  # the widest inside the bound
        (27, -1, "read"),  # the longest inside it
    ],
    ids=["long, over", "wide, over", "wide, inside", "long, inside"],
)
def test_files_at_the_field_bound_are_refused_or_read_within_bounds(columns, extra_rows, answer):
    rows = LIMITS.max_csv_grid_fields // columns + extra_rows
    found, memory, elapsed = read_in_child(_numbers_csv(rows, columns), "边界.csv")
    assert found == answer
    assert memory < MEMORY_BOUND and elapsed < TIME_BOUND


@pytest.mark.skipif(sys.platform != "linux", reason="fork and /proc are Linux")
def test_a_quoted_file_keeps_the_csv_modules_lower_bound():
    """A file the csv module must read costs a Python string a field: its bound stays."""
    line = b'"a",' + b"1," * 25 + b"1\n"
    rows = LIMITS.max_csv_cells // 27 + 1
    answer, memory, elapsed = read_in_child(line * rows, "引号.csv")
    assert answer == "data.too_many_cells"
    assert memory < MEMORY_BOUND and elapsed < TIME_BOUND


def test_a_field_over_the_csv_modules_limit_is_refused_as_the_csv_module_refuses_it():
    limit = csv.field_size_limit()
    inside = read_sheet(b"a,b\n1," + b"x" * limit + b"\n", "a.csv")
    assert isinstance(inside.rows, GridRows) and len(inside.rows[1][1]) == limit
    for content in (b"a,b\n1," + b"x" * (limit + 1), b"a,b\n" + b"x" * (limit + 1) + b",1\n"):
        problems = problems_of(lambda c=content: read_sheet(c, "a.csv"))
        assert [p.code for p in problems] == ["data.unreadable"]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_a_header_line_longer_than_the_sniffed_head_still_names_its_delimiter(delimiter):
    """The delimiter is sniffed on the file's first 64 KB: a single line longer than that
    (10,000 columns) is still split by its own delimiter, and refused as too wide."""
    content = (delimiter.join(f"列{i}" for i in range(10_000)) + "\n").encode()
    problems = problems_of(lambda: read_sheet(content, "宽.txt"))
    assert [p.code for p in problems] == ["data.too_many_columns"]
