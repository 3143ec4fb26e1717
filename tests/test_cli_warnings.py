"""Plausibility notes on the terminal: the first 20 of each rule, then how many more; every
one of them in the file of ``kaoping --warnings-file``."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from kaoping.cli.console import WARNINGS_SHOWN
from kaoping.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "mof-2012-demo-2024.csv"


def many_outliers(tmp_path: Path, extra: int = 240, outliers: int = 40) -> Path:
    """The demo table plus ``extra`` units copied from the first with their spending spread by
    a few per mille, of which ``outliers`` spend a thousand times too much (a note each)."""
    rows = list(csv.reader(DEMO.open(encoding="utf-8")))
    header, first = rows[0], rows[1]
    code, name = header.index("unit_code"), header.index("unit_name")
    spent = header.index("fund_expenditure")
    for i in range(extra):
        row = list(first)
        row[code], row[name] = f"X{i:04d}", f"复制单位{i}"
        factor = 1000 if i < outliers else 1 + i / 1000
        row[spent] = str(round(float(first[spent]) * factor, 1))
        rows.append(row)
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("提示：")]


def test_the_terminal_shows_twenty_notes_of_a_rule_and_counts_the_rest(tmp_path):
    path = many_outliers(tmp_path)
    full = tmp_path / "notes.txt"
    runner = CliRunner()
    shown = runner.invoke(app, ["evaluate", str(path), "--lang", "zh"])
    written = runner.invoke(
        app, ["--warnings-file", str(full), "evaluate", str(path), "--lang", "zh"]
    )
    assert shown.exit_code == 0 and written.exit_code == 0, shown.output
    every = full.read_text(encoding="utf-8").splitlines()
    outliers = [line for line in every if "相差悬殊" in line]
    assert len(outliers) > WARNINGS_SHOWN  # the table gives more than the terminal shows
    on_terminal = [line for line in notes(shown.stderr) if "相差悬殊" in line]
    assert on_terminal == outliers[:WARNINGS_SHOWN]
    more = f"另有 {len(outliers) - WARNINGS_SHOWN} 条同类提示（plausibility.outlier）未显示"
    assert any(
        line.startswith("提示：" + more + "（kaoping --warnings-file")
        for line in notes(shown.stderr)
    )
    assert f"全部 {len(every)} 条已写入 {full}" in written.stderr
    # The notes of rules with fewer than 20 are all shown, and the ranking is unchanged.
    assert shown.stdout == written.stdout
