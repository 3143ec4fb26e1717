"""``manage.py run_worker``: a background worker (django-tasks-db's ``db_worker``) that also
beats a heartbeat and recovers the tasks of workers that died.

Run any number of them, on any machines sharing the database::

    python manage.py run_worker            # what `make run` and the systemd unit start

The heartbeat is a row per worker (``jobs.WorkerBeat``) updated every few seconds by a
small thread beside the task loop; the thread also recovers lost tasks
(``kaoping.web.jobs.durable.recover_lost``). Tasks themselves run in the main thread.
"""

from __future__ import annotations

import os
import socket
import threading

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from kaoping.web.jobs.durable import heartbeat_seconds, logger, recover_lost
from kaoping.web.jobs.models import WorkerBeat


class Command(DbWorkerCommand):
    help = "运行后台任务进程（含心跳与崩溃恢复）/ run a background worker with crash recovery"

    def handle(self, *args, worker_id: str, reload: bool = False, **options):
        if reload:
            reload = False  # a reloader would kill tasks mid-way; restart the worker instead
        stop = threading.Event()
        beat = threading.Thread(
            target=_heartbeat, args=(worker_id, stop), daemon=True, name="kaoping-heartbeat"
        )
        _beat_once(worker_id, started=True)
        recover_lost()
        beat.start()
        try:
            super().handle(*args, worker_id=worker_id, reload=False, **options)
        finally:
            stop.set()
            WorkerBeat.objects.filter(worker_id=worker_id).delete()


def _beat_once(worker_id: str, started: bool = False) -> None:
    now = timezone.now()
    defaults = {"hostname": socket.gethostname()[:200], "pid": os.getpid(), "seen_at": now}
    if started:
        defaults["started_at"] = now
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id, defaults=defaults, create_defaults={**defaults, "started_at": now}
    )


def _heartbeat(worker_id: str, stop: threading.Event) -> None:
    """Beat, and recover the tasks of dead workers, until the worker stops."""
    try:
        while not stop.wait(heartbeat_seconds()):
            try:
                close_old_connections()
                _beat_once(worker_id)
                recover_lost()
            except Exception:  # the next beat tries again; the task loop must go on
                logger.exception("heartbeat of worker %s failed", worker_id)
    finally:
        connection.close()
