"""``kaoping report`` and ``kaoping certificates`` from the command line."""

from __future__ import annotations

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
