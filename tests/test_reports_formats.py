"""Generated files opened again: Word (python-docx), PDF (pypdf, pdftoppm), Excel (openpyxl),
certificates. Each checks the six headings, numbers equal to the engine's and Chinese text."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from matplotlib import image as mpimg
from openpyxl import load_workbook
from pypdf import PdfReader

from kaoping.reports.certificates import render_certificates
from kaoping.reports.docx_render import render_docx
from kaoping.reports.pdf_render import render_html, render_pdf
from kaoping.reports.text import SECTION_TITLES, fmt_score, fmt_z
from kaoping.reports.unit_report import build_unit_report
from kaoping.reports.xlsx_render import render_xlsx
from kaoping.scoring import BaseData

ROOT = Path(__file__).resolve().parent.parent
SIX = [zh for zh, _ in SECTION_TITLES.values()]


def read(path: Path) -> BaseData:
    with path.open(encoding="utf-8") as f:
        return BaseData.from_records(list(csv.DictReader(f)), source=path.name)


# ``rounds``: the demo evaluated once for the whole run (tests/conftest.py).


@pytest.fixture(scope="module")
def unit_doc(rounds):
    result, previous = rounds
    return build_unit_report(
        result,
        "110105",
        previous=previous,
        date="2025年3月1日",
        issuer="北京市就业专项资金绩效评价工作组",
    )


@pytest.fixture(scope="module")
def unit_pdf(unit_doc, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "unit.pdf"
    render_pdf(unit_doc, path)
    return path


def test_docx_structure_fonts_page_and_fields(unit_doc, rounds, tmp_path):
    result, _ = rounds
    path = tmp_path / "unit.docx"
    render_docx(unit_doc, path)
    word = Document(str(path))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert [h.split("、", 1)[1] for h in headings] == SIX
    assert any(p.style.name == "Heading 2" for p in word.paragraphs)
    section = word.sections[0]
    # Word stores lengths in twips (1/1440 inch), hence the tolerance.
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.left_margin.mm == pytest.approx(28, abs=0.1)
    fonts = word.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"  # GB/T 9704 body
    heading_fonts = word.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading_fonts.get(qn("w:eastAsia")) == "黑体"
    assert heading_fonts.get(qn("w:eastAsiaTheme")) is None  # no theme font overriding it
    body_xml = word.element.body.xml
    assert body_xml.count("PAGEREF _Toc") == sum(1 for s in unit_doc.walk() if s.level <= 2)
    assert " PAGE " not in section.footer._element.xml  # no number on the cover
    assert " PAGE " in word.sections[1].footer._element.xml
    # The group-score table: 朝阳区's scores as the engine computed them.
    u = result.index("110105")
    group_table = next(t for t in word.tables if t.rows[0].cells[1].text == "一级指标")
    cells = {r.cells[0].text: r.cells[3].text for r in group_table.rows[1:]}
    assert cells == {c: fmt_score(s[u]) for c, s in result.group_scores.items()}
    assert len(word.inline_shapes) == 3  # radar, trend, ranking


def test_pdf_text_numbers_and_headings(unit_pdf, rounds):
    result, _ = rounds
    reader = PdfReader(str(unit_pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    compact = re.sub(r"\s+", "", text)
    for title in SIX:
        assert title in compact
    u = result.index("110105")
    assert "朝阳区综合得分84.12分，在16个单位中排名第1位" in compact
    assert fmt_score(result.totals[u]) == "84.12"
    c1 = result.column("C1")
    assert fmt_z(result.z[u, c1]) in text
    assert "—2—" in compact  # page numbers from the @page margin box
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_pdf_embeds_a_cjk_font(unit_pdf):
    reader = PdfReader(str(unit_pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    # A CJK serif for the body, as official documents are set (Noto Serif CJK on Debian).
    assert any("NotoSerifCJK" in n.replace("-", "") for n in names), names


def test_pdf_first_pages_are_not_blank(unit_pdf, tmp_path):
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "3",
            str(unit_pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    for page in pages:
        pixels = mpimg.imread(io.BytesIO(page.read_bytes()), format="png")
        dark = (pixels[..., :3].mean(axis=-1) < 0.8).mean()
        assert dark > 0.003, f"{page.name} looks blank ({dark:.4f} dark pixels)"


def test_html_escapes_agency_text(rounds):
    result, _ = rounds
    doc = build_unit_report(
        result, "110101", charts=False, narratives={"measures": "<script>alert(1)</script> & 资金"}
    )
    html = render_html(doc)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 资金" in html


def test_round_report_xlsx_has_results_and_report_tables(rounds, plain_round_doc, tmp_path):
    result, _ = rounds
    doc = plain_round_doc
    path = tmp_path / "round.xlsx"
    render_xlsx(doc, result, path)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "排名"
    tables = wb["报告表格"]
    values = [[c for c in row] for row in tables.iter_rows(values_only=True)]
    header = values.index(
        [
            "排名",
            "单位编码",
            "单位名称",
            "A",
            "B",
            "C",
            "D",
            "总分",
            "等级",
            "上年同期",
            "同比变化",
            "名次变化",
        ]
    )
    first = values[header + 1]
    assert first[1] == "110105"
    assert first[7] == pytest.approx(round(float(result.totals[result.index("110105")]), 2))


def test_round_report_docx_and_pdf(plain_round_doc, tmp_path):
    doc = plain_round_doc
    render_docx(doc, tmp_path / "round.docx")
    word = Document(str(tmp_path / "round.docx"))
    assert [p.text.split("、", 1)[1] for p in word.paragraphs if p.style.name == "Heading 1"] == SIX
    render_pdf(doc, tmp_path / "round.pdf")
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(tmp_path / "round.pdf").pages)
    )
    assert "综合绩效评价报告" in text
    assert "权重（通知附件1未公开）" in text


def test_certificates_one_landscape_page_each(tmp_path):
    awards = [{"unit_code": "110105", "tier": "一等奖"}, {"unit_code": "110114", "tier": "二等奖"}]
    path = tmp_path / "cert.pdf"
    pages = render_certificates(
        awards,
        path,
        year=2024,
        issuer="北京市就业工作领导小组",
        date="2025年3月1日",
        unit_names={"110105": "朝阳区", "110114": "昌平区"},
    )
    reader = PdfReader(str(path))
    assert pages == len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    second = re.sub(r"\s+", "", reader.pages[1].extract_text())
    assert "荣誉证书" in second
    assert (
        "昌平区" in second and "二等奖" in second and "荣获2024年度就业工作绩效考核二等奖" in second
    )
    assert "证书编号：2024-002" in second
    assert "北京市就业工作领导小组" in second
