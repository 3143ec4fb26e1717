"""The `kaoping` command as a user meets it: real files, exit codes, stderr, output files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kaoping.cli.main import app
from kaoping.scoring import evaluate, load_scheme, result_to_dict
from kaoping.tables import read_base_data

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "mof-2012-demo-2024.csv"
DEMO_PREV = ROOT / "examples" / "mof-2012-demo-2023.csv"
runner = CliRunner()


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed console script, as a user runs it."""
    kaoping = Path(sys.executable).with_name("kaoping")
    return subprocess.run(
        [str(kaoping), *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )


def broken_copy(tmp_path: Path, name: str = "bad.csv") -> Path:
    """The demo data with a text cell, a negative amount and a duplicate code."""
    rows = list(csv.reader(DEMO.open(encoding="utf-8")))
    header = rows[0]
    rows[2][header.index("local_raised")] = "一万二"
    rows[3][header.index("fund_expenditure")] = "-5"
    rows[4][header.index("unit_code")] = rows[1][header.index("unit_code")]
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_evaluate_prints_the_ranking_table_in_chinese():
    proc = run("evaluate", str(DEMO), "--previous", str(DEMO_PREV), "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "排名" in lines[1] and "总分" in lines[1] and "同比变化" in lines[1]
    assert len(lines) == 3 + 16
    # The first data row is the unit the engine ranks first.
    scheme = load_scheme("mof-2012")
    result = evaluate(scheme, read_base_data(DEMO, scheme))
    best = result.order()[0]
    assert result.data.units[best].code in lines[3]
    assert f"{result.totals[best]:.2f}" in lines[3]


def test_evaluate_json_has_the_documented_shape_and_unrounded_numbers():
    proc = run("evaluate", str(DEMO), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) == {"scheme", "input_sha256", "units", "indicators", "warnings"}
    assert doc["scheme"]["code"] == "mof-2012"
    assert len(doc["scheme"]["sha256"]) == 64
    unit = doc["units"][0]
    assert set(unit) >= {"code", "name", "year", "total", "rank", "grade", "groups", "indicators"}
    assert set(unit["indicators"]["A1"]) == {
        "value",
        "z",
        "score",
        "adjustment",
        "status",
        "reason",
    }
    assert set(doc["indicators"]["C2"]) >= {"name", "group", "weight", "mean", "sd", "n"}
    # Same numbers as the engine, to the last bit (JSON numbers are not rounded).
    scheme = load_scheme("mof-2012")
    expected = result_to_dict(evaluate(scheme, read_base_data(DEMO, scheme)))
    plain = [{k: u[k] for k in e} for u, e in zip(doc["units"], expected["units"], strict=True)]
    assert plain == json.loads(json.dumps(expected["units"], ensure_ascii=False))
    # and the assessment's decision on each unit (pass / fail, tier, criticism)
    assert all({"passed", "tier", "criticised", "reasons"} <= set(u) for u in doc["units"])
    yanqing = next(u for u in doc["units"] if u["code"] == "110119")
    assert yanqing["indicators"]["D5"]["status"] == "not_applicable"
    assert "分母为零" in yanqing["indicators"]["D5"]["reason"]


def test_bad_data_exits_2_with_every_problem_and_writes_nothing(tmp_path):
    bad = broken_copy(tmp_path)
    out = tmp_path / "out.json"
    proc = run("evaluate", str(bad), "--format", "json", "-o", str(out), "--lang", "zh")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no partial file either
    err = proc.stderr
    assert "bad.csv" in err and "第 3 行" in err and "一万二" in err  # text in a number cell
    assert "第 4 行" in err and "-5" in err  # negative amount
    assert "重复" in err  # duplicate unit code
    assert proc.stdout == ""


def test_english_messages_with_lang_or_LANG(tmp_path):
    bad = broken_copy(tmp_path)
    proc = run("check", str(bad), "--lang", "en")
    assert proc.returncode == 2
    assert "row 3" in proc.stderr and "is not a number" in proc.stderr
    env = {"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8"}
    proc = run("check", str(bad), env=env)
    assert proc.returncode == 2 and "row 3" in proc.stderr
    env = {"PATH": "/usr/bin:/bin", "LANG": "zh_CN.UTF-8"}
    proc = run("check", str(bad), env=env)
    assert "第 3 行" in proc.stderr


def test_check_accepts_good_data():
    result = runner.invoke(app, ["check", str(DEMO), "--lang", "zh"])
    assert result.exit_code == 0
    assert "16 个单位，未发现问题" in result.output


def test_csv_and_xlsx_outputs_hold_the_ranking(tmp_path):
    csv_out = tmp_path / "ranking.csv"
    xlsx_out = tmp_path / "results.xlsx"
    assert (
        runner.invoke(app, ["evaluate", str(DEMO), "-f", "csv", "-o", str(csv_out)]).exit_code == 0
    )
    assert (
        runner.invoke(app, ["evaluate", str(DEMO), "-f", "xlsx", "-o", str(xlsx_out)]).exit_code
        == 0
    )
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Chinese Excel reads UTF-8
    rows = list(csv.reader(csv_out.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["排名", "单位编码", "单位名称"]
    assert len(rows) == 17
    wb = load_workbook(xlsx_out)
    assert wb.sheetnames == ["排名", "指标得分", "指标值", "标准得分", "评价方法"]
    ranking = wb["排名"]
    assert "排名" in ranking.cell(1, 1).value  # the title row
    assert ranking.cell(3, 1).value == 1
    assert ranking.cell(3, 2).value == rows[1][1]
    total = ranking.cell(3, ranking.max_column - 1)
    assert abs(total.value - float(rows[1][-2])) < 1e-9 and total.number_format == "0.00"
    method = [c.value for c in wb["评价方法"]["B"] if c.value]
    assert any("80 + 10 × 标准得分" in str(v) for v in method)  # Chinese labels (issue 12)


def test_xlsx_without_output_file_is_refused():
    result = runner.invoke(app, ["evaluate", str(DEMO), "-f", "xlsx", "--lang", "zh"])
    assert result.exit_code == 2
    assert "-o" in result.output


def test_explain_shows_the_derivation_down_to_raw_cells():
    proc = run("explain", str(DEMO), "--unit", "110119", "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "延庆区" in text
    assert "local_raised / (local_raised + superior_subsidy)" in text
    assert "标准得分 z" in text and "均值" in text and "标准差" in text
    assert "不适用：分母为零" in text  # D5: no small-loan interest subsidy paid
    assert "有效权重 25%" in text  # D1–D4 renormalised from 20% each


def test_explain_unknown_unit_is_a_clear_error():
    result = runner.invoke(app, ["explain", str(DEMO), "--unit", "999999", "--lang", "zh"])
    assert result.exit_code == 2
    assert "找不到单位“999999”" in result.output


def test_unknown_scheme_lists_the_available_ones():
    result = runner.invoke(app, ["evaluate", str(DEMO), "--scheme", "nope", "--lang", "zh"])
    assert result.exit_code == 2
    assert "找不到方案“nope”" in result.output and "mof-2012" in result.output


def test_missing_data_file_is_a_clear_error(tmp_path):
    proc = run("evaluate", str(tmp_path / "missing.csv"), "--lang", "zh")
    assert proc.returncode in (1, 2)
    assert "Traceback" not in proc.stderr
    assert "missing.csv" in proc.stderr


def test_template_round_trip_through_the_command(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("unit_code,unit_name\n0101,甲区\n0102,乙区\n", encoding="utf-8")
    out = tmp_path / "模板.xlsx"
    result = runner.invoke(
        app, ["template", "-o", str(out), "--units", str(units), "--year", "2024"]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    sheet = wb.worksheets[0]
    codes = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert "0101" in codes and "0102" in codes  # leading zeros kept as text


def test_schemes_lists_the_builtin_scheme():
    result = runner.invoke(app, ["schemes", "--lang", "zh"])
    assert result.exit_code == 0
    assert "mof-2012" in result.output and "2012.1" in result.output
    shown = runner.invoke(app, ["schemes", "--show", "mof-2012"])
    assert 'code = "mof-2012"' in shown.output


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_headers_in_any_encoding_give_the_same_totals(tmp_path, encoding):
    scheme = load_scheme("mof-2012")
    labels = {f.key: f.label for f in scheme.fields}
    rows = list(csv.reader(DEMO.open(encoding="utf-8")))
    rows[0] = [labels.get(k, k) for k in rows[0]]
    path = tmp_path / f"data-{encoding}.csv"
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    by_label = runner.invoke(app, ["evaluate", str(path), "-f", "json"])
    by_key = runner.invoke(app, ["evaluate", str(DEMO), "-f", "json"])
    assert by_label.exit_code == 0, by_label.output
    totals = [u["total"] for u in json.loads(by_label.output)["units"]]
    assert totals == [u["total"] for u in json.loads(by_key.output)["units"]]


def test_csv_in_gb18030_on_request(tmp_path):
    out = tmp_path / "ranking.csv"
    result = runner.invoke(app, ["evaluate", str(DEMO), "-f", "csv-gb18030", "-o", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("gb18030").splitlines()[0].startswith("排名,单位编码,单位名称")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
