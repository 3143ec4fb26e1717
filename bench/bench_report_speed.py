"""Benchmark: report rendering now vs before issue 12, side by side in one run.

The code before issue 12 (``BASE``, the main branch just before it was merged) is checked out
in a temporary git worktree; the same measuring child runs on it and on this tree, alternately,
``ROUNDS`` times, on the same demo data (16 districts, 2024 vs 2023). Each figure is the
process's **CPU time** (the shared machine's load makes wall times vary twofold), the best of
the repetitions: one unit's PDF (build with its charts + render), the round report's PDF
(build + render, without rank uncertainty, which the pre-issue-12 code did not have), one
unit's Word file, and a unit's PDF followed by its Word file (the second format reuses the
charts). Pages differ (issue 12 added content), so the time per page is given too.

Run: ``.venv/bin/python -m bench.bench_report_speed`` (``BASE=<commit>`` to compare with
another commit).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("BASE", "5618ecaf7739e0a763c40c36878efda1580c79b9")  # main before issue 12
ROUNDS = int(os.environ.get("ROUNDS", "3"))
REPEATS = 3
UNITS = ("110101", "110102", "110105", "110106", "110107", "110108")

CHILD = r"""
import csv, io, json, sys, time
from pathlib import Path

from kaoping.scoring import BaseData, evaluate, load_scheme
from kaoping.reports.docx_render import render_docx
from kaoping.reports.round_report import build_round_report
from kaoping.reports.unit_report import build_unit_report
from pypdf import PdfReader
from weasyprint import HTML
from kaoping.reports.pdf_render import render_html
from kaoping.reports import charts

root = Path(sys.argv[1])
units = sys.argv[2].split(",")
repeats = int(sys.argv[3])


def read(path):
    with path.open(encoding="utf-8") as f:
        return BaseData.from_records(list(csv.DictReader(f)), source=path.name)


def forget_charts():  # each measurement draws its charts (the kept ones are not counted)
    kept = getattr(charts, "_charts", None)
    if kept is not None:
        kept.clear()


scheme = load_scheme("mof-2012")
previous = evaluate(scheme, read(root / "examples/mof-2012-demo-2023.csv"))
result = evaluate(scheme, read(root / "examples/mof-2012-demo-2024.csv"), previous=previous)
warm = io.BytesIO()
HTML(string=render_html(build_unit_report(result, result.codes[0], previous=previous))).write_pdf(warm)
clock = time.process_time


def pdf(doc):
    out = io.BytesIO()
    HTML(string=render_html(doc)).write_pdf(out)
    return len(PdfReader(io.BytesIO(out.getvalue())).pages)


figures = {}
def best(name, run):
    times, pages = [], 0
    for i in range(repeats):
        forget_charts()
        start = clock()
        pages = run(units[i % len(units)]) or pages
        times.append(clock() - start)
    figures[name] = {"cpu": min(times), "pages": pages}


best("unit_pdf", lambda code: pdf(build_unit_report(result, code, previous=previous)))
best("round_pdf", lambda code: pdf(build_round_report(result, previous=previous)))
best("unit_docx", lambda code: render_docx(build_unit_report(result, code, previous=previous), io.BytesIO()))


def pdf_then_word(code):
    pdf(build_unit_report(result, code, previous=previous))
    render_docx(build_unit_report(result, code, previous=previous), io.BytesIO())


best("unit_pdf_then_docx", pdf_then_word)
print(json.dumps(figures))
"""


def measure(tree: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), ",".join(UNITS), str(REPEATS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), BASE],
            check=True,
            capture_output=True,
        )
        try:
            runs: dict[str, list[dict]] = {"before": [], "now": []}
            start = time.perf_counter()
            for _ in range(ROUNDS):  # alternated, so both sides meet the same load
                runs["before"].append(measure(before))
                runs["now"].append(measure(ROOT))
            wall = time.perf_counter() - start
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)],
                check=False,
                capture_output=True,
            )
    load = os.getloadavg()[0]
    print(f"base {BASE[:7]} vs this tree, {ROUNDS} alternated runs, {wall:.0f} s, load {load:.1f}")
    print(f"{'what':22} {'before':>14} {'now':>14} {'ratio':>6} {'per page before/now':>22}")
    for name in runs["now"][0]:
        b = min(r[name]["cpu"] for r in runs["before"])
        n = min(r[name]["cpu"] for r in runs["now"])
        pb, pn = runs["before"][0][name]["pages"], runs["now"][0][name]["pages"]
        per_page = f"{b / pb:.3f} / {n / pn:.3f} s" if isinstance(pb, int) and pb > 1 else ""
        pages = f" ({pb}→{pn} p.)" if per_page else ""
        print(f"{name:22} {b:12.2f} s {n:12.2f} s {n / b:6.2f} {per_page:>22}{pages}")


if __name__ == "__main__":
    main()
