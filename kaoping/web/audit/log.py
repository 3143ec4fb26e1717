"""``record(...)`` writes one log entry; ``verify_chain()`` checks every entry's hash.

``record`` is called inside each ``do_*`` action's transaction, so an action and its log
entry are saved together or not at all.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from kaoping.web.audit.models import AuditEntry

GENESIS = "0" * 64

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
    failed login).
    """
    with transaction.atomic():
        # Lock the tail so two concurrent actions cannot chain to the same predecessor
        # (PostgreSQL; SQLite serialises writers anyway).
        last = AuditEntry.objects.select_for_update().order_by("-id").only("hash").first()
        entry = AuditEntry(
            at=timezone.now(),
            action=action,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(actor_name or getattr(actor, "username", "") or "")[:150],
            round=round,
            unit=unit,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=_plain(data or {}),
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = entry_hash(entry)
        entry.save()
        return entry


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
    content = {**entry_content(entry), "prev": entry.prev_hash}
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    key = getattr(settings, "KAOPING_LOG_KEY", settings.SECRET_KEY).encode("utf-8")
    return hmac.new(key, blob.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_chain() -> AuditEntry | None:
    """The first entry whose hash or link is wrong, or None when the whole log is intact."""
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != previous or entry.hash != entry_hash(entry):
            return entry
        previous = entry.hash
    return None


@dataclass(frozen=True)
class ChainProblem:
    """Where the chain breaks and what most likely happened there.

    ``kind`` is ``"altered"`` (the entry's content no longer matches its hash),
    ``"inserted"`` (an entry that the next one does not chain to: it was slipped in),
    ``"removed"`` (an intact entry whose predecessor is missing) or ``"reordered"``.
    ``entry_id`` is the entry named; ``after_id`` the last intact entry before it.
    """

    entry_id: int
    kind: str
    after_id: int | None

    def render(self, lang: str = "zh") -> str:
        after = f"#{self.after_id}" if self.after_id else ("链首" if lang != "en" else "the start")
        zh = {
            "altered": f"第 #{self.entry_id} 条被修改（内容与其哈希不符）",
            "inserted": f"第 #{self.entry_id} 条是插入的（后一条并不链接到它）",
            "removed": f"第 #{self.entry_id} 条之前有条目被删除（在 {after} 与 #{self.entry_id} 之间）",
            "reordered": f"第 #{self.entry_id} 条的顺序被改动（它链接到的不是 {after}）",
        }
        en = {
            "altered": f"entry #{self.entry_id} was altered (its content does not match its hash)",
            "inserted": f"entry #{self.entry_id} was inserted (the next entry does not chain to it)",
            "removed": f"an entry before #{self.entry_id} was removed (between {after} and #{self.entry_id})",
            "reordered": f"entry #{self.entry_id} is out of order (it does not chain to {after})",
        }
        return (en if lang == "en" else zh)[self.kind]


@dataclass(frozen=True)
class ChainReport:
    """The outcome of :func:`check_chain`: entries read, the head hash, the first problem."""

    count: int
    head: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_chain() -> ChainReport:
    """Check every entry's HMAC and link; name the first entry altered, removed or inserted.

    An entry whose content does not match its hash was *altered* when the next entry still
    chains to its stored hash, and *inserted* when the next entry chains to the entry before
    it instead. An intact entry that does not chain to its predecessor follows a *removed*
    entry (or was moved, when it chains to another entry still present).
    """
    previous, previous_id, count = GENESIS, None, 0
    pending: AuditEntry | None = None  # an entry with a bad hash, judged by its successor
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if pending is not None:
            kind = "inserted" if entry.prev_hash == pending.prev_hash else "altered"
            return ChainReport(count, "", ChainProblem(pending.pk, kind, previous_id))
        if entry.hash != entry_hash(entry):
            if entry.prev_hash != previous:
                return ChainReport(count, "", ChainProblem(entry.pk, "altered", previous_id))
            pending = entry
            continue
        if entry.prev_hash != previous:
            moved = AuditEntry.objects.filter(hash=entry.prev_hash).exists()
            kind = "reordered" if moved else "removed"
            return ChainReport(count, "", ChainProblem(entry.pk, kind, previous_id))
        previous, previous_id = entry.hash, entry.pk
    if pending is not None:
        return ChainReport(count, "", ChainProblem(pending.pk, "altered", previous_id))
    return ChainReport(count, previous, None)


def chain_head() -> str:
    """The hash of the latest entry (GENESIS for an empty log): what archives and backups pin."""
    last = AuditEntry.objects.order_by("-id").only("hash").first()
    return last.hash if last else GENESIS


def entry_as_dict(entry: AuditEntry) -> dict[str, Any]:
    """An entry as plain JSON (for archives and exports), hashes included."""
    return {"id": entry.pk, **entry_content(entry), "prev_hash": entry.prev_hash,
            "hash": entry.hash}  # fmt: skip


def _plain(value: Any) -> Any:
    """JSON-safe copy (dates and decimals as text) so the stored data hashes the same later."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
