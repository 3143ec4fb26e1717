"""Heartbeats of the background workers (``manage.py run_worker``).

The tasks themselves are rows of django-tasks-db (``DBTaskResult``). A worker that dies
(kill -9, a crash, a machine gone) leaves its task "running" there; its heartbeat row stops
moving, and any live worker then recovers the task (``kaoping.web.jobs.recovery``).
"""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
