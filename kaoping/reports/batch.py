"""Rendering many documents at once, on every core: all units' reports of a round.

WeasyPrint lays out one document on one core; a round's 16 (or 300) reports are
independent, so they are rendered in a pool of processes, one per core.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from kaoping.reports.model import ReportDocument

RENDERERS = ("pdf", "docx")


def _render(job: tuple[ReportDocument, str, str]) -> str:
    doc, fmt, path = job
    if fmt == "pdf":
        from kaoping.reports.pdf_render import render_pdf

        render_pdf(doc, path)
    else:
        from kaoping.reports.docx_render import render_docx

        render_docx(doc, path)
    return path


def render_many(
    jobs: Sequence[tuple[ReportDocument, str, str | Path]], workers: int | None = None
) -> list[str]:
    """Render ``(document, "pdf" | "docx", path)`` jobs, in parallel when there are several.

    Returns the paths in the order of ``jobs``. An error in any job is raised here.
    """
    work = [(doc, fmt, str(path)) for doc, fmt, path in jobs]
    for _, fmt, _ in work:
        if fmt not in RENDERERS:
            raise ValueError(f"unknown format {fmt!r}")
    workers = min(workers or os.cpu_count() or 1, len(work))
    if workers <= 1:
        return [_render(job) for job in work]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_render, work))
