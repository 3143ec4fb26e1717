"""Reports in English (``lang="en"``): every word the system writes comes from the English
catalogue; the only Chinese left is the data's own (unit names, the scheme's names and texts,
the award lists, the signing details), and that allowed set is computed from the inputs, never
listed by hand. The Word files are read back as text, one PDF, the workbook and the
certificates."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from kaoping.reports.certificates import certificates_html
from kaoping.reports.docx_render import render_docx
from kaoping.reports.model import ReportDocument
from kaoping.reports.pdf_render import render_pdf
from kaoping.reports.round_report import build_round_report
from kaoping.reports.uncertainty import report_options
from kaoping.reports.unit_report import build_unit_report
from kaoping.reports.xlsx_render import render_xlsx
from kaoping.scoring.robustness import analyse_robustness

# Han characters, CJK punctuation (、。「」（） …) and full-width forms (：；～).
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")

SIGNING = {
    "issuer": "北京某某绩效评价有限公司",
    "date": "2025年3月15日",
    "client": "北京市财政局",
    "number": "京绩评〔2025〕第015号",
    "team": [("张明", "项目负责人"), ("李华", "评价人员")],
}
AWARDS = [
    {"unit_code": "110105", "tier": "一等奖", "reason": "综合得分第一", "amount": 500000},
    {"unit_code": "110114", "tier": "二等奖", "reason": "综合得分第二", "amount": 300000},
]
CRITICISM = [{"unit_code": "110119", "tier": "通报批评", "reason": "资金支出进度滞后"}]
RECTIFICATIONS = [
    {"unit_code": "110101", "issue": "台账不全", "deadline": "2025年6月30日", "status": "整改中"}
]


def strings(value: Any) -> Iterator[str]:
    """Every text inside an input: dataclasses, mappings and sequences walked through."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from strings(item)


def data_texts(result: Any, *inputs: Any) -> list[str]:
    """The Chinese a report may show in English: the scheme's texts, the units' names and
    whatever the caller gave (award lists, signing details)."""
    texts = [*strings(result.scheme), *(u.name for u in result.data.units)]
    texts += [*strings(inputs)]
    return [t for t in texts if CHINESE.search(t)]


def foreign(text: str, allowed: list[str]) -> set[str]:
    """The runs of Chinese in ``text`` that no input holds: words the system wrote."""
    return {run for run in CHINESE.findall(text) if not any(run in a for a in allowed)}


def docx_text(doc: ReportDocument) -> str:
    """Everything a reader sees in the Word file: paragraphs, tables, headers and footers."""
    buffer = io.BytesIO()
    render_docx(doc, buffer)
    word = Document(io.BytesIO(buffer.getvalue()))
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    for section in word.sections:
        for part in (section.header, section.footer, section.first_page_header):
            lines += [p.text for p in part.paragraphs]
    lines += [word.core_properties.title or "", word.core_properties.keywords or ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def english(rounds):
    """The unit and round reports in English, with every optional part, and what they may
    quote in Chinese."""
    result, previous = rounds
    robustness = analyse_robustness(
        result.scheme, result.data, report_options(result.scheme, replicates=100), nominal=result
    )
    unit = build_unit_report(
        result,
        "110101",
        previous=previous,
        history=[previous],
        lang="en",
        awards=AWARDS,
        criticism=CRITICISM,
        **SIGNING,
    )
    round_doc = build_round_report(
        result,
        previous=previous,
        history=[previous],
        awards=AWARDS,
        criticism=CRITICISM,
        rectifications=RECTIFICATIONS,
        robustness=robustness,
        lang="en",
        **SIGNING,
    )
    allowed = data_texts(result, AWARDS, CRITICISM, RECTIFICATIONS, SIGNING)
    return unit, round_doc, allowed


def test_the_check_finds_words_the_system_wrote(rounds, english):
    """The same check on the Chinese report finds the system's own words (it can fail)."""
    result, previous = rounds
    _, _, allowed = english
    chinese = build_unit_report(result, "110101", previous=previous, charts=False, **SIGNING)
    found = foreign(chinese.plain_text(), allowed)
    assert any("基本情况" in run for run in found) and any("综合得分" in run for run in found)


@pytest.mark.parametrize("which", ["unit", "round"])
def test_english_word_file_has_no_chinese_but_the_data(english, which):
    unit, round_doc, allowed = english
    doc = unit if which == "unit" else round_doc
    text = docx_text(doc)
    assert "Basic information" in text and "Suggestions for improvement" in text
    assert foreign(text, allowed) == set()
    assert foreign(doc.plain_text(), allowed) == set()


def test_english_pdf_reads_back_without_chinese_but_the_data(english, tmp_path):
    unit, _, allowed = english
    path = tmp_path / "unit.pdf"
    render_pdf(unit, path)
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    assert "Basic information" in text and "Contents" in text
    assert foreign(text, allowed) == set()


def test_english_workbook_has_no_chinese_but_the_data(rounds, english):
    _, round_doc, allowed = english
    result, _ = rounds
    buffer = io.BytesIO()
    render_xlsx(round_doc, result, buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [ws.title for ws in workbook.worksheets]
    cells += [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    text = "\n".join(cells)
    assert "Ranking" in cells and "Report tables" in cells
    assert foreign(text, allowed) == set()


def test_english_certificates_have_no_chinese_but_the_data(rounds, english):
    _, _, allowed = english
    result, _ = rounds
    page = certificates_html(
        AWARDS,
        year=2024,
        issuer=SIGNING["issuer"],
        date=SIGNING["date"],
        unit_names={u.code: u.name for u in result.data.units},
        lang="en",
    )
    text = re.sub(r"<style>.*?</style>|<[^>]+>", "\n", page, flags=re.S)
    assert "Certificate of honour" in text and "is awarded the" in text
    assert foreign(text, allowed) == set()
