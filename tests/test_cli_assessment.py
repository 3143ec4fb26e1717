"""The Beijing assessment's commands on the example data, as a user runs them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from kaoping.scoring import load_scheme
from kaoping.scoring.experts import aggregate_experts
from kaoping.tables.assessment import read_expert_scores, read_recusals

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples" / "beijing"
DISTRICT_ARGS = [
    str(EX / "district-2024.csv"),
    "-e",
    str(EX / "experts-2024.xlsx"),
    "--recusals",
    str(EX / "recusals.csv"),
    "-a",
    str(EX / "adjustments-2024.csv"),
]


def run(*args: str) -> subprocess.CompletedProcess:
    kaoping = Path(sys.executable).with_name("kaoping")
    return subprocess.run(
        [str(kaoping), *args, "--lang", "zh"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def bad_input(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    return proc.stderr


def test_experts_template_leaves_out_recused_pairs(tmp_path):
    out = tmp_path / "sheet.xlsx"
    proc = run(
        "experts",
        "template",
        "--units",
        str(EX / "district-2024.csv"),
        "--experts",
        str(EX / "experts.csv"),
        "--recusals",
        str(EX / "recusals.csv"),
        "-o",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    ws = load_workbook(out).worksheets[0]
    rows = [(r[1].value, r[2].value) for r in ws.iter_rows(min_row=4) if r[1].value]
    assert len(rows) == 20 * 16 - 2
    recused = {(r.expert, r.unit_code) for r in read_recusals(EX / "recusals.csv")}
    assert not recused & set(rows)


def test_experts_aggregate_matches_the_engine():
    proc = run(
        "experts",
        "aggregate",
        str(EX / "experts-2024.xlsx"),
        "--recusals",
        str(EX / "recusals.csv"),
        "-f",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["rule"] == "trimmed_mean"
    scheme = load_scheme("beijing-district-comprehensive")
    engine = aggregate_experts(
        scheme,
        read_expert_scores(scheme, EX / "experts-2024.xlsx"),
        read_recusals(EX / "recusals.csv"),
    )
    item = next(i for i in doc["items"] if (i["unit"], i["item"]) == ("110105", "A2"))
    assert item["value"] == engine.value("110105", "A2")
    assert len(item["scores"]) == 4 and item["kept"] == sorted(item["scores"])  # recused: 4
    flagged = {(i["unit"], i["item"]) for i in doc["items"] if i["flagged"]}
    assert ("110112", "B1") in flagged
    assert "分歧较大" in proc.stderr


def test_awards_json_and_criticism_list():
    proc = run("awards", *DISTRICT_ARGS, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    units = {u["code"]: u for u in doc["units"]}
    assert len(units) == 16
    assert units["110106"]["criticised"] and "一票否决" in units["110106"]["reasons"][0]
    assert units["110119"]["criticised"] and "低于合格线" in units["110119"]["reasons"][0]
    assert {c["code"] for c in doc["criticism_list"]} == {"110106", "110119"}
    haidian = units["110108"]
    assert haidian["bonus"] == 3.5 and len(haidian["adjustments"]) == 2
    assert haidian["total"] == haidian["base_total"] + 3.5
    assert sum(doc["counts"].values()) == sum(1 for u in units.values() if u["tier"])


def test_awards_csv_then_allocate_sums_exactly(tmp_path):
    awards = tmp_path / "awards.csv"
    assert run("awards", *DISTRICT_ARGS, "-f", "csv", "-o", str(awards)).returncode == 0
    proc = run("allocate", str(awards), "--total", "1000000", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert sum(Decimal(s["amount"]) for s in doc["shares"]) == Decimal(1000000)
    winners = [r for r in csv.DictReader(awards.open(encoding="utf-8")) if r["获奖档次"]]
    assert [s["code"] for s in doc["shares"]] == [r["单位编码"] for r in winners]
    # the same allocation straight from the base data
    direct = run("allocate", *DISTRICT_ARGS, "--total", "1000000", "-f", "json")
    assert json.loads(direct.stdout)["shares"] == doc["shares"]


def test_allocate_to_an_individual_is_rejected_and_writes_nothing(tmp_path):
    out = tmp_path / "out.json"
    err = bad_input(
        run(
            "allocate",
            str(EX / "honours-2024.csv"),
            "--total",
            "5000",
            "-f",
            "json",
            "-o",
            str(out),
            "--units",
            str(EX / "district-2024.csv"),
        )
    )
    assert "honours-2024.csv" in err and "第 3 行" in err and "个人" in err and "第二十三条" in err
    assert not out.exists()


def test_allocate_refuses_anyone_not_in_the_register(tmp_path):
    # no 类别 column: an individual typed as a unit is still refused, by the register
    winners = tmp_path / "winners.csv"
    winners.write_text(
        "单位编码,单位名称,分配系数\n110108,海淀区,1\nP001,张某某,1\n", encoding="utf-8"
    )
    err = bad_input(
        run("allocate", str(winners), "--total", "5000", "--units", str(EX / "district-2024.csv"))
    )
    assert "P001" in err and "不是本轮被考核单位" in err and "第 3 行" in err
    # without a register a hand-made list is refused, not trusted
    err = bad_input(run("allocate", str(winners), "--total", "5000"))
    assert "--units" in err


def test_allocate_negative_total():
    err = bad_input(
        run(
            "allocate",
            str(EX / "honours-2024.csv"),
            "--total",
            "-100",
            "--units",
            str(EX / "district-2024.csv"),
        )
    )
    assert "不能为负数" in err


def test_score_over_the_maximum_and_recused_scoring_exit_2(tmp_path):
    sheet = tmp_path / "scores.csv"
    sheet.write_text(
        "专家,单位编码,B1,B2\n王专家01,110101,21,5\n王专家01,110105,18,5\n", encoding="utf-8"
    )
    recusals = tmp_path / "recusals.csv"
    recusals.write_text("专家,单位编码,原因\n王专家01,110105,曾任职\n", encoding="utf-8")
    err = bad_input(run("experts", "aggregate", str(sheet), "--recusals", str(recusals)))
    assert "scores.csv 第 2 行 “B1”列" in err and "21" in err and "0～20" in err
    assert "第 3 行" in err and "须回避" in err and "曾任职" in err


def test_awards_without_expert_scores_is_explained():
    err = bad_input(run("awards", str(EX / "district-2024.csv")))
    assert "--experts" in err


def test_compare_two_years():
    proc = run(
        "compare",
        str(EX / "district-2024.csv"),
        "-p",
        str(EX / "district-2023.csv"),
        "--previous-experts",
        str(EX / "experts-2023.xlsx"),
        "-e",
        str(EX / "experts-2024.xlsx"),
        "--recusals",
        str(EX / "recusals.csv"),
        "-f",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["periods"] == ["2023", "2024"]
    rows = [r for r in doc["rows"] if r["period"] == "2024"]
    best = max(rows, key=lambda r: r["sequential_change"])
    assert doc["most_improved"][0]["code"] == best["code"]
    assert all(r["sequential_change"] == r["year_on_year_change"] for r in rows)


def test_targets_progress_and_score(tmp_path):
    proc = run("targets", "progress", str(EX / "targets-2024.csv"), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc) == 32 and all(d["through"] == "Q2" for d in doc)
    # the unemployment rate is a cap (控制线): never pro-rated, on target below it
    rates = [d for d in doc if d["key"] == "registered_unemployment_rate"]
    assert len(rates) == 16 and all(d["expected"] == 3.5 for d in rates)
    assert all(d["on_track"] == (d["actual"] <= 3.5) for d in rates)
    assert not next(d for d in rates if d["code"] == "110119")["on_track"]  # 3.8 > 3.5
    first = doc[0]
    assert first["expected"] == first["target"] * 0.5  # plan 20% + 30% by June
    proc = run("targets", "score", str(EX / "member-targets-2024.csv"), "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    assert "M01,市人力资源和社会保障局,97.5" in proc.stdout


def test_member_units_and_special_awards_xlsx(tmp_path):
    out = tmp_path / "members.xlsx"
    proc = run(
        "awards",
        str(EX / "member-units-2024.csv"),
        "-s",
        "member-unit-targets",
        "-t",
        str(EX / "member-targets-2024.csv"),
        "-f",
        "xlsx",
        "-o",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    ws = load_workbook(out).worksheets[0]
    assert ws.max_row == 2 + 6  # title row, header row, six units
    criticised = [c.value for c in ws["I"][2:]]
    assert set(criticised) <= {"是", "否"}  # never TRUE/FALSE
    proc = run("awards", str(EX / "small-loan-2024.csv"), "-s", "beijing-small-loan")
    assert proc.returncode == 0 and "小额担保贷款专项奖" in proc.stdout
