"""Issue 11: every base-data file is checked before it is parsed, so no file can make the
reader use more than 500 MB or 10 s; the hostile corpus (tests/hostile_files.py) is refused
with the expected clear message, by the reader, the command line and (tests/web) the upload."""

from __future__ import annotations

import functools
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_files import HEADER, corpus, far_cell, many_strings, package, sheet_xml, workbook_xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tables_helpers import mof, problems_of, write_xlsx

from kaoping.scoring.messages import DataError
from kaoping.tables import read_base_data, read_sheet
from kaoping.tables.bounds import LIMITS, Limits
from kaoping.tables.read import printable_name
from kaoping.tables.xlsx_bounds import check_package, sheet_extent

MEMORY_BOUND = 500 * 1024 * 1024
TIME_BOUND = 10

CORPUS = corpus()


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def read_in_child(content: bytes, filename: str) -> tuple[str, int, float]:
    """Read in a forked process: its answer, the memory the reading added (the child's peak
    RSS over its RSS before reading, both measured in the child) and its time. The child is
    killed by an alarm after 10 s."""
    read, write = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        signal.alarm(TIME_BOUND)
        before = _rss_bytes()
        try:
            read_sheet(content, filename)
            answer = "read"
        except DataError as exc:
            answer = ",".join(p.code for p in exc.problems)
        except BaseException as exc:
            answer = f"crash:{type(exc).__name__}"
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, _rss_bytes())
        os.write(write, f"{answer}|{peak - before}".encode())
        os._exit(0)
    os.close(write)
    _pid, status, _usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    answer, _sep, memory = os.read(read, 1000).decode().partition("|")
    os.close(read)
    if os.WIFSIGNALED(status):
        answer = f"killed by signal {os.WTERMSIG(status)}"
    return answer, int(memory or 0), elapsed


@pytest.mark.skipif(sys.platform != "linux", reason="fork and /proc are Linux")
@pytest.mark.parametrize(
    ("name", "filename", "content", "code"), CORPUS, ids=[c[0] for c in CORPUS]
)
def test_hostile_file_is_refused_within_bounds(name, filename, content, code):
    answer, memory, elapsed = read_in_child(content, filename)
    assert answer == code
    assert memory < MEMORY_BOUND
    assert elapsed < TIME_BOUND


@pytest.mark.parametrize(
    ("name", "filename", "content", "code"), CORPUS, ids=[c[0] for c in CORPUS]
)
def test_hostile_file_message_is_clear_chinese(name, filename, content, code):
    problems = problems_of(lambda: read_sheet(content, filename))
    assert [p.code for p in problems] == [code]
    text = problems[0].render("zh")
    assert text.startswith("文件 ") and "Traceback" not in text
    assert all(ch.isprintable() for ch in text)  # control characters of the name escaped


def test_the_largest_allowed_sheet_is_read_within_bounds():
    """A sheet just inside the cell limit (1,000 x 1,000 numbers) is read, under the bounds."""
    cells = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{_letters(c)}{r}"><v>{r}.{c}</v></c>' for c in range(1000))
        + "</row>"
        for r in range(1, 1001)
    )
    answer, memory, elapsed = read_in_child(package(sheet_xml(cells)), "大表.xlsx")
    assert answer == "read"
    assert memory < MEMORY_BOUND
    assert elapsed < TIME_BOUND


def _letters(index: int) -> str:
    from kaoping.tables.xlsx_xml import column_letters

    return column_letters(index)


def test_real_extent_counts_cells_with_and_without_references():
    cells = (
        '<row r="2"><c r="C2"><v>1</v></c><c><v>2</v></c></row>'  # the second is D2
        "<row><c><v>3</v></c></row>"  # row 3, A3
    )
    content = package(sheet_xml(cells, "A1:A1"))
    extent = sheet_extent(content, "xl/worksheets/sheet1.xml")
    assert (extent.rows, extent.columns, extent.cells) == (3, 4, 3)
    assert extent.reference == "A1:D3"


def test_extent_of_a_template_matches_its_declared_dimension(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["a", "b", "c"], [1, 2, 3], [4, 5, 6]])
    extent = sheet_extent(path.read_bytes(), "xl/worksheets/sheet1.xml")
    assert (extent.rows, extent.columns, extent.cells) == (3, 3, 9)


def test_shared_strings_are_counted_before_calamine_reads_them():
    content = package(sheet_xml(HEADER), strings=many_strings(5000))
    check_package(content, "a.xlsx")  # within the real limits
    with pytest.raises(DataError) as caught:
        check_package(content, "a.xlsx", Limits(max_cells=1000))
    assert caught.value.problems[0].code == "data.too_many_strings"


def test_a_far_cell_within_the_limit_is_read_where_it_is():
    rows = read_sheet(far_cell("C40"), "a.xlsx").rows
    assert len(rows) == 40 and rows[39][2] == 1


def test_a_hidden_sheet_named_like_the_template_is_never_read():
    hidden = sheet_xml('<row r="1">' + '<c r="A1" t="inlineStr"><is><t>隐藏</t></is></c></row>')
    visible = sheet_xml('<row r="1">' + '<c r="A1" t="inlineStr"><is><t>可见</t></is></c></row>')
    content = package(hidden, visible, workbook=workbook_xml("基础数据", "hidden", "Sheet2"))
    sheet = read_sheet(content, "a.xlsx")
    assert sheet.sheet_name == "Sheet2"
    assert sheet.rows == [["可见"]]


def test_csv_cells_are_bounded_before_parsing():
    content = b"a,b\n" + b"1,2\n" * 10
    read_sheet(content, "a.csv")
    limited = Limits(max_csv_cells=10)
    from kaoping.tables.bounds import check_csv_text

    with pytest.raises(DataError) as caught:
        check_csv_text(content.decode(), "a.csv", limited)
    assert caught.value.problems[0].code == "data.too_many_cells"


def test_a_file_over_the_size_limit_is_not_read_whole(tmp_path):
    path = tmp_path / "大.csv"
    with path.open("wb") as file:
        file.truncate(LIMITS.max_file_bytes + 10)  # sparse: costs no disk
    problems = problems_of(lambda: read_sheet(path))
    assert [p.code for p in problems] == ["data.file_too_big"]


def test_ten_thousand_columns_are_named_as_such():
    content = ",".join(f"列{i}" for i in range(10_000)).encode() + b"\n1\n"
    problems = problems_of(lambda: read_base_data(content, mof(), filename="宽表.csv"))
    assert problems[0].render("zh") == (
        "文件 宽表.csv：表格有 10000 列，超过上限 1000 列；基础数据表每个字段一列，请删除多余的列"
    )


def test_printable_name_escapes_control_characters():
    assert printable_name("a\x1b[2J\x07b.xlsx") == "a\\x1b[2J\\x07b.xlsx"
    assert printable_name("2024年 基础数据（东城区）.xlsx") == "2024年 基础数据（东城区）.xlsx"


def test_the_command_line_answers_the_corpus_with_the_same_messages(tmp_path):
    """The real ``kaoping evaluate`` process: exit 2 and the reader's message, no traceback,
    for every hostile file (file names with control characters included)."""
    chosen = {
        "far cell, no dimension",
        "only a hidden sheet",
        "10,000 columns (CSV)",
        "control characters in the name",
        "size lies (smaller declared)",
    }
    for index, (_name, filename, content, code) in enumerate(CORPUS):
        if _name not in chosen:
            continue
        path = tmp_path / f"{index}-{filename}"
        path.write_bytes(content)
        done = subprocess.run(
            [str(Path(sys.executable).with_name("kaoping")), "evaluate", str(path)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
        )
        expected = problems_of(functools.partial(read_sheet, content, path.name))[0].render("zh")
        assert done.returncode == 2, (filename, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout
        assert expected.split("：", 1)[1][:20] in done.stdout + done.stderr, code


# --- fuzz: random sheets, the pre-parse extent against what calamine builds ----------------


REFERENCE = st.tuples(st.integers(0, 16383), st.integers(1, 1_048_576))
SMALL_REFERENCE = st.tuples(st.integers(0, 60), st.integers(1, 300))
CELLS = st.lists(
    st.tuples(st.one_of(SMALL_REFERENCE, REFERENCE), st.booleans()), min_size=1, max_size=25
)


def _sheet_from(cells: list[tuple[tuple[int, int], bool]]) -> bytes:
    from kaoping.tables.xlsx_xml import column_letters

    rows: dict[int, list[str]] = {}
    for (column, row), with_reference in sorted(cells, key=lambda c: (c[0][1], c[0][0])):
        ref = f' r="{column_letters(column)}{row}"' if with_reference else ""
        rows.setdefault(row, []).append(f"<c{ref}><v>{row}</v></c>")
    xml = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    return package(sheet_xml(xml))


@settings(max_examples=80, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(cells=CELLS)
def test_fuzz_the_reader_refuses_or_reads_within_the_limits(cells):
    content = _sheet_from(cells)
    extent = sheet_extent(content, "xl/worksheets/sheet1.xml")
    started = time.perf_counter()
    try:
        rows = read_sheet(content, "随机.xlsx").rows
    except DataError as exc:
        codes = {p.code for p in exc.problems}
        assert codes <= {"data.too_large", "data.too_many_columns", "data.empty"}, codes
        if "data.too_large" in codes:
            assert extent.rows * extent.columns > LIMITS.max_cells
    else:
        # What calamine built never exceeds what the check measured beforehand.
        width = max(map(len, rows), default=0)
        assert len(rows) <= extent.rows and width <= extent.columns
        assert len(rows) * width <= LIMITS.max_cells
    assert time.perf_counter() - started < TIME_BOUND
