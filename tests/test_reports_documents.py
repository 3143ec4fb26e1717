"""Documents a bureau signs and sends, read back as a report writer would: the numbers
written the Chinese way, the money, the signing parts, and the Word file as LibreOffice
(like WPS) lays it out."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from reports_helpers import ROOT

from kaoping.reports.docx_render import render_docx
from kaoping.reports.errors import ReportInputError
from kaoping.reports.model import Paragraph
from kaoping.reports.round_report import build_round_report
from kaoping.reports.unit_report import build_unit_report
from kaoping.scoring import BaseData, evaluate, load_scheme

SIGNING = {
    "issuer": "北京某某绩效评价有限公司",
    "date": "2025年3月15日",
    "client": "北京市财政局",
    "number": "京绩评〔2025〕第015号",
    "team": [("张明", "项目负责人"), ("李华", "评价人员")],
}


@pytest.fixture(scope="module")
def unit_text(rounds):
    result, previous = rounds
    return build_unit_report(
        result, "110101", previous=previous, charts=False, **SIGNING
    ).plain_text()


@pytest.fixture(scope="module")
def round_doc(rounds):
    result, previous = rounds
    return build_round_report(result, previous=previous, charts=False, **SIGNING)


@pytest.fixture(scope="module")
def round_docx(round_doc, tmp_path_factory):
    """The round report's Word file, rendered once for the tests that read it."""
    path = tmp_path_factory.mktemp("docx") / "round.docx"
    render_docx(round_doc, path)
    return path


# --- numbers written the Chinese way ------------------------------------------------------


def test_years_ratios_and_reverse_indicators_read_right(rounds, unit_text):
    result, _ = rounds
    u = result.index("110101")
    assert "2,024" not in unit_text and "东城区2024年度" in unit_text
    a1 = result.values[u, result.column("A1")]
    assert f"{a1 * 100:.2f}%" in unit_text  # 75.52%, never 0.7552
    assert f"{a1:.4f}" not in unit_text
    # The unemployment rate as a rate, with its gap in 个百分点 and the word 逆向指标.
    c2 = result.column("C2")
    rate, mean = -result.values[u, c2], -result.values[:, c2].mean()
    sentence = (
        f"城镇登记失业率为 {rate:.2f}%，高于参评单位平均 {rate - mean:.2f} 个百分点（逆向指标"
    )
    assert sentence in unit_text
    assert "乘 -1" not in unit_text and f"-{rate:.2f}" not in unit_text


def test_amounts_people_and_no_relative_gap(unit_text):
    assert "12,277.80万元" in unit_text and "3,980.00万元" in unit_text  # one amount style
    assert "18,023人" in unit_text
    assert not re.search(r"(高于|低于)参评单位平均（[^）]*）\d+\.\d%", unit_text)


def test_texts_differ_between_units_and_name_their_own_numbers(rounds):
    result, previous = rounds
    texts = {}
    for code in ("110101", "110108"):
        doc = build_unit_report(result, code, previous=previous, charts=False)
        texts[code] = "\n".join(
            b.text for b in doc.section("suggestions").blocks if isinstance(b, Paragraph)
        )
        problems = "\n".join(
            b.text for b in doc.section("problems").blocks if isinstance(b, Paragraph)
        )
        assert "与上年相比变化最大的指标" in problems
    assert texts["110101"] != texts["110108"]
    assert "本单位 " in texts["110101"]


def test_unit_report_states_its_award_and_criticism(rounds):
    result, previous = rounds
    doc = build_unit_report(
        result,
        "110119",
        previous=previous,
        charts=False,
        criticism=[{"unit_code": "110119", "tier": "通报批评", "reason": "资金支出进度滞后"}],
    )
    text = doc.plain_text()
    assert "延庆区被列入本次评价的通报批评名单，原因：资金支出进度滞后" in text
    doc = build_unit_report(
        result,
        "110105",
        previous=previous,
        charts=False,
        awards=[{"unit_code": "110105", "tier": "一等奖", "reason": ""}],
    )
    assert "朝阳区在本次评价中获得一等奖" in doc.plain_text()


def test_no_english_codes_in_chinese_text(round_doc):
    text = round_doc.plain_text()
    for code in ("zscore", "price_factor", "mof-2012", "renormalise", "population"):
        assert code not in text.replace("mof-2012-demo", ""), code


# --- the money and 同比 ------------------------------------------------------------------


def test_round_report_opens_with_the_money_and_people(rounds, round_doc):
    result, previous = rounds
    money = next(t for t in round_doc.tables() if t.key == "money")
    rows = {r[0]: r for r in money.rows}
    spent = result.data.columns["fund_expenditure"].sum()
    last = previous.data.columns["fund_expenditure"].sum()
    assert rows["当年就业专项资金支出"][1] == f"{spent:,.2f}"
    assert rows["当年就业专项资金支出"][2] == f"{last:,.2f}"
    assert rows["当年就业专项资金支出"][4] == f"{(spent - last) / last * 100:+.2f}%"
    balance = result.data.columns["year_end_balance"].sum()
    assert rows["就业专项资金实际支出比例"][1] == f"{spent / (spent + balance) * 100:.2f}%"
    people = result.data.columns["employed_after_subsidy"].sum()
    assert rows["当年享受就业补贴后实现就业的人数"][1] == f"{round(people):,d}"
    opening = round_doc.section("basic.money").blocks[0].text
    assert f"{spent / 10000:,.2f}亿元" in opening  # 亿元 in running text


def test_scores_year_on_year_come_with_the_caveat(round_doc):
    text = round_doc.plain_text()
    assert "平均得分由" not in text
    assert "相对位置" in text
    changes = next(t for t in round_doc.tables() if t.key == "indicator_changes")
    assert any("个百分点" in r[4] for r in changes.rows)
    assert "环比" not in "".join(t.caption for t in round_doc.tables())  # no earlier period


def test_tables_are_numbered_continuously(round_doc):
    numbers = [
        int(re.match(r"表(\d+) ", t.caption).group(1)) for t in round_doc.tables() if t.caption
    ]
    assert numbers == list(range(1, len(numbers) + 1))


# --- signable -------------------------------------------------------------------------------


def test_cover_team_page_and_closing(round_doc):
    text = round_doc.plain_text()
    for item in (
        "北京市财政局",
        "京绩评〔2025〕第015号",
        "评价工作组及独立性声明",
        "张明\t项目负责人",
        "独立完成",
        "评价机构（盖章）：北京某某绩效评价有限公司",
        "2025年3月15日",
    ):
        assert item in text, item


def test_final_mode_refuses_drafts_and_missing_details(rounds):
    result, _ = rounds
    with pytest.raises(ReportInputError) as caught:
        build_unit_report(result, "110101", charts=False, final=True, issuer="某机构")
    messages = [p.text() for p in caught.value.problems]
    assert "一、基本情况" in messages[0] and "六、今后改进的意见或建议" in messages[0]
    assert "--client" in messages[1] and "--team" in messages[1]
    texts = {
        key: f"评价机构撰写的{key}部分。"
        for key in ("basic", "targets", "measures", "achievement", "problems", "suggestions")
    }
    doc = build_unit_report(result, "110101", charts=False, final=True, narratives=texts, **SIGNING)
    assert doc.draft_sections() == [] and doc.draft_banner == ""


# --- Word as WPS and LibreOffice see it -----------------------------------------------------


def test_docx_runs_tables_and_properties(round_docx):
    word = Document(str(round_docx))
    runs = list(word.element.body.iter(qn("w:r")))
    for r in runs:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")), r.xml[:200]
        assert r.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for table in word.tables:
        props = table._tbl.tblPr
        assert props.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert props.find(qn("w:tblW")).get(qn("w:type")) == "dxa"
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert all(w > 0 for w in grid) and sum(grid) <= 156 / 25.4 * 1440 + 5
    props = word.core_properties
    assert props.author == "北京某某绩效评价有限公司" and props.created.year >= 2025
    assert "python-docx" not in (props.comments + props.author + props.last_modified_by)
    title_style = word.styles["Title"].element.pPr
    assert title_style.find(qn("w:pBdr")) is None  # no blue rule
    normal = word.styles["Normal"].paragraph_format
    assert normal.line_spacing.pt == 28  # fixed, as official documents


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_lays_out_the_word_file(round_doc, round_docx, rounds, tmp_path):
    result, _ = rounds
    path = shutil.copy(round_docx, tmp_path / "round.docx")  # converted beside it
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pages = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "round.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    # The cover has no page number; every page carries the draft banner.
    assert not re.search(r"—\s*\d+\s*—", pages[0])
    assert all("初稿" in p for p in pages)
    # The contents page is filled in: every entry ends with its page number.
    toc = next(p for p in pages if "目录" in p)
    entries = [line for line in toc.splitlines() if "……" in line or "...." in line]
    assert len(entries) == sum(1 for s in round_doc.walk() if s.level <= 2)
    assert all(re.search(r"\d+\s*$", line) for line in entries)
    # The ranking table: every unit code and name on one line, never broken.
    ranking = next(p for p in pages if "综合得分排名" in p)
    for unit in result.data.units:
        assert re.search(rf"{unit.code}\s+{unit.name}", ranking), unit.name


# --- rank uncertainty -----------------------------------------------------------------------


def test_round_report_shows_rank_uncertainty_in_plain_chinese(rounds):
    from kaoping.reports.uncertainty import report_options
    from kaoping.scoring.robustness import analyse_robustness

    result, previous = rounds
    robustness = analyse_robustness(
        result.scheme, result.data, report_options(result.scheme, replicates=200), nominal=result
    )
    doc = build_round_report(result, previous=previous, robustness=robustness, charts=True)
    table = next(t for t in doc.tables() if t.key == "rank_uncertainty")
    assert table.columns == ["排名", "单位编码", "单位名称", "中位名次", "90% 区间"]
    first = robustness.order()[0]
    row = table.rows[0]
    assert row[1] == robustness.units[first].code
    low, high = robustness.p05_rank[first], robustness.p95_rank[first]
    assert row[4] == f"{low:.0f}～{high:.0f}"
    # min-max is among the simulated methods: grade probabilities would mislead, so none.
    assert "不列出" in table.note and "差" not in "".join(table.columns)
    text = doc.plain_text()
    assert "对名次影响最大的是" in text and "nominal" not in text and "rank_low" not in text
    assert any(c.key == "rank_intervals" for c in doc.charts())


def test_rank_uncertainty_gives_award_probabilities_by_quota():
    from kaoping.reports.uncertainty import report_options

    scheme = load_scheme("beijing-district-comprehensive")
    options = report_options(scheme)
    assert [(q.name, q.percent) for q in options.tiers] == [("一等奖", 20.0), ("二等奖", 30.0)]
    mof = report_options(load_scheme("mof-2012"))
    assert mof.tiers is None  # no awards: grade bands, shown only on one z-score scale


def test_sequential_change_only_with_an_earlier_period_of_the_same_year(rounds):
    result, previous = rounds
    unit = build_unit_report(result, "110101", previous=previous, history=[previous], charts=False)
    changes = next(t for t in unit.tables() if t.key == "changes")
    assert "环比变化" not in changes.columns  # annual rounds: the previous period is last year
    with (ROOT / "examples/mof-2012-demo-2024.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:  # an earlier round of the same year (e.g. the third quarter)
        row["fund_expenditure"] = str(float(row["fund_expenditure"]) * 0.8)
    quarter = evaluate(result.scheme, BaseData.from_records(rows))
    unit = build_unit_report(result, "110101", previous=previous, history=[quarter], charts=False)
    changes = next(t for t in unit.tables() if t.key == "changes")
    assert changes.columns[-2:] == ["上期", "环比变化"]


# --- Excel for finance staff ------------------------------------------------------------------


def test_results_workbook_is_ready_for_finance_staff(rounds, round_doc, tmp_path):
    from openpyxl import load_workbook

    from kaoping.reports.xlsx_render import render_xlsx

    result, _ = rounds
    path = tmp_path / "round.xlsx"
    render_xlsx(round_doc, result, path)
    wb = load_workbook(path)
    ranking = wb["排名"]
    assert "2024年度" in ranking["A1"].value and "排名" in ranking["A1"].value  # the title row
    assert ranking["A2"].value == "排名" and ranking.print_title_rows == "$2:$2"
    assert ranking.page_setup.orientation == "landscape" and ranking.page_setup.paperSize == 9
    assert ranking.page_setup.fitToWidth == 1 and ranking.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in ranking.oddFooter.center.text
    total = next(c for c in ranking[2] if c.value == "总分").column
    cell = ranking.cell(3, total)
    assert isinstance(cell.value, float) and cell.number_format == "0.00"
    values = wb["指标值"]
    a1 = next(c for c in values[2] if str(c.value).startswith("A1 ")).column
    assert values.cell(3, a1).number_format == "0.00%" and values.cell(3, a1).value < 1
    c2 = next(c for c in values[2] if str(c.value).startswith("C2 "))
    assert "逆向" in c2.value and values.cell(3, c2.column).value > 0  # the rate, not × −1
    method = [c.value for c in wb["评价方法"]["B"] if c.value]
    assert any("标准分法" in str(v) for v in method) and "zscore" not in map(str, method)
    tables = wb["报告表格"]
    money = next(r for r in tables.iter_rows() if r[0].value == "当年就业专项资金支出")
    assert isinstance(money[1].value, float) and money[1].number_format == "#,##0.00"


def test_allocation_amounts_are_numbers_with_a_total_row(tmp_path):
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from kaoping.cli.main import app

    beijing = ROOT / "examples/beijing"
    out = tmp_path / "allocation.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "allocate",
            str(beijing / "district-2024.csv"),
            "-s",
            "beijing-district-comprehensive",
            "-e",
            str(beijing / "experts-2024.xlsx"),
            "--total",
            "1000000",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).worksheets[0]
    amounts = [ws.cell(r, 6).value for r in range(3, ws.max_row)]
    assert all(isinstance(v, int) for v in amounts)  # numbers, so SUM works
    assert ws.cell(ws.max_row, 1).value == "合计"
    assert ws.cell(ws.max_row, 6).value == f"=SUM(F3:F{ws.max_row - 1})"
    assert sum(amounts) == 1_000_000
