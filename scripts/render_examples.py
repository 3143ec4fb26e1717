"""Render one page of each document kind to docs/examples/*.png, so a reader sees what a
bureau receives: the unit and round reports (PDF), the Word file as LibreOffice lays it out,
the results workbook as LibreOffice Calc prints it, and the certificates (both kinds).

Run: ``.venv/bin/python scripts/render_examples.py`` (needs poppler-utils, and
libreoffice-writer-nogui / libreoffice-calc-nogui for the Word and Excel pages).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

from kaoping.reports.certificates import render_certificates
from kaoping.reports.docx_render import render_docx
from kaoping.reports.pdf_render import render_pdf
from kaoping.reports.round_report import build_round_report
from kaoping.reports.uncertainty import report_options
from kaoping.reports.unit_report import build_unit_report
from kaoping.reports.xlsx_render import render_xlsx
from kaoping.scoring import BaseData, evaluate, load_scheme
from kaoping.scoring.robustness import analyse_robustness

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "examples"
SIGNING = {"issuer": "北京某某绩效评价有限公司", "date": "2025年3月15日",
           "client": "北京市财政局、北京市人力资源和社会保障局", "number": "京绩评〔2025〕第015号",
           "team": [("张明", "项目负责人"), ("李华", "评价人员"), ("王芳", "评价人员")]}


def read(path: Path) -> BaseData:
    with path.open(encoding="utf-8") as f:
        return BaseData.from_records(list(csv.DictReader(f)), source=path.name)


def page_png(pdf: Path, page: int, name: str, dpi: int = 60) -> None:
    stem = OUT / name
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l",
                    str(page), str(pdf), str(stem)], check=True)
    print("wrote", stem.with_suffix(".png").relative_to(ROOT))


def page_with(pdf: Path, text: str) -> int:
    """The first page whose text holds ``text``."""
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    return next(i for i, p in enumerate(pages, start=1) if text in p.replace(" ", ""))


def office_pdf(source: Path, tmp: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(source)],
                   check=True, capture_output=True, timeout=300)
    return tmp / f"{source.stem}.pdf"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    scheme = load_scheme("mof-2012")
    previous = evaluate(scheme, read(ROOT / "examples/mof-2012-demo-2023.csv"))
    result = evaluate(scheme, read(ROOT / "examples/mof-2012-demo-2024.csv"), previous=previous)
    robustness = analyse_robustness(scheme, result.data, report_options(scheme), nominal=result)
    unit = build_unit_report(result, "110101", previous=previous, **SIGNING)
    round_doc = build_round_report(result, previous=previous, robustness=robustness, **SIGNING)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        render_pdf(unit, tmp / "unit.pdf")
        page_png(tmp / "unit.pdf", 1, "unit-report-cover")
        page_png(tmp / "unit.pdf", page_with(tmp / "unit.pdf", "二级指标值、标准得分"),
                 "unit-report-indicators")
        render_pdf(round_doc, tmp / "round.pdf")
        page_png(tmp / "round.pdf", 3, "round-report-team-page")
        page_png(tmp / "round.pdf", page_with(tmp / "round.pdf", "资金和就业总体情况"),
                 "round-report-money")
        page_png(tmp / "round.pdf", page_with(tmp / "round.pdf", "名次的中位数和90%区间"),
                 "round-report-rank-uncertainty")
        pages = subprocess.run(["pdfinfo", str(tmp / "round.pdf")], capture_output=True,
                               text=True, check=True).stdout
        last = int(
            next(line for line in pages.splitlines() if line.startswith("Pages:")).split()[1]
        )
        page_png(tmp / "round.pdf", last, "round-report-closing")
        certificates = [{"unit_code": "110105", "unit_name": "朝阳区", "tier": "一等奖"}]
        common = dict(year=2024, issuer="北京市就业工作领导小组", date="2025年3月1日",
                      award="就业工作综合考核", number_prefix="京就奖")
        render_certificates(certificates, tmp / "cert.pdf", **common)
        page_png(tmp / "cert.pdf", 1, "certificate")
        render_certificates(certificates, tmp / "plain.pdf", text_only=True, **common)
        page_png(tmp / "plain.pdf", 1, "certificate-text-only")
        if shutil.which("soffice"):
            word = tmp / "round-word.docx"
            render_docx(round_doc, word)
            converted = office_pdf(word, tmp)
            page_png(converted, 1, "word-in-libreoffice-cover")
            page_png(converted, 2, "word-in-libreoffice-contents")
            page_png(converted, page_with(converted, "综合得分排名"),
                     "word-in-libreoffice-ranking")
            workbook = tmp / "round-excel.xlsx"
            render_xlsx(round_doc, result, workbook)
            try:
                page_png(office_pdf(workbook, tmp), 1, "excel-ranking-sheet-printed")
            except subprocess.CalledProcessError:
                print("LibreOffice Calc is not installed: no Excel page")


if __name__ == "__main__":
    main()
