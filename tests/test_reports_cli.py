"""``kaoping report`` and ``kaoping certificates`` from the command line."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from kaoping.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
DATA = str(ROOT / "examples/mof-2012-demo-2024.csv")
PREVIOUS = str(ROOT / "examples/mof-2012-demo-2023.csv")
runner = CliRunner()


def test_unit_report_docx_with_narratives(tmp_path):
    narratives = tmp_path / "n.md"
    narratives.write_text(
        "# 110101\n## 存在的问题及成因\n职业介绍补贴使用效益偏低。\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "report",
            DATA,
            "--previous",
            PREVIOUS,
            "--unit",
            "110101",
            "--narratives",
            str(narratives),
            "--no-charts",
            "-o",
            str(out),
            "--date",
            "2025年3月1日",
        ],
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["110101-东城区-绩效评价报告.docx"]
    word = Document(str(out / files[0]))
    texts = [p.text for p in word.paragraphs]
    assert "职业介绍补贴使用效益偏低。" in texts
    assert any("77.60" in t for t in texts)


def test_round_report_pdf_and_xlsx_with_awards(tmp_path):
    awards = tmp_path / "awards.json"
    awards.write_text(
        json.dumps(
            {
                "awards": [{"unit_code": "110105", "tier": "一等奖", "reason": "第一"}],
                "criticism": [],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "report",
            DATA,
            "--round",
            "-f",
            "pdf",
            "-f",
            "xlsx",
            "--awards",
            str(awards),
            "--no-charts",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "综合绩效评价报告.pdf",
        "综合绩效评价报告.xlsx",
    ]
    text = "".join(p.extract_text() for p in PdfReader(out / "综合绩效评价报告.pdf").pages)
    assert "奖励名单" in text.replace(" ", "")


def test_bad_input_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", DATA, "--unit", "110101", "--unit", "999", "-o", str(out), "--no-charts"]
    )
    assert result.exit_code == 2
    assert "找不到单位“999”" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or list(out.iterdir()) == []
    bad = tmp_path / "n.toml"
    bad.write_text('[110101]\n"结论" = "x"\n', encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "report",
            DATA,
            "--unit",
            "110101",
            "--narratives",
            str(bad),
            "-o",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 2
    assert "unknown report part “结论”" in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_certificates_command(tmp_path):
    awards = tmp_path / "awards.csv"
    awards.write_text(
        "unit_code,tier,reason\n110105,一等奖,第一\n110114,二等奖,第二\n", encoding="utf-8"
    )
    out = tmp_path / "cert.pdf"
    result = runner.invoke(
        app,
        [
            "certificates",
            str(awards),
            "--data",
            DATA,
            "--year",
            "2024",
            "--issuer",
            "北京市就业工作领导小组",
            "--date",
            "2025年3月1日",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(out))
    assert len(reader.pages) == 2
    assert "朝阳区" in reader.pages[0].extract_text()
    missing = tmp_path / "bad.csv"
    missing.write_text("unit_code,tier\n110105,\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "certificates",
            str(missing),
            "--year",
            "2024",
            "--issuer",
            "某",
            "--date",
            "2025年3月1日",
            "-o",
            str(tmp_path / "x.pdf"),
        ],
    )
    assert result.exit_code == 2
    assert "第 2 行" in result.output and "缺少“tier”" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_certificates_refuse_without_year_issuer_and_date(tmp_path):
    awards = tmp_path / "awards.csv"
    awards.write_text("unit_code,tier\n110105,一等奖\n", encoding="utf-8")
    out = tmp_path / "cert.pdf"
    result = runner.invoke(app, ["certificates", str(awards), "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 2
    assert "荣誉证书缺少考核年度、颁发单位、落款日期（--year、--issuer、--date）" in result.output
    assert not out.exists()


def test_certificates_read_the_awards_output_as_it_is(tmp_path):
    data = str(ROOT / "examples/beijing/district-2024.csv")
    extra = [
        "-s",
        "beijing-district-comprehensive",
        "-e",
        str(ROOT / "examples/beijing/experts-2024.xlsx"),
    ]
    outputs = {}
    for fmt in ("json", "csv", "xlsx"):
        path = tmp_path / f"awards.{fmt}"
        result = runner.invoke(app, ["awards", data, *extra, "-f", fmt, "-o", str(path)])
        assert result.exit_code == 0, result.output
        outputs[fmt] = path
    texts = {}
    for fmt, path in outputs.items():
        out = tmp_path / f"cert-{fmt}.pdf"
        result = runner.invoke(
            app,
            [
                "certificates",
                str(path),
                "--year",
                "2024",
                "--issuer",
                "北京市就业工作领导小组",
                "--date",
                "2025年3月1日",
                "-s",
                "beijing-district-comprehensive",
                "--number-prefix",
                "京就奖",
                "-o",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        texts[fmt] = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(str(out)).pages]
    assert texts["json"] == texts["csv"] == texts["xlsx"]
    first = texts["json"][0]
    assert "荣获2024年度北京市区县就业工作综合考核一等奖" in first
    assert "证书编号：京就奖2024-001" in first
    plain = tmp_path / "plain.pdf"
    result = runner.invoke(
        app,
        [
            "certificates",
            str(outputs["json"]),
            "--year",
            "2024",
            "--issuer",
            "某",
            "--date",
            "2025年3月1日",
            "--text-only",
            "-o",
            str(plain),
        ],
    )
    assert result.exit_code == 0
    assert "荣誉证书" not in re.sub(r"\s+", "", PdfReader(str(plain)).pages[0].extract_text())


BEIJING = ROOT / "examples/beijing"
BEIJING_INPUTS = [
    "-s",
    "beijing-district-comprehensive",
    "-e",
    str(BEIJING / "experts-2024.xlsx"),
    "-r",
    str(BEIJING / "recusals.csv"),
    "-a",
    str(BEIJING / "adjustments-2024.csv"),
    "-t",
    str(BEIJING / "targets-2024.csv"),
]


def test_round_report_has_the_award_decision_and_the_reward_fund(tmp_path):
    from kaoping.scoring import assess
    from kaoping.scoring.assessment import RewardFund
    from kaoping.tables.inputs import read_assessment  # the same inputs, through the API

    out = tmp_path / "out"
    args = [
        "report",
        str(BEIJING / "district-2024.csv"),
        *BEIJING_INPUTS,
        "--round",
        "-f",
        "pdf",
        "--fund",
        "1000000",
        "--no-charts",
        "--no-robustness",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(out / "综合绩效评价报告.pdf").pages)
    )
    assessed = assess(
        read_assessment(
            str(BEIJING / "district-2024.csv"),
            scheme="beijing-district-comprehensive",
            experts=str(BEIJING / "experts-2024.xlsx"),
            recusals=str(BEIJING / "recusals.csv"),
            adjustments=str(BEIJING / "adjustments-2024.csv"),
            targets=str(BEIJING / "targets-2024.csv"),
            fund=RewardFund("1000000"),
        )
    )
    winners = [u for u in assessed.units() if u.tier]
    blamed = [u for u in assessed.units() if u.criticised]
    assert winners and blamed
    assert f"获奖单位{len(winners)}个" in text
    assert "奖励资金共1,000,000.00元" in text
    for u in winners:  # each winner with its total, rank and share of the fund
        assert f"{u.code}{u.name}{u.total:.2f}{u.rank}" in text
        assert f"{float(u.amount):,.2f}" in text
    for u in blamed:  # the criticism list with its reasons
        reason = re.sub(r"\s+", "", u.reason_text("zh"))[:12]
        assert f"{u.code}{u.name}{reason}" in text
    assert f"合计{1000000:,.2f}" in text


def test_beijing_reports_follow_the_scheme_not_the_z_score(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    args = [
        "report",
        str(BEIJING / "district-2024.csv"),
        *BEIJING_INPUTS,
        "-p",
        str(BEIJING / "district-2023.csv"),
        "--previous-experts",
        str(BEIJING / "experts-2023.xlsx"),
        "--round",
        "-u",
        "110108",
        "-f",
        "pdf",
        "-f",
        "xlsx",
        "--no-charts",
        "--no-robustness",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    book = load_workbook(out / "综合绩效评价报告.xlsx")
    assert "标准得分" not in book.sheetnames  # no indicator of this scheme is a z-score
    method = [str(c) for row in book["评价方法"].iter_rows(values_only=True) for c in row if c]
    assert not any("× z" in c or "标准得分" in c for c in method)
    assert any("不允许值" in c for c in method)  # the normalisation actually used
    for pdf in out.glob("*.pdf"):
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))
        assert "标准得分" not in text and "80+10" not in text and "相对位置" not in text, pdf.name
        assert "按方案规定的标准" in text, pdf.name
    # A1's value is the people placed (display = "people"): an integer count, no decimals
    with open(BEIJING / "district-2024.csv", encoding="utf-8-sig") as f:
        placed = {r["unit_code"]: float(r["new_jobs"]) for r in csv.DictReader(f)}
    unit_text = re.sub(
        r"\s+",
        "",
        "".join(p.extract_text() for p in PdfReader(next(out.glob("110108-*.pdf"))).pages),
    )
    assert f"新增就业目标完成率{placed['110108']:,.0f}" in unit_text
    assert f"{placed['110108']:,.2f}" not in unit_text
    # the notice's scheme keeps its z-scores (the rule is the scheme's, not a blanket removal)
    out2 = tmp_path / "mof"
    result = runner.invoke(
        app,
        [
            "report",
            DATA,
            "--previous",
            PREVIOUS,
            "--round",
            "-f",
            "xlsx",
            "--no-charts",
            "--no-robustness",
            "-o",
            str(out2),
        ],
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(out2 / "综合绩效评价报告.xlsx")
    assert "标准得分" in book.sheetnames
    assert isinstance(book["标准得分"]["D3"].value, float)


def test_award_probabilities_leave_out_criticised_units_and_say_what_they_mean(tmp_path):
    out = tmp_path / "out"
    args = [
        "report",
        str(BEIJING / "district-2024.csv"),
        *BEIJING_INPUTS,
        "--round",
        "-f",
        "pdf",
        "--no-charts",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(out / "综合绩效评价报告.pdf").pages)
    )
    assert "未计入一票否决和获奖条件" in text
    # 丰台区 (110106) is vetoed: no award probability beside its 90% interval
    row = re.search(r"110106丰台区\d+\d+～\d+(\S{0,12})", text)
    assert row and row.group(1).startswith("——"), row and row.group(0)
