"""Durable background tasks: django-tasks with its database backend, plus crash recovery.

Long work (a scoring run, one unit's reports, assembling a report zip) is a task row in the
database, written in the same transaction as the job it belongs to, and run by
``manage.py run_worker`` processes (any number, on any machine sharing the database). A
process that dies loses nothing:

- a task that raises marks its job failed with the reason (``on_failure``), so the page
  shows it and offers to start again; the task row is failed too;
- a task whose worker was killed (``kill -9``, a crash, a lost machine) is noticed by the
  worker's heartbeat going stale (:func:`recover_lost`): it is run again once, and when it
  is lost a second time its job is marked failed with the reason;
- the web application runs the same recovery before it refuses a second job for a round,
  so no job can block its round forever: at worst it waits, queued, for a worker.

``KAOPING_JOBS_INLINE`` (tests, the demo loader) runs a task at once in the calling process.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task as django_task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from kaoping.web.jobs.models import WorkerBeat

logger = logging.getLogger("kaoping.jobs")

MAX_ATTEMPTS = 2  # a task lost with its worker is run once more, then its job fails


def heartbeat_seconds() -> float:
    return float(getattr(settings, "KAOPING_WORKER_HEARTBEAT_SECONDS", 5))


def stale_seconds() -> float:
    """A worker not seen for this long is taken for dead (several missed heartbeats)."""
    return float(getattr(settings, "KAOPING_WORKER_STALE_SECONDS", 30))


# task path -> (the task, the function marking its job failed with a reason)
REGISTRY: dict[str, tuple[object, Callable[..., None]]] = {}


class WorkerLost(RuntimeError):
    """The worker running a task stopped (killed, crashed) before the task finished."""


def durable(
    on_failure: Callable[..., None],
) -> Callable[[Callable[..., None]], Task[..., None]]:
    """Declare a module-level function a durable task.

    ``on_failure(reason, *args)`` marks the task's job failed with ``reason`` (text for
    people); it is called when the task raises, and when the task was lost with its worker
    more than ``MAX_ATTEMPTS`` times.
    """

    def wrap(function: Callable[..., None]) -> Task[..., None]:
        @functools.wraps(function)
        def body(*args: object, attempt: int = 1) -> None:
            try:
                function(*args)
            except Exception as exc:
                logger.exception(
                    "task %s%r failed (attempt %s)", function.__qualname__, args, attempt
                )
                on_failure(
                    f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, *args
                )
                raise

        task = django_task()(body)
        REGISTRY[task.module_path] = (task, on_failure)
        return task

    return wrap


def enqueue(task: Task[..., None], *args: object, attempt: int = 1) -> str:
    """Queue ``task(*args)`` in the current transaction; returns the task's id ("" inline)."""
    if getattr(settings, "KAOPING_JOBS_INLINE", False):
        task.call(*args)
        return ""
    kwargs = {"attempt": attempt} if attempt > 1 else {}
    return str(task.enqueue(*args, **kwargs).id)


def live_workers(now=None) -> set[str]:
    now = now or timezone.now()
    since = now - timedelta(seconds=stale_seconds())
    return set(WorkerBeat.objects.filter(seen_at__gte=since).values_list("worker_id", flat=True))


def workers_running() -> bool:
    """Whether a worker will pick queued tasks up (always, when tasks run inline)."""
    return getattr(settings, "KAOPING_JOBS_INLINE", False) or bool(live_workers())


def process_alive(worker: str) -> bool:
    """Whether ``worker`` runs on this machine and its process still exists.

    A worker busy in C code that holds the GIL (a font subset, a large PDF) may miss a few
    heartbeats; on its own machine its process is asked directly, so it is never taken for
    dead while it lives. Workers on other machines are judged by their heartbeat alone.
    """
    beat = WorkerBeat.objects.filter(worker_id=worker).values_list("hostname", "pid").first()
    if beat is None or beat[0] != socket.gethostname()[:200]:
        return False
    try:
        os.kill(beat[1], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    return True


def recover_lost(now=None) -> int:
    """Run again (or fail) every task left running by a worker that stopped; returns how many."""
    alive = live_workers(now)
    recovered = 0
    for lost in DBTaskResult.objects.running().order_by("started_at"):
        worker = lost.worker_ids[-1] if lost.worker_ids else ""
        if worker in alive or process_alive(worker):
            continue
        with transaction.atomic():
            row = DBTaskResult.objects.select_for_update().filter(pk=lost.pk, status="RUNNING")
            lost = row.first()
            if lost is None:
                continue  # another worker recovered it meanwhile
            lost.set_failed(WorkerLost(f"worker {worker} stopped while running this task"))
            _after_loss(lost, worker)
        recovered += 1
    return recovered


def _after_loss(lost: DBTaskResult, worker: str) -> None:
    entry = REGISTRY.get(lost.task_path)
    args = list(lost.args_kwargs.get("args", []))
    attempt = int(lost.args_kwargs.get("kwargs", {}).get("attempt", 1))
    if entry is None:
        logger.error("lost task %s (%s) is unknown; left failed", lost.pk, lost.task_path)
        return
    task, on_failure = entry
    if attempt < MAX_ATTEMPTS:
        logger.warning(
            "task %s lost with worker %s; running it again (attempt %s)",
            lost.task_path,
            worker,
            attempt + 1,
        )
        task.enqueue(*args, attempt=attempt + 1)
        return
    logger.error(
        "task %s lost with worker %s %s times; its job fails", lost.task_path, worker, attempt
    )
    # Stored with the run and shown to everyone who opens it: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("the worker stopped while running it (%(attempt)s attempts)") % {
            "attempt": attempt
        }
    on_failure(reason, *args)
