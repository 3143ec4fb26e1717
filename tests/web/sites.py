"""A whole installation of its own for tests that need several real processes (workers,
concurrent writers): its own database (a SQLite file, or a fresh database on the test
PostgreSQL server when DATABASE_URL points at one), its own var directory, and helpers to
run Python in it and to start workers. pytest-django's test database cannot serve here: an
in-memory SQLite database is invisible to other processes.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
PRELUDE = (
    "import os, json, django\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kaoping.web.settings')\n"
    "django.setup()\n"
    "from django.conf import settings\n"
    "settings.PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']\n"
)


class Site:
    def __init__(self, folder: Path):
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env.update(
            KAOPING_VAR_DIR=str(folder / "var"),
            DEBUG="0",
            PYTHONPATH=str(ROOT),
            KAOPING_WORKER_HEARTBEAT_SECONDS="0.5",
            KAOPING_WORKER_STALE_SECONDS="2.5",
        )
        self.pg_name = ""
        base = os.environ.get("DATABASE_URL", "")
        if base.startswith("postgres"):
            self.pg_name = f"kaoping_site_{uuid.uuid4().hex[:8]}"
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + self.pg_name
        else:
            self.env["DATABASE_URL"] = f"sqlite:///{folder / 'site.sqlite3'}"
        self.workers: list[subprocess.Popen] = []
        self.manage("migrate", "-v0")

    @property
    def vendor(self) -> str:
        return "postgresql" if self.pg_name else "sqlite"

    def _pg(self, statement: str) -> None:
        import psycopg

        url = urlparse(os.environ["DATABASE_URL"])
        with psycopg.connect(
            host=url.hostname, port=url.port, user=url.username, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=check,
        )

    def python(self, code: str, timeout: float = 300):
        """Run ``code`` in a new Django process of this site; returns what it printed as JSON."""
        out = self.spawn(code)
        stdout, stderr = out.communicate(timeout=timeout)
        assert out.returncode == 0, stderr[-3000:]
        return json.loads(stdout.strip().splitlines()[-1]) if stdout.strip() else None

    def spawn(self, code: str) -> subprocess.Popen:
        script = PRELUDE + textwrap.dedent(code)
        return subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def worker(self, name: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--worker-id",
                name,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / f"{name}.log", "w"),  # noqa: SIM115 (closed with the process)
        )
        self.workers.append(process)
        return process

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Rows of ``query`` read straight from the site's database (fast, for polling)."""
        if self.pg_name:
            import psycopg

            url = urlparse(self.env["DATABASE_URL"])
            with psycopg.connect(
                host=url.hostname, port=url.port, user=url.username, dbname=self.pg_name
            ) as conn:
                return conn.execute(query.replace("%", "%%").replace("?", "%s"), params).fetchall()
        with closing(sqlite3.connect(self.folder / "site.sqlite3", timeout=30)) as conn:
            return conn.execute(query, params).fetchall()

    def wait_for(self, query: str, params: tuple = (), timeout: float = 120, every: float = 0.1):
        """Poll ``query`` until it returns a row; returns the first row."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.sql(query, params)
            if rows:
                return rows[0]
            time.sleep(every)
        raise AssertionError(f"timed out waiting for: {query} {params}")

    def close(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


SCORED_ROUND = """
from django.test.utils import override_settings
from tests.web.conftest import World
from kaoping.web.workflow.actions import do_transition
world = World()
with override_settings(KAOPING_JOBS_INLINE=True):
    round = world.collecting()
    world.submit_all(round)
    do_transition(round, "start_verification", acting_user=world.office)
    do_transition(round, "start_scoring", acting_user=world.office)
print(json.dumps({"round": round.pk}))
"""
