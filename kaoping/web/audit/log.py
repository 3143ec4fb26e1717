"""``record(...)`` writes one log entry; ``verify_chain()`` checks every entry's hash.

``record`` is called inside each ``do_*`` action's transaction, so an action and its log
entry are saved together or not at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from kaoping.web.audit.models import AuditEntry

GENESIS = "0" * 64


def record(
    action: str,
    actor,
    round=None,
    unit=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the evaluation log, chained to the previous one.

    Must run inside the caller's ``transaction.atomic()`` block (it opens one if not).
    """
    with transaction.atomic():
        # Lock the tail so two concurrent actions cannot chain to the same predecessor
        # (PostgreSQL; SQLite serialises writers anyway).
        last = AuditEntry.objects.select_for_update().order_by("-id").only("hash").first()
        entry = AuditEntry(
            at=timezone.now(),
            action=action,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "",
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


def entry_hash(entry: AuditEntry) -> str:
    """HMAC-SHA256 over the entry's content and its predecessor's hash."""
    content = {
        "at": entry.at.isoformat(timespec="microseconds"),
        "action": entry.action,
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "round": entry.round_id,
        "unit": entry.unit_id,
        "object": [entry.object_type, entry.object_id],
        "data": entry.data,
        "prev": entry.prev_hash,
    }
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, blob.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_chain() -> AuditEntry | None:
    """The first entry whose hash or link is wrong, or None when the whole log is intact."""
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != previous or entry.hash != entry_hash(entry):
            return entry
        previous = entry.hash
    return None


def _plain(value: Any) -> Any:
    """JSON-safe copy (dates and decimals as text) so the stored data hashes the same later."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
