"""The installation's signing key and the log's signed checkpoints (docs/security.md).

The key is read from ``KAOPING_KEYS_DIR`` (made on first use) once per process; after each
log entry commits, :func:`write_checkpoint_for` appends a signed checkpoint to
``KAOPING_CHECKPOINT_DIR`` and to the ``kaoping.checkpoint`` logger (syslog when configured).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings

from kaoping.archive import checkpoints, signing

logger = logging.getLogger("kaoping.checkpoint")

_key_lock = threading.Lock()


def keys_dir() -> Path:
    return Path(settings.KAOPING_KEYS_DIR)


def signing_key():
    """The installation's Ed25519 key (made on first use), read once per process."""
    folder = keys_dir()
    with _key_lock:
        cached = getattr(signing_key, "_cached", None)
        if cached is None or cached[0] != folder:
            cached = (folder, signing.load_or_create(folder))
            signing_key._cached = cached  # type: ignore[attr-defined]
    return cached[1]


def forget_key() -> None:
    """Read the key again on next use (after a rotation in this process)."""
    with _key_lock:
        signing_key._cached = None  # type: ignore[attr-defined]


def trusted_keys() -> dict:
    """Public keys a signature may be made with: the keys directory's and any configured."""
    sources = [keys_dir(), *getattr(settings, "KAOPING_TRUSTED_KEYS", [])]
    return signing.public_keys([s for s in sources if Path(s).exists()])


def write_checkpoint_for(entry) -> None:
    """Sign and store a checkpoint at ``entry`` (after its commit); log, never raise."""
    try:
        line = checkpoints.write_checkpoint(
            settings.KAOPING_CHECKPOINT_DIR,
            signing_key(),
            count=entry.seq,
            last_id=entry.pk,
            head=entry.hash,
        )
        logger.info(
            "checkpoint count=%s last_id=%s head=%s key=%s sig=%s",
            line["count"],
            line["last_id"],
            line["head"],
            line["key_id"],
            line["signature"],
        )
    except Exception:  # the action has committed; a missing checkpoint must not undo it
        logging.getLogger("kaoping.audit").exception("could not write a log checkpoint")
