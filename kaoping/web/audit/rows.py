"""Rows the evaluation log vouches for: a digest of each field an action wrote.

``record(obj=...)`` stores, in the entry's ``data["rows"]``, a short digest of every
guarded field of the rows that ``obj`` stands for: a round's state and scheme, a
submission's status and values, an expert's scores, a dispute's decision and corrections,
a finished run's results unit by unit, a publication's run, an archive's manifest.
:func:`check_rows` re-reads, for each row, the fields its latest entry vouched for and
names every field that no longer matches, so an edit made directly in the database
(SQL, a restored file, an admin tool) is caught: which row, which field, which entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaoping.web.common import in_language, join_list


def digest(value: Any) -> str:
    """16 hex digits of the SHA-256 of a canonical JSON form (integral floats as ints, so
    the digest is the same whichever database stored the number)."""
    blob = json.dumps(_canonical(value), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _canonical(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


# The guarded fields of each vouched model, ``{label: obj -> {field: value} or None}`` (None:
# not vouched in its current state), and log objects that stand for another row (a
# transition for its round, ...). The apps above register theirs (``kaoping.web.integrity``):
# the log knows no app.
GUARDED: dict[str, Callable[[Any], dict[str, Any] | None]] = {}
STANDS_FOR: dict[str, Callable[[Any], Any]] = {}


def guard(label: str, fields: Callable[[Any], dict[str, Any] | None]) -> None:
    GUARDED[label] = fields


def stands_for(label: str, target: Callable[[Any], Any]) -> None:
    STANDS_FOR[label] = target


def fields_of(obj: models.Model) -> dict[str, str] | None:
    """The digests of ``obj``'s guarded fields as stored now (None: not vouched)."""
    getter = GUARDED.get(obj._meta.label_lower)
    values = getter(obj) if getter else None
    return None if values is None else {k: digest(v) for k, v in values.items()}


def vouch(obj: models.Model) -> list[dict[str, Any]]:
    """What a log entry about ``obj`` records of the rows it wrote."""
    label = obj._meta.label_lower
    target = STANDS_FOR[label](obj) if label in STANDS_FOR else obj
    fields = fields_of(target)
    if fields is None:
        return []
    return [{"model": target._meta.label_lower, "pk": str(target.pk), "fields": fields}]


@dataclass(frozen=True)
class RowProblem:
    """A vouched row that no longer matches its latest log entry."""

    model: str
    pk: str
    fields: tuple[str, ...]  # the fields that differ; empty when the row is gone
    entry_id: int

    def render(self, lang: str = "zh") -> str:
        with in_language(lang):
            name = apps.get_model(self.model)._meta.verbose_name
            values = {"name": name, "pk": self.pk, "entry": self.entry_id}
            if not self.fields:
                return (
                    _("%(name)s #%(pk)s was deleted (vouched for by log entry #%(entry)s)") % values
                )
            listed = join_list(self.fields[:8]) + (
                pgettext("more items left out of a list", "…") if len(self.fields) > 8 else ""
            )
            return _(
                "%(name)s #%(pk)s: %(fields)s changed outside the application "
                "(log entry #%(entry)s vouched for other values)"
            ) % {**values, "fields": listed}


def latest_vouchers(entries: Iterable[tuple[int, dict]]) -> dict[tuple[str, str], tuple[int, dict]]:
    """For each vouched row, the id and the digests of the latest entry vouching for it."""
    latest: dict[tuple[str, str], tuple[int, dict]] = {}
    for entry_id, data in entries:
        for row in data.get("rows", ()) if isinstance(data, dict) else ():
            latest[(row["model"], row["pk"])] = (entry_id, row["fields"])
    return latest


def check_rows(latest: dict[tuple[str, str], tuple[int, dict]]) -> list[RowProblem]:
    """Every vouched row whose guarded fields differ from its latest entry's digests."""
    problems = []
    by_model: dict[str, list[str]] = {}
    for model, pk in latest:
        by_model.setdefault(model, []).append(pk)
    for model, pks in sorted(by_model.items()):
        rows = {str(o.pk): o for o in apps.get_model(model).objects.filter(pk__in=pks)}
        for pk in sorted(pks, key=lambda p: (len(p), p)):
            entry_id, vouched = latest[(model, pk)]
            obj = rows.get(pk)
            if obj is None:
                problems.append(RowProblem(model, pk, (), entry_id))
                continue
            now = fields_of(obj) or {}
            changed = tuple(
                k for k in sorted(set(vouched) | set(now)) if vouched.get(k) != now.get(k)
            )
            if changed:
                problems.append(RowProblem(model, pk, changed, entry_id))
    return problems
