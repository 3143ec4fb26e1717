"""The evaluation log's hash chain and its signed checkpoints, as pure functions.

The web application writes the log (``kaoping.web.audit``); the command line, the web's own
check, backups and archives all verify it with these functions, which read plain entry
dictionaries and never a database. Each entry's hash is an HMAC-SHA256 (keyed with the
installation's log key) over its content and its predecessor's hash, so changing, removing
or reordering an entry breaks the chain from there on.

A chain that is merely *cut* (its newest entries deleted) is still a valid chain: the
checkpoints catch that. A checkpoint records the number of entries, the last entry's id and
the head hash at some moment, signed with the installation's Ed25519 key, in files the
database does not hold (:mod:`kaoping.archive.signing`). Every publication, report and
archive also records the head it saw. :func:`check_anchors` compares a chain with all of
them and names what is missing.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENESIS = "0" * 64

# The project's compiled catalogues (kaoping/locale), read here with the standard library
# alone, as kaoping.scoring.i18n reads them: this module imports nothing but the standard
# library, so that the log's check runs anywhere (tests/test_imports.py).
_LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _is_english(lang: str | None) -> bool:
    return bool(lang) and str(lang).lower().startswith("en")


@functools.cache
def _translation(english: bool) -> _gettext.NullTranslations:
    directory = "en" if english else "zh_Hans"
    return _gettext.translation("django", _LOCALE, languages=[directory], fallback=True)


def gettext(message: str, lang: str | None) -> str:
    """``message`` (an English id of the project's catalogue) in ``lang``."""
    return _translation(_is_english(lang)).gettext(message)


def gettext_noop(message: str) -> str:
    """Mark ``message`` for ``make messages``; translated when shown."""
    return message


def content_hash(content: Mapping[str, Any], prev: str, key: bytes) -> str:
    """HMAC-SHA256 over an entry's content and its predecessor's hash.

    Examples
    --------
    >>> h = content_hash({"action": "x"}, GENESIS, b"k")
    >>> len(h), h == content_hash({"action": "x"}, GENESIS, b"k")
    (64, True)
    >>> h == content_hash({"action": "y"}, GENESIS, b"k")
    False
    """
    blob = json.dumps(
        {**content, "prev": prev}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hmac.new(key, blob.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """A head the chain must still contain: from a checkpoint, a publication or an archive.

    ``count`` entries ending with entry ``last_id`` whose hash is ``head``; ``source`` names
    it for people (``"检查点 2026-03-02 10:15"``, ``"成果公布 #3"``), ``source_en`` too.
    """

    count: int
    last_id: int | None
    head: str
    source: str
    source_en: str


# What each kind of break says, by ``ChainProblem.kind`` (``after`` is the last intact entry).
_BREAKS = {
    "altered": gettext_noop("entry #{entry} was altered (its content does not match its hash)"),
    "inserted": gettext_noop("entry #{entry} was inserted (the next entry does not chain to it)"),
    "removed": gettext_noop("an entry before #{entry} was removed (between {after} and #{entry})"),
    "reordered": gettext_noop("entry #{entry} is out of order (it does not chain to {after})"),
    "cut": gettext_noop(
        "the log ends at {after} ({length} entries) but {source} says {count} entries ending "
        "at #{last}"
    ),
    "rewritten": gettext_noop(
        "the log was rewritten at or before entry {count}: the head recorded by {source} is "
        "not in the log"
    ),
}


@dataclass(frozen=True)
class ChainProblem:
    """Where the chain breaks and what most likely happened there.

    ``kind`` is ``"altered"`` (the entry's content no longer matches its hash),
    ``"inserted"`` (an entry that the next one does not chain to: it was slipped in),
    ``"removed"`` (an intact entry whose predecessor is missing), ``"reordered"``,
    or ``"cut"`` / ``"rewritten"`` (the chain disagrees with ``anchor``, a checkpoint or a
    publication kept outside it, for a chain of ``length`` entries). ``entry_id`` is the
    entry named; ``after_id`` the last intact entry before it.
    """

    entry_id: int
    kind: str
    after_id: int | None
    anchor: Anchor | None = None
    length: int = 0

    def render(self, lang: str = "zh") -> str:
        after = f"#{self.after_id}" if self.after_id else gettext("the start", lang)
        anchor = self.anchor
        source = ""
        if anchor is not None:
            source = anchor.source_en if _is_english(lang) else anchor.source
        return gettext(_BREAKS[self.kind], lang).format(
            entry=self.entry_id,
            after=after,
            length=self.length,
            count=anchor.count if anchor else 0,
            last=anchor.last_id if anchor else None,
            source=source,
        )


@dataclass(frozen=True)
class ChainReport:
    """The outcome of :func:`check_entries`: entries read, the head hash, the first problem.    ``last_id`` is the id of the last entry of an intact chain."""

    count: int
    head: str
    problem: ChainProblem | None
    last_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_entries(
    entries: Iterable[Mapping[str, Any]],
    key: bytes,
    hash_exists: Callable[[str], bool] = lambda h: False,
    on_entry: Callable[[int, int, str], None] | None = None,
) -> ChainReport:
    """Check every entry's HMAC and link; name the first entry altered, removed or inserted.

    ``entries`` are dicts with ``id``, ``prev_hash``, ``hash`` and ``content`` (what the
    hash covers), oldest first. An entry whose content does not match its hash was
    *altered* when the next entry still chains to its stored hash, and *inserted* when the
    next entry chains to the entry before it instead. An intact entry that does not chain to
    its predecessor follows a *removed* entry (or was moved, when ``hash_exists`` finds the
    hash it chains to elsewhere). ``on_entry(count, id, hash)`` sees every intact entry.

    Examples
    --------
    >>> a = {"id": 1, "content": {"n": 1}, "prev_hash": GENESIS}
    >>> a["hash"] = content_hash(a["content"], GENESIS, b"k")
    >>> b = {"id": 2, "content": {"n": 2}, "prev_hash": a["hash"]}
    >>> b["hash"] = content_hash(b["content"], a["hash"], b"k")
    >>> check_entries([a, b], b"k").ok, check_entries([a, b], b"k").count
    (True, 2)
    >>> check_entries([b], b"k").problem.kind
    'removed'
    """
    previous, previous_id, count = GENESIS, None, 0
    pending: Mapping[str, Any] | None = None  # an entry with a bad hash, judged by its successor
    for entry in entries:
        count += 1
        if pending is not None:
            kind = "inserted" if entry["prev_hash"] == pending["prev_hash"] else "altered"
            return ChainReport(count, "", ChainProblem(pending["id"], kind, previous_id))
        if entry["hash"] != content_hash(entry["content"], entry["prev_hash"], key):
            if entry["prev_hash"] != previous:
                return ChainReport(count, "", ChainProblem(entry["id"], "altered", previous_id))
            pending = entry
            continue
        if entry["prev_hash"] != previous:
            kind = "reordered" if hash_exists(entry["prev_hash"]) else "removed"
            return ChainReport(count, "", ChainProblem(entry["id"], kind, previous_id))
        previous, previous_id = entry["hash"], entry["id"]
        if on_entry is not None:
            on_entry(count, entry["id"], entry["hash"])
    if pending is not None:
        return ChainReport(count, "", ChainProblem(pending["id"], "altered", previous_id))
    return ChainReport(count, previous, None, previous_id)


def check_anchors(
    heads: Mapping[int, str], length: int, last_id: int | None, anchors: Iterable[Anchor]
) -> ChainProblem | None:
    """The first anchor the chain does not contain, as a problem naming it; or None.

    ``heads`` maps a position (1-based entry count) to the hash of the entry there, for
    an intact chain of ``length`` entries ending with entry ``last_id``.

    Examples
    --------
    >>> anchor = Anchor(3, 3, "c" * 64, "检查点", "checkpoint")
    >>> check_anchors({1: "a" * 64, 2: "b" * 64}, 2, 2, [anchor]).render("en")
    'the log ends at #2 (2 entries) but checkpoint says 3 entries ending at #3'
    >>> check_anchors({1: "a", 2: "b", 3: "c" * 64}, 3, 3, [anchor]) is None
    True
    """
    for anchor in sorted(anchors, key=lambda a: -a.count):
        if anchor.count == 0:
            continue
        if anchor.count > length:
            return ChainProblem(anchor.last_id or 0, "cut", last_id, anchor, length)
        if heads.get(anchor.count) != anchor.head:
            return ChainProblem(anchor.last_id or 0, "rewritten", last_id, anchor, length)
    return None
