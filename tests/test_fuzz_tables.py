"""Issue 6.4: the base-data reader never crashes or hangs on random and malformed files,
and always answers with a clear message (property tests, deadline-bounded)."""

from __future__ import annotations

import functools
import io
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.scoring import BaseData, load_scheme
from kaoping.scoring.errors import KaopingError
from kaoping.tables import read_base_data, write_template

EXAMPLE = "examples/mof-2012-demo-2024.csv"
FUZZ = settings(max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def scheme():
    return load_scheme("mof-2012")


@functools.cache
def valid_xlsx() -> bytes:
    from pathlib import Path

    data = read_base_data(Path(__file__).parents[1] / EXAMPLE, scheme())
    buffer = io.BytesIO()
    write_template(scheme(), buffer, units=data.units, year=2024, data=data)
    return buffer.getvalue()


def answers_clearly(content: bytes, filename: str) -> None:
    """Either data, or a KaopingError whose every problem renders as a Chinese sentence."""
    started = time.perf_counter()
    try:
        result = read_base_data(content, scheme(), filename=filename)
    except KaopingError as exc:
        assert exc.problems
        for problem in exc.problems:
            text = problem.render("zh")
            assert text.strip() and "Traceback" not in text
    else:
        assert isinstance(result, BaseData)
    assert time.perf_counter() - started < 3.0


@FUZZ
@given(content=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ""]))
def test_random_bytes_get_a_clear_answer(content, suffix):
    answers_clearly(content, f"基础数据{suffix}")


@FUZZ
@given(cut=st.integers(min_value=0, max_value=10**9))
def test_a_truncated_workbook_gets_a_clear_answer(cut):
    content = valid_xlsx()
    answers_clearly(content[: cut % len(content)], "基础数据.xlsx")


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), min_size=1, max_size=8)
)
def test_a_workbook_with_flipped_bytes_gets_a_clear_answer(flips):
    content = bytearray(valid_xlsx())
    for position, mask in flips:
        content[position % len(content)] ^= mask
    answers_clearly(bytes(content), "基础数据.xlsx")


CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "1e309", "-0", "NaN", "1,234.5", "12%", "=1+1", "０１２", "  ", '"', "\x00"]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["unit_code", "unit_name", "year", "local_raised", "单位编码", "x"])
        | st.text(max_size=10),
        max_size=8,
    ),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_csv_garbage_gets_a_clear_answer(header, rows, delimiter, encoding):
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    content = "\n".join(lines).encode(encoding, errors="replace")
    answers_clearly(content, "基础数据.csv")


@pytest.mark.parametrize("size", [10**6, 8 * 10**6])
def test_a_huge_cell_gets_a_clear_answer_in_bounded_time(size):
    with open(EXAMPLE, encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    header, first = lines[0], lines[1].split(",")
    first[3] = "9" * size
    answers_clearly("\n".join([header, ",".join(first), *lines[2:]]).encode(), "基础数据.csv")


def test_a_decompression_bomb_named_xlsx_is_answered_without_expanding_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (400 * 1024 * 1024))
    with pytest.raises(KaopingError) as caught:
        answers_clearly_raising(buffer.getvalue())
    assert caught.value.problems[0].render("zh")


def answers_clearly_raising(content: bytes) -> None:
    started = time.perf_counter()
    try:
        read_base_data(content, scheme(), filename="炸弹.xlsx")
    finally:
        assert time.perf_counter() - started < 3.0
