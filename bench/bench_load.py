"""Load test (issue 6.4): 50 unit users log in, save their data and upload a table in the
same minute, against the real server on loopback.

Run from the project root: ``python -m bench.bench_load`` (``BENCH_DATABASE_URL`` for
PostgreSQL; default a throwaway SQLite file). The server is Django's WSGI application in
Django's threaded WSGI server (as ``runserver``, with a larger listen backlog; DEBUG off) in
its own process on 127.0.0.1 and a random free port. Each of the 50 threads uses
its own HTTP session: log in, open its unit's page, save a draft (form), upload its CSV row,
open the page again. Checks: no 5xx, every write landed (each unit's stored values are the
uploaded ones, and the log holds each save and upload), the log chain verifies. Bounded:
every request has a 60 s timeout, the whole run a 180 s deadline, and the server is stopped
at the end. Prints p50/p95 latency per kind of request.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

USERS = 50
PASSWORD = "Bench-mima-2024"
REQUEST_TIMEOUT = 60
DEADLINE = 180
ROOT = Path(__file__).resolve().parents[1]


def setup(folder: Path) -> dict:
    """A database with 50 units (one user each) and a round in data collection."""
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{folder / 'load.sqlite3'}"
        ),
        "KAOPING_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_SETTINGS_MODULE": "kaoping.web.settings",
        "DEBUG": "0",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from kaoping.web.accounts.models import Membership, Role
    from kaoping.web.rounds.actions import do_create_round
    from kaoping.web.units.models import Unit, UnitLevel
    from kaoping.web.workflow.actions import do_transition

    call_command("migrate", verbosity=0)
    province = Unit.objects.create(code="990000", name="压测省", level=UnitLevel.PROVINCE)
    units = [
        Unit.objects.create(code=f"99{i:04d}", name=f"压测单位{i}", parent=province)
        for i in range(1, USERS + 1)
    ]
    User = get_user_model()
    hashed = make_password(PASSWORD)  # hashing is slow on purpose: once for all
    office = User.objects.create(username="bench-office", password=hashed)
    Membership.objects.create(user=office, role=Role.OFFICE)
    for unit in units:
        user = User.objects.create(username=f"u{unit.code}", password=hashed)
        Membership.objects.create(user=user, role=Role.UNIT, unit=unit)
    round = do_create_round(name="压测批次", year=2024, units=units, acting_user=office)
    do_transition(round, "publish_scheme", acting_user=office)
    do_transition(round, "open_collection", acting_user=office)
    return {"env": env, "round": round.pk, "units": [(u.pk, u.code, u.name) for u in units]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int) -> None:
    """The server process: Django's WSGI application in Django's threaded WSGI server.

    As ``runserver`` (one thread per request), but with a listen backlog of 128: runserver's
    10 drops connections when 50 users arrive in the same second, as no production server
    (a reverse proxy in front of several workers) would.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):  # no access log on the console
            pass

    class Server(ThreadedWSGIServer):
        request_queue_size = 128

    httpd = Server(("127.0.0.1", port), QuietHandler)
    httpd.set_app(get_wsgi_application())
    httpd.serve_forever()


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_load", "--serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


class Session:
    """One user's browser: cookies, CSRF token, timed requests."""

    def __init__(self, base: str, timings: dict, errors: list):
        self.base, self.timings, self.errors = base, timings, errors
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, kind: str, path: str, data: bytes | None = None, ctype: str = "") -> str:
        headers = {"Referer": self.base + path}
        if data is not None:
            headers["X-CSRFToken"] = self.csrf()
            headers["Content-Type"] = ctype or "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                body = response.read().decode("utf-8", "replace")
                status = response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read().decode("utf-8", "replace"), exc.code
        except (urllib.error.URLError, OSError) as exc:
            self.errors.append(f"{kind} {path}: {type(exc).__name__}: {exc}")
            return ""
        self.timings.setdefault(kind, []).append(time.perf_counter() - started)
        if status >= 500 or (data is not None and status >= 400):
            self.errors.append(f"{kind} {path}: HTTP {status}")
        return body

    def post(self, kind: str, path: str, fields: dict) -> str:
        return self.request(kind, path, urllib.parse.urlencode(fields).encode())

    def upload(self, kind: str, path: str, fields: dict, name: str, content: bytes) -> str:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            kind, path, b"".join(parts), f"multipart/form-data; boundary={boundary}"
        )


def unit_values(position: int) -> dict:
    """Valid values for one unit (the demo's first district, scaled per unit)."""
    import csv

    with open(ROOT / "examples" / "mof-2012-demo-2024.csv", encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle))
    skip = ("unit_code", "unit_name", "year")
    return {k: v for k, v in row.items() if k not in skip} | {"local_raised": str(1000 + position)}


def one_user(base, round_id, unit, position, barrier, timings, errors) -> None:
    unit_id, code, name = unit
    session = Session(base, timings, errors)
    session.request("login page", "/login/")
    barrier.wait(timeout=DEADLINE)  # everybody starts together: the same minute
    session.post("log in", "/login/", {"username": f"u{code}", "password": PASSWORD})
    page_path = f"/rounds/{round_id}/data/unit/{unit_id}/"
    page = session.request("unit page", page_path)
    version = re.search(r'name="version" value="(\d+)"', page)
    if version is None:
        errors.append(f"u{code}: no form on the unit page (not logged in?)")
        return
    values = unit_values(position)
    session.post(
        "save draft",
        page_path + "save/",
        {**values, "local_raised": str(500 + position), "version": version.group(1), "save": "1"},
    )
    page = session.request("unit page", page_path)
    found = re.search(r'name="version" value="(\d+)"', page)
    if found is None:
        errors.append(f"u{code}: no form on the unit page after saving")
        return
    version = found.group(1)
    header = "unit_code,unit_name,year," + ",".join(values)
    row = f"{code},{name},2024," + ",".join(values.values())
    session.upload(
        "upload",
        page_path + "upload/",
        {"version": version},
        f"{code}.csv",
        f"{header}\n{row}\n".encode(),
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def check_writes(round_id: int, units: list) -> list[str]:
    from kaoping.web.audit.log import check_chain
    from kaoping.web.audit.models import AuditEntry
    from kaoping.web.submissions.models import Submission

    lost = []
    stored = {s.unit_id: s for s in Submission.objects.filter(round_id=round_id)}
    for position, (unit_id, code, _name) in enumerate(units):
        s = stored.get(unit_id)
        if s is None or s.values.get("local_raised") != 1000 + position:
            lost.append(f"{code}: stored {s.values.get('local_raised') if s else None}")
        actions = set(AuditEntry.objects.filter(unit_id=unit_id).values_list("action", flat=True))
        if not {"submission.save_draft", "submission.upload"} <= actions:
            lost.append(f"{code}: log has {sorted(actions)}")
    report = check_chain()
    if not report.ok:
        lost.append("log chain: " + report.problem.render("en"))
    return lost


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kaoping-load-") as folder:
        world = setup(Path(folder))
        port = free_port()
        server = start_server(world["env"], port)
        timings: dict[str, list[float]] = {}
        errors: list[str] = []
        barrier = threading.Barrier(USERS)
        started = time.perf_counter()
        try:
            threads = [
                threading.Thread(
                    target=one_user,
                    daemon=True,
                    args=(
                        f"http://127.0.0.1:{port}",
                        world["round"],
                        unit,
                        i,
                        barrier,
                        timings,
                        errors,
                    ),
                )
                for i, unit in enumerate(world["units"])
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=max(1.0, DEADLINE - (time.perf_counter() - started)))
            hung = sum(t.is_alive() for t in threads)
        finally:
            server.terminate()
            server.wait(timeout=30)
        elapsed = time.perf_counter() - started
        lost = check_writes(world["round"], world["units"])
    print(
        f"{USERS} unit users, {elapsed:.1f} s wall clock, server: Django threaded WSGI on loopback"
    )
    print(f"{'request':<12} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    everything = []
    for kind, values in timings.items():
        everything += values
        print(
            f"{kind:<12} {len(values):>4} {1000 * statistics.median(values):>8.0f} "
            f"{1000 * percentile(values, 0.95):>8.0f} {1000 * max(values):>8.0f}"
        )
    print(
        f"{'all':<12} {len(everything):>4} {1000 * statistics.median(everything):>8.0f} "
        f"{1000 * percentile(everything, 0.95):>8.0f} {1000 * max(everything):>8.0f}"
    )
    print(f"errors (5xx or refused writes): {len(errors)}; lost writes: {len(lost)}; hung: {hung}")
    for line in (errors + lost)[:10]:
        print("  ", line)
    ok = not errors and not lost and not hung and elapsed < 60
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        import django

        django.setup()
        serve(int(sys.argv[2]))
    else:
        sys.exit(main())
