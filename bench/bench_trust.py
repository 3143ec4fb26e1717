"""Appends to the evaluation log under contention, and report jobs on 1 vs 2 workers.

Each measurement runs in a whole installation of its own (``tests/web/sites.py``): real
processes on a real database (SQLite file; the PostgreSQL server of DATABASE_URL when set).

- log: the same number of appends by 1 process, then by 4 processes at once (appends/s);
  the ratio says what serialising appends (advisory lock / SQLite write lock) costs;
- reports: one report job over the 16 demo districts (PDF only), one task per unit,
  finished by 1 worker, then by 2 workers (units/s, and units/s per worker).

Run: ``.venv/bin/python -m bench.bench_trust`` (or with scripts/with-postgres.sh).
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

from tests.web.sites import SCORED_ROUND, Site

APPENDS = 240

APPEND = """
import time
from django.db import transaction
from kaoping.web.audit.log import record
time.sleep(max(0.0, {start} - time.time()))
for i in range({each}):
    with transaction.atomic():
        record("bench.append", None, actor_name="w{n}", data={{"i": i}})
print(json.dumps(time.time()))
"""


def log_appends(site: Site, writers: int) -> float:
    start = time.time() + 8
    processes = [
        site.spawn(APPEND.format(start=start, each=APPENDS // writers, n=n)) for n in range(writers)
    ]
    ends = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-2000:]
        ends.append(float(out.strip().splitlines()[-1]))
    return APPENDS / (max(ends) - start)


REPORT_JOB = """
from django.contrib.auth import get_user_model
from kaoping.web.results.models import ScoringRun
from kaoping.web.results.report_actions import do_start_report_job
run = ScoringRun.objects.filter(status="done").latest("id")
job = do_start_report_job(run.round, run, acting_user=get_user_model().objects.get(username="agency"),
                          with_docx=False)
print(json.dumps(job.pk))
"""

START_RUN = """
from django.contrib.auth import get_user_model
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.rounds.models import Round
run = do_start_scoring_run(Round.objects.get(pk={round}),
                           acting_user=get_user_model().objects.get(username="agency"))
print(json.dumps(run.pk))
"""


def report_job(site: Site, workers: int) -> float:
    job = site.python(REPORT_JOB)
    start = time.perf_counter()
    processes = [site.worker(f"bench-{workers}-{n}") for n in range(workers)]
    site.wait_for(
        "SELECT id FROM results_reportjob WHERE id = ? AND status IN ('done', 'failed')",
        (job,),
        timeout=900,
        every=0.2,
    )
    seconds = time.perf_counter() - start
    status = site.sql("SELECT status, message FROM results_reportjob WHERE id = ?", (job,))[0]
    assert status[0] == "done", status
    for process in processes:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    return 16 / seconds


def main() -> None:
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    with tempfile.TemporaryDirectory() as folder:
        site = Site(Path(folder))
        try:
            one = log_appends(site, 1)
            four = log_appends(site, 4)
            print(
                f"log appends ({database}): 1 process {one:.0f}/s, 4 processes at once "
                f"{four:.0f}/s (ratio {four / one:.2f})"
            )
            round = site.python(SCORED_ROUND)["round"]
            run = site.python(START_RUN.format(round=round))
            warm = site.worker("warm-up")
            site.wait_for(
                "SELECT id FROM results_scoringrun WHERE id = ? AND status = 'done'", (run,)
            )
            warm.send_signal(signal.SIGTERM)
            warm.wait(60)
            single = report_job(site, 1)
            double = report_job(site, 2)
            print(
                f"reports, 16 units PDF ({database}): 1 worker {single:.2f} units/s, "
                f"2 workers {double:.2f} units/s (ratio {double / single:.2f}; "
                f"{double / 2:.2f} units/s per worker)"
            )
        finally:
            site.close()


if __name__ == "__main__":
    main()
