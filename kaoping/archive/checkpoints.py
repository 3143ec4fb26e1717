"""Signed checkpoints of the evaluation log, kept in files outside the database.

Each checkpoint is one JSON line ``{"at", "count", "last_id", "head", "key_id",
"signature"}`` appended to ``<directory>/checkpoints-YYYY-MM.jsonl``. Lines are appended
under an exclusive file lock, so several server and worker processes can write to the same
directory. Deleting or editing a checkpoint file is not hidden by the signature (the
files are the anchor, not the proof): operators copy them off the machine, or route the
``kaoping.checkpoint`` logger to syslog (docs/security.md).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kaoping.archive.chain import Anchor
from kaoping.archive.signing import canonical, sign, verify
from kaoping.scoring.i18n import gettext

SIGNED_FIELDS = ("at", "count", "last_id", "head")


def write_checkpoint(
    directory: str | Path, key: Ed25519PrivateKey, *, count: int, last_id: int | None, head: str
) -> dict[str, Any]:
    """Append one signed checkpoint line; returns it."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    body = {"at": at, "count": count, "last_id": last_id, "head": head}
    line = {**body, **sign(key, canonical(body))}
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoints-{at[:7]}.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return line


@dataclass(frozen=True)
class CheckpointRead:
    """The checkpoints found: valid anchors, and lines whose signature did not verify."""

    anchors: list[Anchor]
    forged: list[str]  # "file:line" of each bad line


def read_checkpoints(directory: str | Path, keys: Mapping[str, Ed25519PublicKey]) -> CheckpointRead:
    """Every checkpoint under ``directory`` whose signature verifies, as anchors."""
    anchors, forged = [], []
    folder = Path(directory)
    for path in sorted(folder.glob("checkpoints-*.jsonl")) if folder.is_dir() else []:
        with path.open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, 1):
                if not text.strip():
                    continue
                try:
                    line = json.loads(text)
                    body = {k: line[k] for k in SIGNED_FIELDS}
                except (ValueError, KeyError, TypeError):
                    forged.append(f"{path.name}:{number}")
                    continue
                if not verify(canonical(body), line, keys):
                    forged.append(f"{path.name}:{number}")
                    continue
                anchors.append(
                    Anchor(
                        int(body["count"]),
                        body["last_id"],
                        str(body["head"]),
                        _checkpoint_name(body["at"], f"{path.name}:{number}", "zh"),
                        _checkpoint_name(body["at"], f"{path.name}:{number}", "en"),
                    )
                )
    return CheckpointRead(anchors, forged)


def _checkpoint_name(at: str, place: str, lang: str) -> str:
    """A checkpoint as a log's check names it (an :class:`Anchor` carries both languages)."""
    return gettext("the checkpoint of {at} ({place})", lang).format(at=at, place=place)
