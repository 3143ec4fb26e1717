"""Benchmark: report generation on the demo data (16 Beijing districts, 2024 vs 2023).

Targets on the 2-core machine: one unit's PDF report (build + charts + render) under 3 s
once the libraries are loaded; all 16 districts' reports (PDF) plus the round report under
60 s. Run: ``.venv/bin/python -m bench.bench_reports``.
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

from kaoping.scoring import BaseData, evaluate, load_scheme

ROOT = Path(__file__).resolve().parent.parent


def read(path: Path) -> BaseData:
    with path.open(encoding="utf-8") as f:
        return BaseData.from_records(list(csv.DictReader(f)), source=path.name)


def main() -> None:
    start = time.perf_counter()
    import weasyprint  # noqa: F401  (loading it is part of the first report's cost)

    from kaoping.reports.batch import render_many
    from kaoping.reports.charts import configure_fonts
    from kaoping.reports.docx_render import render_docx
    from kaoping.reports.pdf_render import render_pdf
    from kaoping.reports.round_report import build_round_report
    from kaoping.reports.unit_report import build_unit_report

    configure_fonts()
    print(f"import report libraries + fonts: {time.perf_counter() - start:6.2f} s")
    scheme = load_scheme("mof-2012")
    previous = evaluate(scheme, read(ROOT / "examples/mof-2012-demo-2023.csv"))
    result = evaluate(scheme, read(ROOT / "examples/mof-2012-demo-2024.csv"), previous=previous)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        # Warm-up: the first PDF loads the fonts into WeasyPrint/HarfBuzz.
        render_pdf(build_unit_report(result, result.codes[0], charts=False), out / "warm.pdf")
        times = []
        for _ in range(3):
            t = time.perf_counter()
            doc = build_unit_report(result, "110101", previous=previous)
            built = time.perf_counter() - t
            render_pdf(doc, out / "unit.pdf")
            times.append((time.perf_counter() - t, built))
        total, built = min(times)
        print(f"one unit PDF (build {built:.2f} s incl. 3 charts): {total:6.2f} s (target < 3 s)")
        t = time.perf_counter()
        doc = build_unit_report(result, "110101", previous=previous)
        render_docx(doc, out / "unit.docx")
        print(f"one unit DOCX: {time.perf_counter() - t:6.2f} s")
        t = time.perf_counter()
        jobs = [
            (build_unit_report(result, code, previous=previous), "pdf", out / f"{code}.pdf")
            for code in result.codes
        ]
        jobs.append((build_round_report(result, previous=previous), "pdf", out / "round.pdf"))
        render_many(jobs)  # as `kaoping report --all` does: one process per core
        seconds = time.perf_counter() - t
        print(f"16 unit PDFs + round PDF: {seconds:6.2f} s (target < 60 s)")


if __name__ == "__main__":
    main()
