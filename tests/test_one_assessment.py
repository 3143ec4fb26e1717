"""One number per unit, whichever door it comes out of.

Every command (evaluate, explain, awards, allocate, compare, robustness, report,
certificates, archive create) runs on every built-in scheme's example with its full inputs
(expert scores, recusals, bonus / deduction points, targets, price factors, the previous
period), and every unit's total, rank and award must be the same in all of them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from kaoping.cli.main import app
from kaoping.scoring import builtin_scheme_codes

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples"
BJ = EX / "beijing"

# Each built-in scheme's example: (data, the options of its full inputs, earlier periods).
EXAMPLES = {
    "mof-2012": (
        EX / "mof-2012-demo-2024.csv",
        ["-k", str(EX / "mof-2012-price-factors-2024.csv")],
        ["-p", str(EX / "mof-2012-demo-2023.csv")],
    ),
    "beijing-district-comprehensive": (
        BJ / "district-2024.csv",
        [
            "-e",
            str(BJ / "experts-2024.xlsx"),
            "-r",
            str(BJ / "recusals.csv"),
            "-a",
            str(BJ / "adjustments-2024.csv"),
            "-t",
            str(BJ / "targets-2024.csv"),
        ],
        ["-p", str(BJ / "district-2023.csv"), "--previous-experts", str(BJ / "experts-2023.xlsx")],
    ),
    "beijing-fund-performance": (BJ / "fund-performance-2024.csv", [], []),
    "beijing-small-loan": (BJ / "small-loan-2024.csv", [], []),
    "member-unit-targets": (
        BJ / "member-units-2024.csv",
        ["-t", str(BJ / "member-targets-2024.csv")],
        [],
    ),
}
runner = CliRunner()


# A certificate is refused without its year, issuer and date (issue 12).
CERTIFICATE_SIGNING = (
    "--year",
    "2024",
    "--issuer",
    "北京市就业工作领导小组",
    "--date",
    "2025年3月1日",
)


def run(*args: str) -> str:
    result = runner.invoke(app, [*map(str, args), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_built_in_scheme_has_an_example():
    assert set(EXAMPLES) == set(builtin_scheme_codes())


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_every_command_gives_every_unit_the_same_total_rank_and_award(code, tmp_path):
    data, inputs, previous = EXAMPLES[code]
    common = [data, "-s", code, *inputs]
    with_previous = [*common, *previous]

    evaluated = json.loads(run("evaluate", *with_previous, "-f", "json"))
    truth = {u["code"]: (u["total"], u["rank"]) for u in evaluated["units"]}
    tiers = {u["code"]: u["tier"] for u in evaluated["units"]}
    assert len(truth) >= 3 and all(total is not None for total, _ in truth.values())

    def agrees(found: dict, door: str) -> None:
        assert set(found) == set(truth), door
        for unit, (total, rank) in found.items():
            assert total == pytest.approx(truth[unit][0], abs=1e-9), (door, unit)
            assert rank == truth[unit][1], (door, unit)

    # explain: the one unit's total and rank, for the best and the last unit
    for unit in (evaluated["units"][0]["code"], evaluated["units"][-1]["code"]):
        one = json.loads(run("explain", *with_previous, "-u", unit, "-f", "json"))
        assert one["code"] == unit and (one["total"], one["rank"]) == pytest.approx(truth[unit])

    awards_json = tmp_path / "awards.json"
    run("awards", *with_previous, "-o", awards_json)
    awards = json.loads(awards_json.read_text(encoding="utf-8"))
    agrees({u["code"]: (u["total"], u["rank"]) for u in awards["units"]}, "awards")
    assert {u["code"]: u["tier"] for u in awards["units"]} == tiers

    # awards -o is the next command's input as it is: allocate, certificates, report --awards
    winners = {c for c, t in tiers.items() if t}
    if winners:
        shares = json.loads(run("allocate", awards_json, "--total", "1000000", "-f", "json"))
        direct = json.loads(run("allocate", *common, "--total", "1000000", "-f", "json"))
        assert shares["shares"] == direct["shares"]
        assert {s["code"] for s in shares["shares"]} == winners
        for s in shares["shares"]:
            assert (s["total"], s["rank"]) == pytest.approx(truth[s["code"]]), "allocate"
        pdf = tmp_path / "certificates.pdf"
        run("certificates", awards_json, "-o", pdf, *CERTIFICATE_SIGNING)
        assert len(PdfReader(pdf).pages) == len(winners)

    if previous:
        compared = json.loads(run("compare", *with_previous, "-f", "json"))
        agrees({u["code"]: (u["total"], u["rank"]) for u in compared["units"]}, "compare")
        latest = compared["periods"][-1]
        agrees(
            {r["code"]: (r["total"], r["rank"]) for r in compared["rows"] if r["period"] == latest},
            "compare rows",
        )

    robust = json.loads(
        run("robustness", *common, "-n", "40", "--sensitivity-replicates", "0", "-f", "json")
    )
    agrees({u["code"]: (u["total"], u["rank"]) for u in robust["units"]}, "robustness")

    folder = tmp_path / "reports"
    run(
        "report",
        *with_previous,
        "--round",
        "-f",
        "xlsx",
        "--no-charts",
        "-o",
        folder,
        "--awards",
        awards_json,
    )
    sheet = load_workbook(next(folder.glob("*.xlsx")))["排名"]
    _title, header, *rows = list(sheet.iter_rows(values_only=True))  # a title row first
    at = {name: header.index(name) for name in ("排名", "单位编码", "总分")}
    agrees({r[at["单位编码"]]: (r[at["总分"]], r[at["排名"]]) for r in rows}, "report")

    bundle = tmp_path / "archive.zip"
    run("archive", "create", *with_previous, "-o", bundle)
    with zipfile.ZipFile(bundle) as zf:
        archived = json.loads(zf.read("results/assessment.json"))
    agrees({u["code"]: (u["total"], u["rank"]) for u in archived["units"]}, "archive")
    assert {u["code"]: u["tier"] for u in archived["units"]} == tiers
    assert "档案完整" in run("archive", "verify", bundle)


def test_report_refuses_an_award_list_that_is_not_this_assessments(tmp_path):
    data, options, _ = EXAMPLES["beijing-district-comprehensive"]
    inputs = ["-s", "beijing-district-comprehensive", *options]
    awards_json = tmp_path / "awards.json"
    run("awards", data, *inputs, "-o", awards_json)
    doc = json.loads(awards_json.read_text(encoding="utf-8"))
    # a list edited by hand (or made from other inputs): one winner left out
    loser = next(u for u in doc["units"] if u["tier"])
    loser["tier"] = None
    awards_json.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "report",
            str(data),
            *inputs,
            "--round",
            "-f",
            "xlsx",
            "--no-charts",
            "-o",
            str(tmp_path / "out"),
            "--awards",
            str(awards_json),
            "--lang",
            "zh",
        ],
    )
    assert result.exit_code == 2
    assert "获奖名单与本次考核结果不一致" in result.output and loser["code"] in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_awards_tables_are_read_as_they_are_by_the_next_commands(suffix, tmp_path):
    data, options, _ = EXAMPLES["beijing-district-comprehensive"]
    inputs = [data, "-s", "beijing-district-comprehensive", *options]
    listed = tmp_path / f"综合奖.{suffix}"
    run("awards", *inputs, "-o", listed)
    doc = json.loads(run("awards", *inputs, "-f", "json"))
    winners = [u["code"] for u in doc["units"] if u["tier"]]
    shares = json.loads(run("allocate", listed, "--total", "100000", "-f", "json"))
    assert [s["code"] for s in shares["shares"]] == winners
    assert (
        shares["shares"]
        == json.loads(run("allocate", *inputs, "--total", "100000", "-f", "json"))["shares"]
    )
    pdf = tmp_path / "证书.pdf"
    run("certificates", listed, "-o", pdf, *CERTIFICATE_SIGNING)
    assert len(PdfReader(pdf).pages) == len(winners)
    run(
        "report",
        *inputs,
        "--round",
        "-f",
        "xlsx",
        "--no-charts",
        "-o",
        tmp_path / "r",
        "--awards",
        listed,
    )
    assert list((tmp_path / "r").glob("*.xlsx"))
