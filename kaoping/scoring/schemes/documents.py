"""Scheme files as documents: reading them, the built-in schemes, and ``extends``.

A scheme is a TOML file (format: ``docs/schemes.md``). This module turns a built-in code or
a path into the parsed document (a dict, as written), resolving a file that ``extends``
another into one flat document; :mod:`kaoping.scoring.schemes.validation` checks that
document and builds the :class:`~kaoping.scoring.schemes.model.Scheme`. Built-in schemes
live in ``builtin/`` beside this file.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from kaoping.scoring.errors import Listing, Problem, SchemeError
from kaoping.scoring.i18n import gettext_lazy
from kaoping.scoring.schemes.model import EXTENSION_SECTIONS, NOTICE_CONSTRAINT

__all__ = [
    "EXTENSION_KEYS",
    "builtin_scheme_codes",
    "items_of",
    "read_document",
    "resolved_document",
    "scheme_fingerprint",
    "scheme_text",
]


def builtin_scheme_codes() -> list[str]:
    """Codes of the schemes shipped with Kaoping."""
    folder = resources.files("kaoping.scoring.schemes") / "builtin"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def scheme_text(code_or_path: str | Path) -> str:
    """The scheme file exactly as written: what is published, frozen and archived.

    Examples
    --------
    >>> scheme_text("mof-2012").count("[[indicators]]")
    12
    """
    return _read_scheme_text(code_or_path)[0]


def resolved_document(text: str, name: str = "<scheme>") -> dict[str, Any]:
    """The parsed document of scheme ``text`` with any ``extends`` resolved into one flat
    document (what a round stores when its scheme comes from an uploaded file).

    Raises
    ------
    SchemeError
        Invalid TOML, or an extension's problems.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(
            [Problem("scheme.toml", file=name, params={"reason": str(exc)})]
        ) from None
    if "extends" in _header_of(raw):
        raw = _apply_extension(raw, name)
    return raw


def read_document(code_or_path: str | Path) -> tuple[dict[str, Any], str]:
    """The parsed document of a built-in scheme or a scheme file, any ``extends`` resolved,
    and the name to show for it.

    Raises
    ------
    SchemeError
        The file cannot be read or is not TOML, or an extension's problems.
    """
    raw, name = _parse(code_or_path)
    if "extends" in _header_of(raw):
        raw = _apply_extension(raw, name)
    return raw, name


def _parse(code_or_path: str | Path) -> tuple[dict[str, Any], str]:
    """The parsed TOML document, as written, and the name to show for it."""
    text, path = _read_scheme_text(code_or_path)
    try:
        return tomllib.loads(text), path
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(
            [Problem("scheme.toml", file=path, params={"reason": str(exc)})]
        ) from None


def _header_of(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    header = raw.get("scheme", {})
    return header if isinstance(header, Mapping) else {}


def _read_scheme_text(code_or_path: str | Path) -> tuple[str, str]:
    candidate = Path(code_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        try:
            return candidate.read_text(encoding="utf-8-sig"), str(candidate)
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemeError(
                [Problem("scheme.unreadable", file=str(candidate), params={"reason": str(exc)})]
            ) from None
    code = str(code_or_path)
    resource = resources.files("kaoping.scoring.schemes") / "builtin" / f"{code}.toml"
    if not resource.is_file():
        raise SchemeError(
            [
                Problem(
                    "scheme.not_found",
                    params={"code": code, "available": Listing(tuple(builtin_scheme_codes()))},
                )
            ]
        )
    return resource.read_text(encoding="utf-8"), f"{code}.toml"


# What an extending file may hold besides [scheme]: the rest (fields, groups, indicators,
# checks) comes from the base scheme unchanged.
EXTENSION_KEYS = frozenset(
    {"scheme", "weights", "standards", "scoring", "grades", "constraints", *EXTENSION_SECTIONS}
)


def _apply_extension(raw: dict[str, Any], path: str, chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """A scheme that ``extends`` another overrides its weights, standards and rules.

    Overridable: ``[weights]`` (code = weight), ``[standards.CODE]``, ``[scoring]``,
    ``[[grades]]``, ``constraints``, the ``[scheme]`` header and extension sections. The base
    may itself extend another scheme. Every problem names the extending file.
    """
    base_code = str(raw["scheme"]["extends"])
    problems: list[Problem] = []
    if base_code in chain:
        raise SchemeError(
            [
                Problem(
                    "scheme.extends_cycle",
                    file=path,
                    column="scheme.extends",
                    params={"chain": " → ".join((*chain, base_code))},
                )
            ]
        )
    try:
        base, base_path = _parse(base_code)
        if "extends" in _header_of(base):
            base = _apply_extension(base, base_path, (*chain, base_code))
    except SchemeError as exc:
        if any(p.code != "scheme.not_found" for p in exc.problems):
            raise  # the base file itself is broken: its problems name it
        # An unknown base: the extending file and its item are at fault.
        raise SchemeError(
            [
                Problem(
                    "scheme.extends_unknown",
                    file=path,
                    column="scheme.extends",
                    params={"code": base_code, "available": Listing(tuple(builtin_scheme_codes()))},
                )
            ]
        ) from None
    for key in raw:
        if key not in EXTENSION_KEYS:
            problems.append(
                Problem("scheme.not_overridable", file=path, column=key, params={"key": key})
            )
    merged: dict[str, Any] = json.loads(json.dumps(base, default=str))
    header = dict(merged.get("scheme", {}))
    header.pop("extends", None)
    header.update({k: v for k, v in raw["scheme"].items() if k != "extends"})
    merged["scheme"] = header
    for code, weight in _table_items(raw.get("weights", {})):
        found = False
        for table in ("groups", "indicators"):
            for item in items_of(merged, table):
                if item.get("code") == code:
                    item["weight"] = weight
                    found = True
        if not found:
            problems.append(
                Problem("scheme.unknown_key", file=path, column="weights", params={"key": code})
            )
    for code, standards in _table_items(raw.get("standards", {})):
        matches = [i for i in items_of(merged, "indicators") if i.get("code") == code]
        if not matches:
            problems.append(
                Problem("scheme.unknown_key", file=path, column="standards", params={"key": code})
            )
            continue
        matches[0]["standards"] = standards
    if problems:
        raise SchemeError(problems)
    for key in ("scoring", "grades", "constraints", *EXTENSION_SECTIONS):
        if key in raw:
            merged[key] = raw[key]
    _keep_notice_rule(base, merged, path)
    return merged


def _keep_notice_rule(base: dict[str, Any], merged: dict[str, Any], path: str) -> None:
    """A scheme derived from one with the notice's W3 + W4 > 50% rule cannot drop it
    silently: only a header saying ``notice_rules = false`` (not a 财社〔2012〕17号
    evaluation) may. Weights that break a kept rule are refused by the constraint check."""

    def has_rule(doc: dict[str, Any]) -> bool:
        rules = doc.get("constraints", [])
        rules = rules if isinstance(rules, list) else [rules]
        return any("".join(str(r).split()) == NOTICE_CONSTRAINT for r in rules)

    if not has_rule(base) or has_rule(merged):
        return
    if merged.get("scheme", {}).get("notice_rules") is False:
        return
    raise SchemeError(
        [
            Problem(
                "scheme.notice_rule_dropped",
                file=path,
                column="constraints",
                # xgettext:no-python-format
                params={"rule": gettext_lazy("W3 + W4 > 50% (C + D > 50)")},
            )
        ]
    )


def _table_items(table: Any) -> list[tuple[str, Any]]:
    return list(table.items()) if isinstance(table, Mapping) else []


def items_of(doc: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """The entries of ``[[groups]]`` / ``[[indicators]]`` in place, in either TOML form."""
    items = doc.get(table, [])
    if isinstance(items, Mapping):
        for code, item in items.items():
            if isinstance(item, dict):
                item.setdefault("code", code)
        return [i for i in items.values() if isinstance(i, dict)]
    return [i for i in items if isinstance(i, dict)]


def scheme_fingerprint(raw: Mapping[str, Any]) -> str:
    """SHA-256 of the scheme's content as canonical JSON.

    Reformatting or reordering the file leaves it unchanged; any change of a number, a
    formula or a label changes it.
    """
    blob = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
