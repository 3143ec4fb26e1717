"""Server time of the web application's heaviest pages, and the 3,000-unit import.

Run from the project root: ``python -m bench.bench_web``. Uses a throwaway SQLite database
(or ``BENCH_DATABASE_URL`` for PostgreSQL). Targets (issue 4): ranking page and a unit's page
under 300 ms at 3,000 units; importing a 3,000-unit table under 3 s; a scoring run of 3,000
units about 2 s. Issue 14: every page under 300 ms and at most ~20 SQL queries at 3,000
units, the import under 1 s; the page table lists each page's time and query count. Pages are timed through Django's test client (request → response, no
network), median of several requests; "unit cold" is the first view of a unit's page after
the run, which evaluates the run's frozen inputs again to explain the unit. Then (issue 5)
the background job generating every unit's report (PDF and Word) of the 16-unit round.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

SIZES = (16, 300, 3000)
REPEATS = 7
PAGE_TARGET_MS = 300
IMPORT_TARGET_S = 1.0
QUERY_TARGET = 20
SCORING_TARGET_S = 2.0


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"
    )
    os.environ["KAOPING_MEDIA_ROOT"] = str(folder / "media")
    # The log's signed checkpoints and key stay with the throwaway database, not in var/.
    os.environ["KAOPING_CHECKPOINT_DIR"] = str(folder / "checkpoints")
    os.environ["KAOPING_KEYS_DIR"] = str(folder / "keys")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.web.settings")
    os.environ["DEBUG"] = "0"
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.KAOPING_JOBS_INLINE = True
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0, interactive=False)


def build_round(n: int, office, agency, parent):
    """A round of ``n`` synthetic units, imported, confirmed, verified and scored."""
    from bench.synthetic import write_csv
    from kaoping.web.rounds.actions import do_create_round
    from kaoping.web.units.models import Unit
    from kaoping.web.workflow.actions import do_transition

    folder = Path(tempfile.mkdtemp())
    path = write_csv(folder / f"units-{n}.csv", n, seed=n)
    import csv

    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    Unit.objects.bulk_create(
        [Unit(code=f"{n}-{r['unit_code']}", name=r["unit_name"], parent=parent) for r in rows]
    )
    units = list(Unit.objects.filter(code__startswith=f"{n}-"))
    # The round's unit codes carry a size prefix so that rounds do not collide; the price
    # factor is the evaluator's (a separate table), not a column of the units' table.
    import io

    out = io.StringIO()
    columns = [c for c in rows[0] if c != "price_factor"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({**r, "unit_code": f"{n}-{r['unit_code']}"} for r in rows)
    content = out.getvalue().encode("utf-8")
    round = do_create_round(name=f"bench {n}", year=2024, units=units, acting_user=office)
    do_transition(round, "publish_scheme", acting_user=office)
    do_transition(round, "open_collection", acting_user=office)
    return round, content, units


def timed_import(round, content, office) -> float:
    from kaoping.web.submissions.actions import do_import_all

    start = time.perf_counter()
    do_import_all(round, content, "统计报表.csv", acting_user=office)
    return time.perf_counter() - start


def timed_row_by_row(units, content, office) -> float:
    """The peer: the same table stored one INSERT per row (as before issue 14), timed on a
    fresh round of the same units, in the same run (the machine is shared and noisy)."""
    from kaoping.tables import read_base_data
    from kaoping.web.rounds.actions import do_create_round
    from kaoping.web.submissions.data import values_of
    from kaoping.web.submissions.models import Submission, SubmissionStatus
    from kaoping.web.workflow.actions import do_transition

    round = do_create_round(name="peer", year=2024, units=units, acting_user=office)
    do_transition(round, "publish_scheme", acting_user=office)
    do_transition(round, "open_collection", acting_user=office)
    from django.db import transaction

    start = time.perf_counter()
    scheme = round.scheme()
    data = read_base_data(content, scheme, filename="统计报表.csv")
    by_code = {u.code: u for u in round.units.all()}
    with transaction.atomic():
        for position, code in enumerate(data.codes):
            Submission(
                round=round,
                unit=by_code[code],
                values=values_of(data, position, scheme),
                status=SubmissionStatus.PENDING_CONFIRMATION,
                source="peer",
            ).save()
    return time.perf_counter() - start


def finish_round(round, office, agency) -> None:
    from kaoping.web.results.actions import do_start_scoring_run
    from kaoping.web.submissions.models import Submission, SubmissionStatus
    from kaoping.web.workflow.actions import do_transition

    Submission.objects.filter(round=round).update(status=SubmissionStatus.VERIFIED)
    do_transition(round, "start_verification", acting_user=office)
    do_transition(round, "start_scoring", acting_user=office)
    start = time.perf_counter()
    do_start_scoring_run(round, acting_user=agency)
    return time.perf_counter() - start


def cold_page_ms(client, url: str) -> float:
    """The first view, with no evaluation cached in the process (as after a restart)."""
    from kaoping.web.results.frozen import forget

    forget()
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - start) * 1000


def report_job_s(round, office) -> tuple[float, int]:
    """Every unit's report (PDF + Word), the round report, zipped, as the job runs it."""
    from kaoping.web.results.models import ReportJob, ScoringRun
    from kaoping.web.results.report_actions import do_start_report_job

    start = time.perf_counter()
    job = do_start_report_job(round, ScoringRun.latest_done(round), acting_user=office)
    elapsed = time.perf_counter() - start
    job = ReportJob.objects.get(pk=job.pk)
    assert job.status == "done", job.message
    return elapsed, sum(1 for n in job.contents if n.startswith("units/") and n.endswith(".pdf"))


def page_ms(client, url: str) -> float:
    client.get(url)  # warm caches (scheme parsing, templates)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def page_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def every_page(round, units) -> dict[str, str]:
    """The pages a busy office opens all day, for one round."""
    from django.urls import reverse

    unit = units[len(units) // 2]
    data = reverse("submissions:list", args=[round.pk])
    return {
        "home": reverse("home"),
        "rounds": reverse("rounds:list"),
        "round": reverse("rounds:detail", args=[round.pk]),
        "base data list": data,
        "base data, overdue filter": data + "?status=overdue",
        "base data, search": data + "?q=" + unit.code[-4:],
        "a unit's data": reverse("submissions:unit", args=[round.pk, unit.pk]),
        "units": reverse("units:list"),
        "results": reverse("results:index", args=[round.pk]),
        "ranking": reverse("results:ranking", args=[round.pk]),
        "a unit's result": reverse("results:unit", args=[round.pk, unit.pk]),
        "disputes": reverse("disputes:list", args=[round.pk]),
        "log": reverse("audit:log"),
        "overdue": reverse("overdue"),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder))
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from kaoping.web.accounts.models import Membership, Role
        from kaoping.web.units.models import Unit

        User = get_user_model()
        office = User.objects.create_user("office", password="x")
        agency = User.objects.create_user("agency", password="x")
        Membership.objects.create(user=office, role=Role.OFFICE)
        Membership.objects.create(user=agency, role=Role.AGENCY)
        parent = Unit.objects.create(code="root", name="某省")
        client = Client()
        client.force_login(office)
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(
            f"{'units':>6} {'import s':>9} {'row-by-row s':>13} {'scoring s':>10} {'ranking ms':>11} "
            f"{'unit cold ms':>13} {'unit page ms':>13}"
        )
        rounds = {}
        for n in SIZES:
            round, content, units = build_round(n, office, agency, parent)
            imported = timed_import(round, content, office)
            peer = timed_row_by_row(units, content, office)
            scored = finish_round(round, office, agency)
            ranking = page_ms(client, reverse("results:ranking", args=[round.pk]))
            unit_url = reverse("results:unit", args=[round.pk, units[len(units) // 2].pk])
            cold = cold_page_ms(client, unit_url)
            unit = page_ms(client, unit_url)
            rounds[n] = round
            print(
                f"{n:>6} {imported:>9.3f} {peer:>13.3f} {scored:>10.2f} {ranking:>11.1f} "
                f"{cold:>13.1f} {unit:>13.1f}"
            )
        print(
            f"targets at 3,000 units: pages < {PAGE_TARGET_MS} ms, import < {IMPORT_TARGET_S} s, "
            f"scoring ~{SCORING_TARGET_S} s (in the background with a progress page)"
        )
        big = max(SIZES)
        print(f"\nevery page at {big:,} units (median of {REPEATS}, after one warm-up view):")
        print(f"{'page':<28} {'ms':>8} {'queries':>8}")
        from kaoping.web.units.models import Unit as _Unit

        big_units = list(_Unit.objects.filter(code__startswith=f"{big}-"))
        for name, url in every_page(rounds[big], big_units).items():
            ms, queries = page_ms(client, url), page_queries(client, url)
            flag = "" if ms < PAGE_TARGET_MS and queries <= QUERY_TARGET else "  over target"
            print(f"{name:<28} {ms:>8.1f} {queries:>8}{flag}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        if os.environ.get("BENCH_SKIP_REPORTS"):
            return
        seconds, pdfs = report_job_s(rounds[16], office)
        print(
            f"report job, 16 units (PDF + Word each, round report, zip): {seconds:.1f} s, "
            f"{pdfs} unit PDFs in the zip"
        )


if __name__ == "__main__":
    main()
