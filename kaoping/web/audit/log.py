"""``record(...)`` writes one log entry; ``check_chain()`` checks every entry's hash.

``record`` is called inside each ``do_*`` action's transaction, so an action and its log
entry are saved together or not at all.
"""

from __future__ import annotations

import contextvars
import json
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from kaoping.archive.chain import GENESIS, ChainProblem, ChainReport, check_entries, content_hash
from kaoping.web.audit.keys import write_checkpoint_for
from kaoping.web.audit.models import AuditEntry
from kaoping.web.audit.rows import vouch

__all__ = ["GENESIS", "ChainProblem", "ChainReport", "check_chain", "record"]

# The user of the request being served (set by kaoping.web.middleware.CurrentUserMiddleware),
# so that changes made through Django's admin or signals are logged with their actor.
current_user: contextvars.ContextVar = contextvars.ContextVar("kaoping_current_user", default=None)


def acting_user():
    """The authenticated user of the current request, or None (commands, background jobs)."""
    user = current_user.get()
    return user if getattr(user, "is_authenticated", False) else None


def record(
    action: str,
    actor,
    round=None,
    unit=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Append an entry to the evaluation log, chained to the previous one.

    Must run inside the caller's ``transaction.atomic()`` block (it opens one if not).
    ``actor_name`` names an actor without an account (e.g. the user name typed at a
    failed login). When ``obj`` is a row the log vouches for (:mod:`kaoping.web.audit.rows`),
    the entry records a digest of its fields, which verification re-reads later.
    """
    data = dict(data or {})
    if obj is not None:
        rows = vouch(obj)
        if rows:
            data["rows"] = rows
    with transaction.atomic():
        lock_tail()
        last = AuditEntry.objects.order_by("-id").only("hash", "seq").first()
        entry = AuditEntry(
            at=timezone.now(),
            action=action,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(actor_name or getattr(actor, "username", "") or "")[:150],
            round=round,
            unit=unit,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=_plain(data),
            prev_hash=last.hash if last else GENESIS,
            seq=(last.seq if last else 0) + 1,
        )
        entry.hash = entry_hash(entry)
        entry.save()
        transaction.on_commit(lambda: after_commit(entry))
        return entry


# Any fixed 64-bit number: the key of the PostgreSQL advisory lock that serialises appends.
LOG_LOCK = 0x6B616F70696E67  # "kaoping"


def lock_tail() -> None:
    """Serialise appends: no two entries may ever chain to the same predecessor.

    PostgreSQL: a transaction-level advisory lock, taken *before* the tail is read, so a
    second writer reads the tail only after the first one committed (``SELECT ... FOR
    UPDATE`` on the last row is not enough: a waiter still gets the old last row). SQLite:
    writers are already serialised (IMMEDIATE transactions take the write lock at BEGIN).
    The unique constraint on ``prev_hash`` is the last line of defence on any database.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_LOCK])


def after_commit(entry: AuditEntry) -> None:
    """Write a signed checkpoint of the log as it stands after ``entry`` (never raises)."""
    write_checkpoint_for(entry)


def log_key() -> bytes:
    return getattr(settings, "KAOPING_LOG_KEY", settings.SECRET_KEY).encode("utf-8")


def entry_content(entry: AuditEntry) -> dict[str, Any]:
    """What an entry records: the fields its hash covers and its export shows."""
    return {
        "at": entry.at.isoformat(timespec="microseconds"),
        "action": entry.action,
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "round": entry.round_id,
        "unit": entry.unit_id,
        "object": [entry.object_type, entry.object_id],
        "data": entry.data,
    }


def entry_hash(entry: AuditEntry) -> str:
    """HMAC-SHA256 over the entry's content and its predecessor's hash."""
    return content_hash(entry_content(entry), entry.prev_hash, log_key())


def verify_chain() -> AuditEntry | None:
    """The first entry whose hash or link is wrong, or None when the whole log is intact."""
    report = check_chain()
    return AuditEntry.objects.filter(pk=report.problem.entry_id).first() if report.problem else None


def chain_entries(on_data=None):
    """Every entry as :func:`kaoping.archive.chain.check_entries` reads it, oldest first;
    ``on_data(id, data)`` sees each entry's data on the way (for the rows it vouches for)."""
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if on_data is not None:
            on_data(entry.pk, entry.data)
        yield {
            "id": entry.pk,
            "content": entry_content(entry),
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }


def check_chain(on_entry=None, on_data=None) -> ChainReport:
    """Check every entry's HMAC and link; name the first entry altered, removed or inserted
    (:func:`kaoping.archive.chain.check_entries`). The whole check, with checkpoints and
    the rows the log vouches for, is :func:`kaoping.web.audit.anchors.verify_log`."""
    return check_entries(
        chain_entries(on_data),
        log_key(),
        hash_exists=lambda h: AuditEntry.objects.filter(hash=h).exists(),
        on_entry=on_entry,
    )


def chain_head() -> str:
    """The hash of the latest entry (GENESIS for an empty log): what archives and backups pin."""
    last = AuditEntry.objects.order_by("-id").only("hash").first()
    return last.hash if last else GENESIS


def chain_position() -> tuple[int, str]:
    """``(entries, head hash)`` of the log now: what publications and archives record."""
    last = AuditEntry.objects.order_by("-id").only("hash", "seq").first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def entry_as_dict(entry: AuditEntry) -> dict[str, Any]:
    """An entry as plain JSON (for archives and exports), hashes included."""
    return {
        "id": entry.pk,
        **entry_content(entry),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _plain(value: Any) -> Any:
    """JSON-safe copy (dates and decimals as text) so the stored data hashes the same later."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
