"""Server time of the web application's heaviest pages, and the 3,000-unit import.

Run from the project root: ``python -m bench.bench_web``. Uses a throwaway SQLite database
(or ``BENCH_DATABASE_URL`` for PostgreSQL). Targets (issue 4): ranking page and a unit's page
under 300 ms at 3,000 units; importing a 3,000-unit table under 3 s; a scoring run of 3,000
units about 2 s. Issue 14: every page under 300 ms and at most ~20 SQL queries at 3,000
units, the import under 1 s; the page table lists each page's time and query count. Pages are timed through Django's test client (request → response, no
network), median of several requests; "unit cold" is the first view of a unit's page after
the run, which evaluates the run's frozen inputs again to explain the unit. Then (issue 5)
the background job generating every unit's report (PDF and Word) of the 16-unit round.

At 3,000 units it also times each role's pages (committee, expert, unit; an expert group
scoring all 3,000 units) and the import of one table beside its floors in the same run: the
bare CSV read, reading and validating the table, and Django's ``bulk_create`` of the same rows
(best of 3 each), so that the ratio means something on a loaded machine.
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


def import_floors(units, content, office) -> dict[str, float]:
    """The import's parts and floors, timed on the same table in the same run (best of 3):
    the bare CSV read (``csv.reader``), reading and validating it (``read_base_data``, which
    the import does first), and a plain ``bulk_create`` of the same rows on a fresh round
    (what Django offers for a bulk write); then the import itself (best of 3, each into a
    fresh round) and importing the same table again (every row updated)."""
    import csv
    import io

    from kaoping.tables import read_base_data
    from kaoping.web.rounds.actions import do_create_round
    from kaoping.web.submissions.data import all_values
    from kaoping.web.submissions.models import Submission, SubmissionStatus
    from kaoping.web.workflow.actions import do_transition

    def collecting(name):
        round = do_create_round(name=name, year=2024, units=units, acting_user=office)
        do_transition(round, "publish_scheme", acting_user=office)
        do_transition(round, "open_collection", acting_user=office)
        return round

    def best(call, setup=lambda: None, times=3):
        found = []
        for _ in range(times):
            argument = setup()
            start = time.perf_counter()
            call(argument)
            found.append(time.perf_counter() - start)
        return min(found)

    n = len(units)
    scheme = collecting(f"floor {n}").scheme()
    by_code = {u.code: u for u in units}
    data = read_base_data(content, scheme, filename="统计报表.csv")
    rows = all_values(data, scheme)

    def plain_bulk_create(round):
        Submission.objects.bulk_create(
            Submission(
                round=round,
                unit=by_code[code],
                values=rows[i],
                source="floor",
                status=SubmissionStatus.PENDING_CONFIRMATION,
            )
            for i, code in enumerate(data.codes)
        )

    fresh = iter(range(100))
    last = {}

    def new_round():
        last["round"] = collecting(f"import {n} {next(fresh)}")
        return last["round"]

    return {
        "csv read": best(lambda _: list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))),
        "read + validate": best(lambda _: read_base_data(content, scheme, filename="统计报表.csv")),
        "bulk_create": best(plain_bulk_create, lambda: collecting(f"bulk {n} {next(fresh)}")),
        "import": best(lambda round: timed_import(round, content, office), new_round),
        "import again": best(lambda _: timed_import(last["round"], content, office)),
    }


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


def expert_round(units, office, experts):
    """A Beijing-scheme round of the same units whose policy group (two experts, items B1 and
    B2) scored every unit and was closed: the expert pages' worst case."""
    from kaoping.web.experts import actions as ex
    from kaoping.web.experts.scoring import group_items
    from kaoping.web.rounds.actions import do_create_round
    from kaoping.web.workflow.actions import do_transition

    round = do_create_round(
        name=f"experts {len(units)}",
        year=2024,
        units=units,
        acting_user=office,
        scheme_code="beijing-district-comprehensive",
    )
    do_transition(round, "publish_scheme", acting_user=office)
    group = ex.do_create_group(
        round, name="政策落实考核小组", items=["B1", "B2"], acting_user=office
    )
    ex.do_add_members(group, experts, acting_user=office)
    ex.do_assign(group, experts, units, acting_user=office)
    maxima = {i.code: i.max for i in group_items(group)}
    for share, expert in zip((0.8, 0.9), experts, strict=True):
        entries = {(u.pk, i): round_half(share * m) for u in units for i, m in maxima.items()}
        ex.do_save_scores(group, entries, acting_user=expert, submit=True)
    return round, ex.do_close_group(group, acting_user=office)


def round_half(x: float) -> float:
    return round(x * 2) / 2


def role_pages(round, units, experts_round, group, unit) -> dict[str, list[tuple[str, str]]]:
    """Each role's pages beyond the office's list above: the committee's, an expert's and a
    unit's, at 3,000 units."""
    from django.urls import reverse

    group_url = reverse("experts:group", args=[group.pk])
    return {
        "office": [
            ("accounts", reverse("accounts:list")),
            ("targets (letters)", reverse("letters:targets", args=[round.pk])),
            ("bonus/deduction points", reverse("adjustments:list", args=[round.pk])),
            ("awards", reverse("awards:decision", args=[round.pk])),
            ("archives", reverse("workflow:archives")),
            ("expert groups", reverse("experts:groups", args=[experts_round.pk])),
            ("an expert group", group_url),
            ("an expert group, search", group_url + "?q=" + unit.code[-4:]),
        ],
        "committee": [
            ("home", reverse("home")),
            ("results", reverse("results:index", args=[round.pk])),
            ("ranking", reverse("results:ranking", args=[round.pk])),
            ("changes to approve", reverse("approvals:changes", args=[round.pk])),
            ("an expert group", group_url),
        ],
        "expert": [
            ("home", reverse("home")),
            ("my scoring tasks", reverse("experts:mine")),
            ("the group", group_url),
        ],
        "unit": [
            ("home", reverse("home")),
            ("its data", reverse("submissions:unit", args=[round.pk, unit.pk])),
            ("disputes", reverse("disputes:list", args=[round.pk])),
        ],
    }


def print_page(name: str, ms: float, queries: int) -> None:
    flag = "" if ms < PAGE_TARGET_MS and queries <= QUERY_TARGET else "  over target"
    print(f"{name:<34} {ms:>8.1f} {queries:>8}{flag}")


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
            peer = timed_row_by_row(units, content, office) if n < max(SIZES) else float("nan")
            if n == max(SIZES):
                floors = import_floors(units, content, office)
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
        print(f"{'page':<34} {'ms':>8} {'queries':>8}")
        from kaoping.web.units.models import Unit as _Unit

        big_units = list(_Unit.objects.filter(code__startswith=f"{big}-"))
        for name, url in every_page(rounds[big], big_units).items():
            print_page(name, page_ms(client, url), page_queries(client, url))
        experts = [User.objects.create_user(f"expert{k}", password="x") for k in (1, 2)]
        committee = User.objects.create_user("committee", password="x")
        unit_user = User.objects.create_user("unit", password="x")
        unit = big_units[len(big_units) // 3]
        Membership.objects.create(user=committee, role=Role.COMMITTEE)
        Membership.objects.create(user=unit_user, role=Role.UNIT, unit=unit)
        for expert in experts:
            Membership.objects.create(user=expert, role=Role.EXPERT)
        start = time.perf_counter()
        experts_round, group = expert_round(big_units, office, experts)
        print(
            f"(an expert group scoring {big:,} units set up in {time.perf_counter() - start:.1f} s)"
        )
        clients = {"office": client}
        for role, user in (("committee", committee), ("expert", experts[0]), ("unit", unit_user)):
            clients[role] = Client()
            clients[role].force_login(user)
        for role, found in role_pages(rounds[big], big_units, experts_round, group, unit).items():
            for name, url in found:
                who = clients[role]
                print_page(f"{role}: {name}", page_ms(who, url), page_queries(who, url))
        print(f"\nimporting {big:,} rows, with its floors (best of 3, s):")
        for name, seconds in floors.items():
            print(f"{name:<34} {seconds:>8.3f}")
        print(
            f"{'import / (read + validate + bulk_create)':<42} "
            f"{floors['import'] / (floors['read + validate'] + floors['bulk_create']):.2f}"
        )
        print(f"{'import / csv read':<42} {floors['import'] / floors['csv read']:.1f}")
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
