"""In English (``--lang en``) the command line prints no Chinese of its own: every Chinese
character in the output comes from the user's data (unit names, indicator and group names,
tier and grade names of the scheme, reasons written in the input files).

The allowed Chinese is computed from the inputs of each command: every text cell of its
files and every text value of its scheme's TOML file. Each run of Chinese characters (CJK
ideographs, CJK and full-width punctuation) in the output must be part of one of them.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kaoping.scoring.schemes import scheme_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BEIJING = EXAMPLES / "beijing"
DEMO = EXAMPLES / "mof-2012-demo-2024.csv"
DEMO_PREVIOUS = EXAMPLES / "mof-2012-demo-2023.csv"
DISTRICT = [
    BEIJING / "district-2024.csv",
    "-e",
    BEIJING / "experts-2024.xlsx",
    "-r",
    BEIJING / "recusals.csv",
    "-a",
    BEIJING / "adjustments-2024.csv",
]
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def kaoping(*args: Any) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("kaoping")
    return subprocess.run(
        [str(command), *map(str, args), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def texts_of_file(path: Path) -> set[str]:
    """Every text cell of a CSV or Excel input."""
    if path.suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True)
        return {
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if isinstance(value, str)
        }
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {cell for row in csv.reader(fh) for cell in row}


def texts_of_scheme(code: str) -> set[str]:
    """Every text value of a scheme's TOML file (names of its indicators, groups, grades,
    tiers, awards and panels among them); comments are not values."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(tomllib.loads(scheme_text(code)))
    return found


def foreign_chinese(output: str, allowed: set[str]) -> list[str]:
    """The runs of Chinese characters in ``output`` that are part of no allowed text."""
    return sorted(
        {run for run in CHINESE.findall(output) if not any(run in text for text in allowed)}
    )


def test_the_check_finds_chinese_that_is_not_from_the_inputs():
    allowed = {"东城区", "就业专项资金"}
    assert foreign_chinese("110101 东城区 total 就业专项资金", allowed) == []
    assert foreign_chinese("东城区 提示：1 个问题（见上）", allowed) == ["个问题（见上）", "提示："]
    assert foreign_chinese("a、b", allowed) == ["、"]


# (command line, its scheme, its input files): the main commands on the examples.
CASES = {
    "evaluate": (
        ["evaluate", DEMO, "--previous", DEMO_PREVIOUS],
        "mof-2012",
        [DEMO, DEMO_PREVIOUS],
    ),
    "evaluate-csv": (["evaluate", DEMO, "-f", "csv"], "mof-2012", [DEMO]),
    "check": (["check", DEMO], "mof-2012", [DEMO]),
    "explain": (["explain", DEMO, "-u", "110101"], "mof-2012", [DEMO]),
    "awards": (["awards", *DISTRICT], "beijing-district-comprehensive", DISTRICT[::2]),
    "awards-csv": (
        ["awards", *DISTRICT, "-f", "csv"],
        "beijing-district-comprehensive",
        DISTRICT[::2],
    ),
    "allocate": (
        ["allocate", *DISTRICT, "--total", "1000000"],
        "beijing-district-comprehensive",
        DISTRICT[::2],
    ),
    "compare": (
        [
            "compare",
            *DISTRICT,
            "-p",
            BEIJING / "district-2023.csv",
            "--previous-experts",
            BEIJING / "experts-2023.xlsx",
        ],
        "beijing-district-comprehensive",
        [*DISTRICT[::2], BEIJING / "district-2023.csv", BEIJING / "experts-2023.xlsx"],
    ),
    "robustness": (
        ["robustness", DEMO, "-n", "40", "--sensitivity-replicates", "16"],
        "mof-2012",
        [DEMO],
    ),
    "experts-aggregate": (
        ["experts", "aggregate", BEIJING / "experts-2024.xlsx", "-r", BEIJING / "recusals.csv"],
        "beijing-district-comprehensive",
        [BEIJING / "experts-2024.xlsx", BEIJING / "recusals.csv"],
    ),
    "targets-progress": (
        ["targets", "progress", BEIJING / "targets-2024.csv"],
        "beijing-district-comprehensive",
        [BEIJING / "targets-2024.csv"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_command_in_english_prints_only_the_datas_chinese(case):
    args, scheme, files = CASES[case]
    done = kaoping(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    allowed = texts_of_scheme(scheme).union(*(texts_of_file(Path(f)) for f in files))
    assert foreign_chinese(done.stdout + done.stderr, allowed) == []


def test_archive_create_in_english(tmp_path):
    bundle = tmp_path / "round.zip"
    done = kaoping("archive", "create", DEMO, "-o", bundle)
    assert done.returncode == 0, done.stderr
    assert "manifest SHA-256" in done.stdout
    assert foreign_chinese(done.stdout + done.stderr, texts_of_scheme("mof-2012")) == []


def test_archive_verify_in_english(tmp_path):
    bundle = tmp_path / "round.zip"
    assert kaoping("archive", "create", DEMO, "-o", bundle).returncode == 0
    done = kaoping("archive", "verify", bundle)
    assert done.returncode == 0, done.stderr
    allowed = texts_of_scheme("mof-2012") | texts_of_file(DEMO)
    assert foreign_chinese(done.stdout + done.stderr, allowed) == []


def test_log_verify_in_english(tmp_path):
    """Without the web application's tables the check says so, in English (the whole check
    on a real database is in tests/web/test_log.py)."""
    database = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    done = kaoping("log", "verify", "--database", database)
    assert done.returncode != 0
    assert "evaluation log" in done.stdout + done.stderr
    assert foreign_chinese(done.stdout + done.stderr, set()) == []


@pytest.mark.parametrize(("lang", "name"), [("en", "base data.xlsx"), ("zh", "基础数据表.xlsx")])
def test_a_default_file_name_is_in_the_chosen_language(tmp_path, lang, name):
    command = Path(sys.executable).with_name("kaoping")
    done = subprocess.run(
        [str(command), "template", "--lang", lang],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == [name]
