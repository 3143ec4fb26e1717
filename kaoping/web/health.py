"""``/healthz``: is this installation able to work? For load balancers and monitoring.

Checks the database (a query answers), the background workers (a heartbeat within
``KAOPING_WORKER_STALE_SECONDS``) and the checkpoint directory (a file can be written).
Answers 200 with ``{"status": "ok", ...}`` when all hold, 503 naming what failed otherwise.
No login: it reveals nothing but these three states.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kaoping.web.jobs.durable import live_workers


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _workers() -> str:
    try:
        alive = live_workers()
    except DatabaseError:
        return "unknown"
    return f"ok ({len(alive)})" if alive else "no worker heartbeat"


def _checkpoints() -> str:
    folder = Path(settings.KAOPING_CHECKPOINT_DIR)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".healthz-")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return f"not writable: {exc.strerror}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database(), "workers": _workers(), "checkpoints": _checkpoints()}
    ok = all(value.startswith("ok") for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", **checks}, status=200 if ok else 503)
