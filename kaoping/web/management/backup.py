"""Backup and restore of the web application's database (SQLite or PostgreSQL).

- SQLite: the online backup API (``sqlite3.Connection.backup``), consistent even while the
  server writes; restore copies the backup into the target database the same way.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists``
  (Debian's ``postgresql-client``), with the connection from ``DATABASE_URL``.

After a restore, the evaluation log's hash chain is checked (:func:`check_chain`): a backup
that was altered, or restored with another ``KAOPING_LOG_KEY``, is reported at once.
Uploaded files live under ``MEDIA_ROOT`` and are backed up as plain files (docs/operations.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(RuntimeError):
    """A backup or restore that could not be done; ``str()`` is for the operator."""


def vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def backup_database(target: Path) -> Path:
    """Write a backup of the default database to ``target`` (atomically)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if vendor() == "sqlite":
            _sqlite_backup(partial)
        elif vendor() == "postgresql":
            _run(
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(partial),
                    *_pg_args(),
                ]
            )
        else:
            raise BackupError(f"unsupported database: {vendor()}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore_database(source: Path) -> None:
    """Replace the default database's content with the backup ``source``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在 / no such backup file: {source}")
    if vendor() == "sqlite":
        _sqlite_restore(source)
    elif vendor() == "postgresql":
        connection.close()
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--dbname",
                _pg_dbname(),
                str(source),
            ]
        )
    else:
        raise BackupError(f"unsupported database: {vendor()}")
    connection.close()


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as destination:
        connection.connection.backup(destination)
    destination.close()


def _sqlite_restore(source: Path) -> None:
    with open(source, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"不是 SQLite 备份文件 / not an SQLite backup: {source}")
    connection.ensure_connection()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise BackupError(f"{name} 未安装 / not installed (apt-get install postgresql-client)")
    return str(candidates[-1])


def _pg_args() -> list[str]:
    return ["--dbname", _pg_dbname()]


def _pg_dbname() -> str:
    """A libpq connection string for the default database (the password via PGPASSWORD)."""
    s = connection.settings_dict
    parts = {
        "dbname": s["NAME"],
        "user": s.get("USER"),
        "host": s.get("HOST"),
        "port": s.get("PORT"),
    }
    return " ".join(f"{k}='{_quote(v)}'" for k, v in parts.items() if v)


def _quote(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("'", "\\'")


def _run(command: list[str]) -> None:
    env = dict(os.environ)
    password = connection.settings_dict.get("PASSWORD")
    if password:
        env["PGPASSWORD"] = password
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name}: {done.stderr.strip() or done.returncode}")
