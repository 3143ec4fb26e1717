"""Adjusting a round's scheme on the page: the settings a bureau changes each year.

Weights (原则上每年取值一次), minimum / excellent standards, grade bands, award tiers and the
bonus / deduction bounds are read from the scheme document into flat form values, written
back into the document, and the result is checked with the loader's rules and those of the
extension sections, every problem at once. The document is written as TOML (``tomli_w``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import tomli_w
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.scoring import KaopingError, Problem, Scheme, scheme_from_dict
from kaoping.scoring.adjustments import adjustment_rules
from kaoping.scoring.awards import award_rules
from kaoping.scoring.experts import expert_rules
from kaoping.scoring.schemes.loader import items_of
from kaoping.scoring.schemes.model import EXTENSION_SECTIONS

STANDARD_KEYS = ("minimum", "minimum_points", "excellent", "excellent_points")
TIER_KEYS = ("name", "min", "share", "coefficient")
EXTRA_ROWS = 1  # an empty grade band / tier row to add one


def settings_of(raw: dict[str, Any]) -> dict[str, Any]:
    """The form's values from a scheme document."""
    values: dict[str, Any] = {}
    for item in [*items_of(raw, "groups"), *items_of(raw, "indicators")]:
        values[f"w_{item['code']}"] = item.get("weight")
    for item in items_of(raw, "indicators"):
        standards = item.get("standards") or {}
        for key in STANDARD_KEYS:
            values[f"{key}_{item['code']}"] = standards.get(key)
    for i, band in enumerate(raw.get("grades", [])):
        values[f"grade_{i}_name"], values[f"grade_{i}_min"] = band.get("name"), band.get("min")
    awards = raw.get("awards")
    if isinstance(awards, dict):
        values["pass_line"] = awards.get("pass_line")
        for i, tier in enumerate(awards.get("tiers", [])):
            for key in TIER_KEYS:
                values[f"tier_{i}_{key}"] = tier.get(key)
    adjustments = raw.get("adjustments")
    if isinstance(adjustments, dict):
        values["max_total"] = adjustments.get("max_total")
        values["max_item"] = adjustments.get("max_item")
    return values


def grade_rows(raw: dict[str, Any]) -> int:
    return len(raw.get("grades", [])) + EXTRA_ROWS


def tier_rows(raw: dict[str, Any]) -> int:
    awards = raw.get("awards")
    return len(awards.get("tiers", [])) + EXTRA_ROWS if isinstance(awards, dict) else 0


def apply_settings(raw: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with the form's values written in (empty rows leave things out)."""
    doc = copy.deepcopy(raw)
    for item in [*items_of(doc, "groups"), *items_of(doc, "indicators")]:
        weight = values.get(f"w_{item['code']}")
        if weight is not None:
            item["weight"] = _plain(weight)
    for item in items_of(doc, "indicators"):
        standards = dict(item.get("standards") or {})
        for key in STANDARD_KEYS:
            value = values.get(f"{key}_{item['code']}")
            if value is None:
                standards.pop(key, None)
            else:
                standards[key] = _plain(value)
        if any(k in standards for k in ("minimum", "excellent")):
            item["standards"] = standards
        else:
            item.pop("standards", None)
    if "grades" in doc:
        old = doc["grades"]
        bands = []
        for i in range(len(old) + EXTRA_ROWS):
            name, low = values.get(f"grade_{i}_name"), values.get(f"grade_{i}_min")
            if name and low is not None:
                band = dict(old[i]) if i < len(old) else {}
                if band.get("name") != name:
                    band.pop("name_en", None)
                band.update(name=name, min=_plain(low))
                bands.append(band)
        doc["grades"] = sorted(bands, key=lambda b: -b["min"])
    awards = doc.get("awards")
    if isinstance(awards, dict):
        if values.get("pass_line") is not None:
            awards["pass_line"] = _plain(values["pass_line"])
        old = awards.get("tiers", [])
        tiers = []
        for i in range(len(old) + EXTRA_ROWS):
            if not values.get(f"tier_{i}_name"):
                continue
            tier = dict(old[i]) if i < len(old) else {}
            if tier.get("name") != values[f"tier_{i}_name"]:
                tier.pop("name_en", None)
            for key in TIER_KEYS:
                value = values.get(f"tier_{i}_{key}")
                if value is None:
                    tier.pop(key, None)
                else:
                    tier[key] = value if key == "name" else _plain(value)
            tiers.append(tier)
        awards["tiers"] = tiers
    adjustments = doc.get("adjustments")
    if isinstance(adjustments, dict):
        for key in ("max_total", "max_item"):
            if values.get(key) is None:
                adjustments.pop(key, None)
            else:
                adjustments[key] = _plain(values[key])
    return doc


def _plain(x: Any) -> Any:
    """Whole numbers as integers, as a person writes them in a scheme file."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return float(x) if not isinstance(x, int) else x


def document_text(doc: dict[str, Any]) -> str:
    return tomli_w.dumps(doc)


def problems_of(
    doc: dict[str, Any], name: str = "<scheme>", base: dict[str, Any] | None = None
) -> tuple[Scheme | None, list[Problem]]:
    """The scheme and every problem the loader and the extension sections' rules find.

    When the indicator system itself has problems, the extension sections (awards, bonus
    bounds, experts) are still checked, on ``base``'s indicator system, so that every
    problem shows at once.
    """
    problems: list[Problem] = []
    try:
        scheme = checked = scheme_from_dict(doc, path=name)
    except KaopingError as exc:
        problems += exc.problems
        scheme, checked = None, None
        if base is not None:
            sections = {k: doc[k] for k in EXTENSION_SECTIONS if k in doc}
            try:
                checked = scheme_from_dict({**base, **sections}, path=name)
            except KaopingError:
                checked = None
    if checked is not None:
        for rules in (award_rules, adjustment_rules, expert_rules):
            try:
                rules(checked)
            except KaopingError as exc:
                problems += exc.problems
    return (scheme if not problems else None), problems


# --- preview --------------------------------------------------------------------------------


def tree_rows(scheme: Scheme, lang: str) -> list[dict[str, Any]]:
    """The indicator tree with weights (in the parent and absolute), for the preview."""
    return [
        {
            "depth": depth,
            "code": node.code,
            "name": node.name_for(lang),
            "weight": node.weight,
            "absolute": scheme.absolute_weight(node.code),
            "standards": getattr(node, "standards", None),
        }
        for depth, node in scheme.walk()
    ]


@dataclass(frozen=True)
class Change:
    item: str  # the setting's key, e.g. "w_A" (kept in the log)
    before: str
    after: str
    label: str = ""  # the setting in words, e.g. "A 新增就业人数: weight"


STANDARD_LABELS = {
    "minimum": gettext_lazy("minimum standard"),
    "minimum_points": gettext_lazy("points off"),
    "excellent": gettext_lazy("excellent standard"),
    "excellent_points": gettext_lazy("points added"),
}
TIER_LABELS = {
    "name": gettext_lazy("name"),
    "min": gettext_lazy("total at least"),
    "share": gettext_lazy("share of eligible units (%)"),
    "coefficient": gettext_lazy("reward coefficient"),
}


def setting_label(key: str, raw: dict[str, Any]) -> str:
    """A setting's key in words, for the list of differences."""
    names = {
        i["code"]: i.get("name", "")
        for i in [*items_of(raw, "groups"), *items_of(raw, "indicators")]
    }
    if key.startswith("w_"):
        code = key[2:]
        return f"{code} {names.get(code, '')}: {_('weight')}"
    for prefix, label in STANDARD_LABELS.items():
        if key.startswith(prefix + "_") and key[len(prefix) + 1 :] in names:
            code = key[len(prefix) + 1 :]
            return f"{code} {names.get(code, '')}: {label}"
    parts = key.split("_", 2)
    if parts[0] == "grade" and len(parts) == 3:
        return _("grade %(n)s: %(what)s") % {
            "n": int(parts[1]) + 1,
            "what": _("name") if parts[2] == "name" else _("total at least"),
        }
    if parts[0] == "tier" and len(parts) == 3:
        return _("award tier %(n)s: %(what)s") % {
            "n": int(parts[1]) + 1,
            "what": TIER_LABELS.get(parts[2], parts[2]),
        }
    return {
        "pass_line": _("pass line"),
        "max_total": _("bonus / deduction bound per unit"),
        "max_item": _("bound per entry"),
    }.get(key, key)


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """What the adjusted scheme changes against the scheme it came from, setting by setting."""
    old, new = settings_of(before), settings_of(after)
    changes = []
    for key in sorted(set(old) | set(new), key=_order):
        a, b = old.get(key), new.get(key)
        if _show(a) != _show(b):
            changes.append(Change(key, _show(a), _show(b), setting_label(key, after)))
    return changes


def _order(key: str) -> tuple[int, str]:
    prefixes = ("w_", "minimum", "excellent", "grade_", "pass_line", "tier_", "max_")
    return next((i for i, p in enumerate(prefixes) if key.startswith(p)), 99), key


def _show(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)
