"""Adjusting a round's scheme on the page: the settings a bureau changes each year.

Weights (原则上每年取值一次), minimum / excellent standards, grade bands, award tiers, the
bonus / deduction bounds, each indicator's formula and normalisation (with its parameters),
the one-vote vetoes (一票否决), the conditions for any award (eligibility requirements) and
the expert panels (专业考核小组) with the items each scores are read from the scheme document
into flat form values, written back into the document, and the result is checked with the
loader's rules and those of the extension sections, every problem at once. The document is
written as TOML (``tomli_w``).
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass
from typing import Any

import tomli_w
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.scoring import KaopingError, Problem, Scheme, scheme_from_dict
from kaoping.scoring.adjustments import adjustment_rules
from kaoping.scoring.awards import award_rules
from kaoping.scoring.experts import expert_rules
from kaoping.scoring.schemes.documents import items_of
from kaoping.scoring.schemes.model import EXTENSION_SECTIONS

STANDARD_KEYS = ("minimum", "minimum_points", "excellent", "excellent_points")
TIER_KEYS = ("name", "min", "share", "coefficient")
METHOD_KEYS = ("formula", "norm", "params")  # per indicator: formula, normalisation, parameters
CONDITION_KEYS = ("condition", "label")
PANEL_KEYS = ("key", "name", "items")
EXTRA_ROWS = 1  # an empty grade band / tier / veto / requirement / panel row to add one
ITEM_SEPARATORS = re.compile(r"[\s,，、;；]+")


class BadParams(ValueError):
    """Normalisation parameters that are not ``key = value, ...`` (TOML inline-table body)."""


def params_text(params: Any) -> str:
    """An indicator's parameters as one line a person edits: ``target = "new_jobs_target"``."""
    if not isinstance(params, dict) or not params:
        return ""
    return ", ".join(tomli_w.dumps({k: v}).strip() for k, v in params.items())


def parse_params(text: str) -> dict[str, Any]:
    """The parameters typed on the page; raises :class:`BadParams` with the parser's reason."""
    text = (text or "").strip()
    if not text:
        return {}
    try:
        return dict(tomllib.loads(f"params = {{ {text} }}")["params"])
    except tomllib.TOMLDecodeError as exc:
        raise BadParams(str(exc)) from None


def panel_items(text: str) -> list[str]:
    """Item codes typed as ``A2, B1`` (commas, 、, spaces or semicolons between them)."""
    return [code for code in ITEM_SEPARATORS.split(text or "") if code]


def _conditions(raw: dict[str, Any], which: str) -> list[dict]:
    if which == "veto":
        rows = raw.get("veto", [])
    else:
        awards = raw.get("awards")
        rows = awards.get("requires", []) if isinstance(awards, dict) else []
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _panels(raw: dict[str, Any]) -> list[tuple[str, dict]]:
    experts = raw.get("experts")
    panels = experts.get("panels") if isinstance(experts, dict) else None
    return [(str(k), dict(v)) for k, v in panels.items()] if isinstance(panels, dict) else []


def has_requirements(raw: dict[str, Any]) -> bool:
    return isinstance(raw.get("awards"), dict)


def has_panels(raw: dict[str, Any]) -> bool:
    return isinstance(raw.get("experts"), dict)


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
    scoring = raw.get("scoring")
    values["scoring_norm"] = scoring.get("normalisation", "") if isinstance(scoring, dict) else ""
    for item in items_of(raw, "indicators"):
        values[f"formula_{item['code']}"] = item.get("formula", "")
        values[f"norm_{item['code']}"] = item.get("normalisation", "")
        values[f"params_{item['code']}"] = params_text(item.get("params"))
    for which in ("veto", "req"):
        for i, row in enumerate(_conditions(raw, which)):
            for key in CONDITION_KEYS:
                values[f"{which}_{i}_{key}"] = row.get(key, "")
    for i, (key, panel) in enumerate(_panels(raw)):
        values[f"panel_{i}_key"], values[f"panel_{i}_name"] = key, panel.get("name", "")
        values[f"panel_{i}_items"] = ", ".join(str(c) for c in panel.get("items", []))
    return values


def condition_rows(raw: dict[str, Any], which: str) -> int:
    if which == "req" and not has_requirements(raw):
        return 0
    return len(_conditions(raw, which)) + EXTRA_ROWS


def panel_rows(raw: dict[str, Any]) -> int:
    return len(_panels(raw)) + EXTRA_ROWS if has_panels(raw) else 0


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
    _apply_methods(doc, values)
    _apply_conditions(doc, values)
    _apply_panels(doc, values)
    return doc


def _apply_methods(doc: dict[str, Any], values: dict[str, Any]) -> None:
    """Formulas, normalisations and their parameters; a key absent from ``values`` (a caller
    setting only weights) leaves the item as it was."""
    if "scoring_norm" in values:  # the scheme's default, for indicators naming none
        method = str(values["scoring_norm"] or "").strip()
        scoring = doc.setdefault("scoring", {})
        if method:
            scoring["normalisation"] = method
        else:
            scoring.pop("normalisation", None)
        if not scoring:
            doc.pop("scoring")
    for item in items_of(doc, "indicators"):
        code = item["code"]
        for key, doc_key in (("formula", "formula"), ("norm", "normalisation")):
            if f"{key}_{code}" in values:
                text = str(values[f"{key}_{code}"] or "").strip()
                if text:
                    item[doc_key] = text
                else:
                    item.pop(doc_key, None)
        if f"params_{code}" in values:
            try:
                params = parse_params(str(values[f"params_{code}"] or ""))
            except BadParams:
                continue  # the form reports it; the document keeps the old parameters
            if params:
                item["params"] = params
            else:
                item.pop("params", None)


def _apply_conditions(doc: dict[str, Any], values: dict[str, Any]) -> None:
    """Vetoes (``[[veto]]``) and the conditions for any award (``[[awards.requires]]``)."""
    for which in ("veto", "req"):
        old = _conditions(doc, which)
        if which == "req" and not has_requirements(doc):
            continue
        if not any(f"{which}_{i}_condition" in values for i in range(len(old) + EXTRA_ROWS)):
            continue
        rows = []
        for i in range(len(old) + EXTRA_ROWS):
            condition = str(values.get(f"{which}_{i}_condition") or "").strip()
            if not condition:
                continue
            row = dict(old[i]) if i < len(old) else {}
            label = str(values.get(f"{which}_{i}_label") or "").strip()
            if row.get("label") != label:
                row.pop("label_en", None)
            row.update(condition=condition, label=label or condition)
            rows.append(row)
        if which == "veto":
            if rows or "veto" in doc:
                doc["veto"] = rows
        else:
            doc["awards"]["requires"] = rows


def _apply_panels(doc: dict[str, Any], values: dict[str, Any]) -> None:
    """The expert panels and the items each scores."""
    if not has_panels(doc):
        return
    old = _panels(doc)
    if not any(f"panel_{i}_key" in values for i in range(len(old) + EXTRA_ROWS)):
        return
    panels: dict[str, Any] = {}
    for i in range(len(old) + EXTRA_ROWS):
        key = str(values.get(f"panel_{i}_key") or "").strip()
        if not key or key in panels:  # a code given twice: the form says so, the first stands
            continue
        panel = dict(old[i][1]) if i < len(old) else {}
        name = str(values.get(f"panel_{i}_name") or "").strip() or key
        if panel.get("name") != name:
            panel.pop("name_en", None)
        panel.update(name=name, items=panel_items(str(values.get(f"panel_{i}_items") or "")))
        panels[key] = panel
    doc["experts"]["panels"] = panels


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


METHOD_LABELS = {
    "formula": gettext_lazy("formula"),
    "norm": gettext_lazy("normalisation"),
    "params": gettext_lazy("normalisation parameters"),
}
CONDITION_LABELS = {"condition": gettext_lazy("condition"), "label": gettext_lazy("wording")}
PANEL_LABELS = {
    "key": gettext_lazy("code"),
    "name": gettext_lazy("name"),
    "items": gettext_lazy("items scored"),
}
ROW_LABELS = {
    "veto": gettext_lazy("veto %(n)s: %(what)s"),
    "req": gettext_lazy("award requirement %(n)s: %(what)s"),
    "panel": gettext_lazy("expert panel %(n)s: %(what)s"),
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
    for prefix, label in METHOD_LABELS.items():
        if key.startswith(prefix + "_") and key[len(prefix) + 1 :] in names:
            code = key[len(prefix) + 1 :]
            return f"{code} {names.get(code, '')}: {label}"
    if parts[0] in ("veto", "req", "panel") and len(parts) == 3 and parts[1].isdigit():
        what = {**CONDITION_LABELS, **PANEL_LABELS}.get(parts[2], parts[2])
        return ROW_LABELS[parts[0]] % {"n": int(parts[1]) + 1, "what": what}
    return {
        "pass_line": _("pass line"),
        "max_total": _("bonus / deduction bound per unit"),
        "max_item": _("bound per entry"),
        "scoring_norm": _("default normalisation"),
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
    prefixes = (
        "w_",
        "minimum",
        "excellent",
        "scoring_norm",
        "formula_",
        "norm_",
        "params_",
        "grade_",
        "pass_line",
        "tier_",
        "req_",
        "veto_",
        "max_",
        "panel_",
    )
    return next((i for i, p in enumerate(prefixes) if key.startswith(p)), 99), key


def _show(x: Any) -> str:
    if x is None or x == "":
        return "—"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)
