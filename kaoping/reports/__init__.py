"""Reports: documents (Word, PDF, Excel) and charts built from evaluation results.

One content model (:class:`~kaoping.reports.model.ReportDocument`), built once and rendered
to several formats::

    from kaoping.reports import build_unit_report, render_docx, render_pdf
    doc = build_unit_report(result, "110101", narratives={"measures": "……"}, previous=last_year)
    render_docx(doc, "东城区.docx")
    render_pdf(doc, "东城区.pdf")

The names below are imported on first use, so that importing a small part (the results
workbook, the command line) does not load WeasyPrint, python-docx or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ReportDocument": "kaoping.reports.model",
    "Section": "kaoping.reports.model",
    "Paragraph": "kaoping.reports.model",
    "Table": "kaoping.reports.model",
    "Chart": "kaoping.reports.model",
    "Cover": "kaoping.reports.model",
    "build_unit_report": "kaoping.reports.unit_report",
    "build_round_report": "kaoping.reports.round_report",
    "render_docx": "kaoping.reports.docx_render",
    "render_pdf": "kaoping.reports.pdf_render",
    "render_html": "kaoping.reports.pdf_render",
    "render_xlsx": "kaoping.reports.xlsx_render",
    "report_tables_sheet": "kaoping.reports.xlsx_render",
    "render_certificates": "kaoping.reports.certificates",
    "load_narratives": "kaoping.reports.narratives",
    "narratives_for": "kaoping.reports.narratives",
    "ReportInputError": "kaoping.reports.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kaoping.reports' has no attribute {name!r}")
