"""Issue 6.4: back up the database, restore it into a fresh one, and verify the log chain.

Runs on the database the suite runs on: SQLite (online backup API) or PostgreSQL
(``pg_dump`` / ``pg_restore``, under scripts/with-postgres.sh). The restore and the check
run as separate processes, as an operator would run them.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kaoping.web.audit.log import check_chain
from kaoping.web.audit.models import AuditEntry

from .conftest import ROOT

# On PostgreSQL too: pg_dump / pg_restore against SQLite's online backup.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run(args: list[str], database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def kaoping_log_verify(database_url: str) -> subprocess.CompletedProcess:
    kaoping = str(Path(sys.executable).with_name("kaoping"))  # the installed console script
    return run([kaoping, "log", "verify", "--lang", "en", "--database", database_url], database_url)


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a new, empty database of the same kind as the suite's."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"kaoping_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    yield f"postgres://{auth}@{settings['HOST']}:{settings['PORT']}/{name}"
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_the_log_chain_intact(
    world, tmp_path, fresh_database
):
    world.collecting()
    expected = check_chain()
    assert expected.ok and expected.count > 20
    backup = tmp_path / "kaoping.backup"
    out = io.StringIO()
    call_command("backup", str(backup), stdout=out)
    assert expected.head in out.getvalue() and backup.stat().st_size > 0
    restored = run([sys.executable, "manage.py", "restore", str(backup)], fresh_database)
    assert restored.returncode == 0, restored.stderr
    assert expected.head in restored.stdout
    verified = kaoping_log_verify(fresh_database)
    assert verified.returncode == 0, verified.stderr
    assert (
        f"intact: {expected.count} entries" in verified.stdout and expected.head in verified.stdout
    )
    # Restoring over a database that holds data needs --force.
    again = run([sys.executable, "manage.py", "restore", str(backup)], fresh_database)
    assert again.returncode != 0 and "--force" in again.stderr


def test_tampering_with_a_restored_database_is_caught(world, tmp_path, fresh_database):
    world.collecting()
    backup = tmp_path / "kaoping.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    assert (
        run([sys.executable, "manage.py", "restore", str(backup)], fresh_database).returncode == 0
    )
    target = AuditEntry.objects.order_by("id")[5]
    sql = f"UPDATE audit_auditentry SET actor_name = 'someone-else' WHERE id = {int(target.pk)}"
    if connection.vendor == "sqlite":
        with sqlite3.connect(fresh_database[len("sqlite:///") :]) as db:
            db.execute(sql)
    else:
        import psycopg

        with psycopg.connect(fresh_database.replace("postgres://", "postgresql://")) as db:
            db.execute(sql)
    verified = kaoping_log_verify(fresh_database)
    assert verified.returncode == 2
    assert f"entry #{target.pk} was altered" in verified.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, fresh_database):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a backup")
    done = run([sys.executable, "manage.py", "restore", str(junk)], fresh_database)
    assert done.returncode != 0 and "Traceback" not in done.stderr
