"""Ed25519 signatures for checkpoints and archive manifests (the ``cryptography`` package).

The signing key is a file outside the database (``KAOPING_KEYS_DIR``, by default
``var/keys``): someone who holds the database but not this directory can change rows, but
cannot make a checkpoint or an archive manifest that verifies. A third party (the finance
department above, an auditor) checks a signature with the public key alone.

Layout of the keys directory::

    signing.key          the current private key (PEM, mode 0600), never exported
    <key id>.pub         every public key this installation has signed with (PEM);
                         rotation adds one and keeps the old ones, so old signatures
                         still verify

A key id is the first 16 hex digits of the SHA-256 of the raw public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE = "signing.key"


def key_id(public: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_or_create(directory: str | Path) -> Ed25519PrivateKey:
    """The installation's signing key; made (with its public key beside it) on first use."""
    folder = Path(directory)
    path = folder / PRIVATE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path}: not an Ed25519 private key")
        return key
    return rotate(folder)


def rotate(directory: str | Path) -> Ed25519PrivateKey:
    """Make a new signing key; the old public keys stay, so old signatures still verify."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    partial = folder / f".{PRIVATE}.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    (folder / f"{key_id(key.public_key())}.pub").write_bytes(public_pem(key.public_key()))
    partial.replace(folder / PRIVATE)
    return key


def public_keys(sources: Iterable[str | Path]) -> dict[str, Ed25519PublicKey]:
    """Public keys by key id, from ``.pub`` PEM files or folders holding them."""
    keys: dict[str, Ed25519PublicKey] = {}
    for source in sources:
        path = Path(source)
        files = sorted(path.glob("*.pub")) if path.is_dir() else [path]
        for file in files:
            public = serialization.load_pem_public_key(file.read_bytes())
            if isinstance(public, Ed25519PublicKey):
                keys[key_id(public)] = public
    return keys


def canonical(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def sign(key: Ed25519PrivateKey, message: bytes) -> dict[str, str]:
    """``{"key_id": ..., "signature": base64}`` for ``message``.

    Examples
    --------
    >>> key = Ed25519PrivateKey.generate()
    >>> signature = sign(key, b"manifest")
    >>> verify(b"manifest", signature, {key_id(key.public_key()): key.public_key()})
    True
    >>> verify(b"manifest!", signature, {key_id(key.public_key()): key.public_key()})
    False
    """
    return {
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(key.sign(message)).decode("ascii"),
    }


def verify(
    message: bytes, signature: Mapping[str, str], keys: Mapping[str, Ed25519PublicKey]
) -> bool:
    """Whether ``signature`` (from :func:`sign`) is valid for ``message`` under a known key."""
    public = keys.get(str(signature.get("key_id", "")))
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(signature.get("signature", "")), message)
    except (InvalidSignature, ValueError):
        return False
    return True
