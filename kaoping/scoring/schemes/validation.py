"""Validating a scheme document, every part of it, and building the :class:`Scheme`.

Validation reports every problem with the file and the item at fault (not only the first),
so that a scheme that loads can be published and frozen: nothing about it is decided later.
The rules: known keys and types, codes unique, the indicator tree sound, each sibling set's
weights summing to 100%, formulas and conditions over declared fields, standards and grades
consistent, and the scheme's weight constraints (such as the notice's W3 + W4 > 50%) holding.
Reading the files: :mod:`kaoping.scoring.schemes.documents`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any, overload

import numpy as np

from kaoping.scoring.composite import AGGREGATIONS, IMPUTATIONS, TREATMENTS
from kaoping.scoring.display import DISPLAY_KINDS
from kaoping.scoring.errors import Problem, SchemeError
from kaoping.scoring.formulas import FormulaError, parse_condition, parse_formula
from kaoping.scoring.i18n import gettext, gettext_lazy, gettext_noop
from kaoping.scoring.normalisation import NORMALISATIONS, validate_params
from kaoping.scoring.schemes.documents import items_of, scheme_fingerprint
from kaoping.scoring.schemes.model import (
    DIRECTIONS,
    EXTENSION_SECTIONS,
    FIELD_SOURCES,
    FIELD_TYPES,
    HEADER_KEYS,
    KINDS,
    NA_POLICIES,
    OBJECT_KINDS,
    SD_KINDS,
    STANDARD_BASES,
    WEIGHT_TOLERANCE,
    CheckRule,
    FieldSpec,
    GradeBand,
    GroupSpec,
    IndicatorSpec,
    Scheme,
    ScoringRules,
    Standards,
    _fmt,
)

__all__ = ["scheme_from_dict", "with_weights"]


def scheme_from_dict(raw: Mapping[str, Any], *, path: str | None = None) -> Scheme:
    """Validate a parsed scheme document and build the :class:`Scheme`."""
    builder = _SchemeBuilder(raw, path or "<scheme>")
    return builder.build()


def with_weights(scheme: Scheme, weights: Mapping[str, float]) -> Scheme:
    """A copy of ``scheme`` with some weights replaced (fractions of the parent), re-validated.

    It lives beside :func:`scheme_from_dict`, which validates the copy, so that the model
    (``model.py``) knows nothing of the loader.
    """
    raw = json.loads(json.dumps(scheme.raw))
    # Every weight as the fraction it resolved to, so that replacing some of a sibling
    # set written in percent does not mix percent and fractions.
    resolved = {g.code: g.weight for g in scheme.groups}
    resolved.update({i.code: i.weight for i in scheme.indicators})
    resolved.update(weights)
    for table in ("groups", "indicators"):
        for item in items_of(raw, table):
            if item.get("code") in resolved:
                item["weight"] = resolved[item["code"]]
    return scheme_from_dict(raw, path=scheme.path)


class _SchemeBuilder:
    """Collects every problem of a scheme document before giving up."""

    TOP_KEYS: frozenset[str] = frozenset(
        {
            "scheme",
            "scoring",
            "fields",
            "groups",
            "indicators",
            "grades",
            "constraints",
            "checks",
            *EXTENSION_SECTIONS,
        }
    )

    def __init__(self, raw: Mapping[str, Any], path: str):
        self.raw = raw
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, message: str, item: str | None = None, /, **params: Any) -> None:
        # Positional-only: many messages have a ``code`` parameter (the indicator's code).
        self.problems.append(Problem(message, file=self.path, column=item, params=params))

    def build(self) -> Scheme:
        raw = self.raw
        for key in raw:
            if key not in self.TOP_KEYS:
                self.fail("scheme.unknown_key", key, key=key)
        header = self._table(raw, "scheme", required=True)
        for key in header:
            if key not in HEADER_KEYS:
                self.fail("scheme.unknown_key", "scheme", key=f"scheme.{key}")
        if not isinstance(header.get("notice_rules", True), bool):
            self.fail(
                "scheme.bad_type",
                "scheme.notice_rules",
                key="notice_rules",
                expected=gettext_lazy("true or false"),
            )
        code = self._str(header, "code", "scheme")
        name = self._str(header, "name", "scheme")
        version = str(header.get("version", "")) or None
        if version is None:
            self.fail("scheme.missing_key", "scheme", key="scheme.version")
        year = header.get("year")
        if year is not None and not isinstance(year, int):
            self.fail(
                "scheme.bad_type", "scheme.year", key="year", expected=gettext_lazy("an integer")
            )
            year = None
        applies_to = tuple(header.get("applies_to", ()))
        for kind in applies_to:
            if kind not in OBJECT_KINDS:
                self.fail(
                    "scheme.bad_choice",
                    "scheme.applies_to",
                    key="applies_to",
                    value=kind,
                    expected=", ".join(OBJECT_KINDS),
                )

        scoring = self._scoring(self._table(raw, "scoring"))
        fields = self._fields(raw.get("fields", []))
        field_keys = [f.key for f in fields]
        if scoring.imputation_group is not None and scoring.imputation_group not in field_keys:
            self.fail(
                "scheme.bad_choice",
                "scoring",
                key="imputation_group",
                value=scoring.imputation_group,
                expected=", ".join(field_keys),
            )
        groups = self._groups(raw.get("groups", []))
        indicators = self._indicators(raw.get("indicators", []), field_keys, scoring)
        self._check_tree(groups, indicators)
        grades = self._grades(raw.get("grades", []))
        constraints = self._constraint_texts(raw.get("constraints", ()))
        numeric_keys = [f.key for f in fields if f.is_numeric]
        checks = self._checks(raw.get("checks", []), numeric_keys)

        if self.problems:
            raise SchemeError(self.problems)
        scheme = Scheme(
            code=code,
            name=name,
            name_en=str(header.get("name_en", "")),
            version=version or "",
            year=year,
            fields=tuple(fields),
            groups=tuple(groups),
            indicators=tuple(indicators),
            scoring=scoring,
            grades=tuple(grades),
            constraints=constraints,
            checks=tuple(checks),
            applies_to=applies_to,
            assumptions=tuple(str(a) for a in header.get("assumptions", ())),
            description=str(header.get("description", "")),
            source=str(header.get("source", "")),
            sections={k: raw[k] for k in EXTENSION_SECTIONS if k in raw},
            path=self.path,
            sha256=scheme_fingerprint(raw),
            raw=json.loads(json.dumps(raw, default=str)),
        )
        self._check_constraints(scheme)
        if self.problems:
            raise SchemeError(self.problems)
        return scheme

    # --- pieces -------------------------------------------------------------------------
    def _table(self, raw: Mapping[str, Any], key: str, required: bool = False) -> Mapping[str, Any]:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail("scheme.missing_key", key, key=key)
            return {}
        if not isinstance(value, Mapping):
            self.fail("scheme.bad_type", key, key=key, expected=gettext_lazy("a table"))
            return {}
        return value

    def _str(self, table: Mapping[str, Any], key: str, where: str) -> str:
        value = table.get(key)
        if value is None or str(value).strip() == "":
            self.fail("scheme.missing_key", where, key=f"{where}.{key}")
            return ""
        return str(value)

    @overload
    def _number(self, table: Mapping[str, Any], key: str, where: str, default: float) -> float: ...

    @overload
    def _number(
        self, table: Mapping[str, Any], key: str, where: str, default: None = None
    ) -> float | None: ...

    def _number(
        self, table: Mapping[str, Any], key: str, where: str, default: float | None = None
    ) -> float | None:
        value = table.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail("scheme.bad_type", where, key=key, expected=gettext_lazy("a number"))
            return default
        return float(value)

    def _choice(
        self, table: Mapping[str, Any], key: str, where: str, choices: Collection[str], default: str
    ) -> str:
        value = table.get(key, default)
        if value not in choices:
            self.fail("scheme.bad_choice", where, key=key, value=value, expected=", ".join(choices))
            return default
        return str(value)

    def _scoring(self, table: Mapping[str, Any]) -> ScoringRules:
        known = {
            "normalisation",
            "sd",
            "base",
            "scale",
            "floor",
            "cap",
            "not_applicable",
            "tie_decimals",
            "imputation",
            "imputation_group",
            "treatment",
            "winsorise_limit",
            "skew_max",
            "kurtosis_max",
            "aggregation",
        }
        for key in table:
            if key not in known:
                self.fail("scheme.unknown_key", "scoring", key=f"scoring.{key}")
        d = ScoringRules()
        rules = ScoringRules(
            normalisation=self._choice(
                table, "normalisation", "scoring", tuple(NORMALISATIONS), d.normalisation
            ),
            sd=self._choice(table, "sd", "scoring", SD_KINDS, d.sd),
            base=self._number(table, "base", "scoring", d.base),
            scale=self._number(table, "scale", "scoring", d.scale),
            floor=self._number(table, "floor", "scoring", d.floor),
            cap=self._number(table, "cap", "scoring", d.cap),
            not_applicable=self._choice(
                table, "not_applicable", "scoring", NA_POLICIES, d.not_applicable
            ),
            tie_decimals=self._tie_decimals(table, d.tie_decimals),
            **self._composite(table, d),
        )
        if rules.floor >= rules.cap:
            self.fail("scheme.bad_type", "scoring", key="floor/cap", expected="floor < cap")
        return rules

    def _composite(self, table: Mapping[str, Any], d: ScoringRules) -> dict[str, Any]:
        """The composite-indicator options (kaoping.scoring.composite), all optional."""
        group = table.get("imputation_group")
        if group is not None and not isinstance(group, str):
            self.fail(
                "scheme.bad_type",
                "scoring",
                key="imputation_group",
                expected=gettext_lazy("a field key"),
            )
            group = None
        limit = table.get("winsorise_limit", d.winsorise_limit)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
            self.fail(
                "scheme.bad_type",
                "scoring",
                key="winsorise_limit",
                expected=gettext_lazy("a whole number from 1 to 1000"),
            )
            limit = d.winsorise_limit
        return {
            "imputation": self._choice(table, "imputation", "scoring", IMPUTATIONS, d.imputation),
            "imputation_group": group,
            "treatment": self._choice(table, "treatment", "scoring", TREATMENTS, d.treatment),
            "winsorise_limit": limit,
            "skew_max": self._number(table, "skew_max", "scoring", d.skew_max),
            "kurtosis_max": self._number(table, "kurtosis_max", "scoring", d.kurtosis_max),
            "aggregation": self._choice(
                table, "aggregation", "scoring", AGGREGATIONS, d.aggregation
            ),
        }

    def _tie_decimals(self, table: Mapping[str, Any], default: int) -> int:
        value = table.get("tie_decimals", default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 12:
            self.fail(
                "scheme.bad_type",
                "scoring",
                key="tie_decimals",
                expected=gettext_lazy("a whole number from 0 to 12"),
            )
            return default
        return value

    def _fields(self, items: Any) -> list[FieldSpec]:
        known = {
            "key",
            "label",
            "label_en",
            "type",
            "unit",
            "min",
            "max",
            "required",
            "default",
            "description",
            "source",
        }
        result: list[FieldSpec] = []
        seen: set[str] = set()
        for n, item in enumerate(_as_list(items)):
            where = f"fields[{n + 1}]"
            key = self._str(item, "key", where)
            where = f"fields.{key or n + 1}"
            for k in item:
                if k not in known:
                    self.fail("scheme.unknown_key", where, key=k)
            if key in seen:
                self.fail("scheme.duplicate_code", where, code=key)
            seen.add(key)
            ftype = self._choice(item, "type", where, FIELD_TYPES, "number")
            source = self._choice(item, "source", where, FIELD_SOURCES, "unit")
            lo = self._number(item, "min", where)
            hi = self._number(item, "max", where)
            if ftype in ("amount", "count") and lo is None:
                lo = 0.0  # amounts and head counts are never negative
            if ftype == "rate":
                lo = 0.0 if lo is None else lo
                hi = 100.0 if hi is None else hi
            if lo is not None and hi is not None and lo > hi:
                self.fail("scheme.bounds", where, key=key, min=_fmt(lo), max=_fmt(hi))
            result.append(
                FieldSpec(
                    key=key,
                    label=str(item.get("label", key)),
                    label_en=str(item.get("label_en", "")),
                    type=ftype,
                    unit=str(item.get("unit", "")),
                    min=lo,
                    max=hi,
                    required=bool(item.get("required", True)),
                    default=self._number(item, "default", where),
                    description=str(item.get("description", "")),
                    source=source,
                )
            )
        if not any(f.key == "unit_code" for f in result):
            result.insert(0, _identity_field("unit_code", gettext_noop("unit code")))
        if not any(f.key == "unit_name" for f in result):
            result.insert(1, _identity_field("unit_name", gettext_noop("unit name")))
        return result

    def _groups(self, items: Any) -> list[GroupSpec]:
        known = {"code", "name", "name_en", "weight", "parent", "description", "aggregation"}
        result = []
        for n, item in enumerate(_as_list(items)):
            code = self._str(item, "code", f"groups[{n + 1}]")
            where = f"groups.{code or n + 1}"
            for k in item:
                if k not in known:
                    self.fail("scheme.unknown_key", where, key=k)
            result.append(
                GroupSpec(
                    code=code,
                    name=self._str(item, "name", where),
                    name_en=str(item.get("name_en", "")),
                    weight=self._weight(item, where, code),
                    parent=item.get("parent"),
                    aggregation=self._choice(
                        item, "aggregation", where, AGGREGATIONS, ScoringRules().aggregation
                    )
                    if "aggregation" in item
                    else None,
                )
            )
        return result

    def _weight(self, item: Mapping[str, Any], where: str, code: str) -> float:
        value = item.get("weight")
        if value is None:
            self.fail("scheme.missing_key", where, key="weight")
            return math.nan
        if isinstance(value, str) and value.strip().endswith("%"):
            try:
                value = float(value.strip()[:-1])
            except ValueError:
                value = None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail("scheme.bad_type", where, key="weight", expected=gettext_lazy("a number"))
            return math.nan
        if not value > 0:
            self.fail("scheme.weight_range", where, code=code, value=value)
            return math.nan
        return float(value)  # percent or fraction: resolved per sibling set in _check_tree

    def _indicators(
        self, items: Any, field_keys: list[str], scoring: ScoringRules
    ) -> list[IndicatorSpec]:
        known = {
            "code",
            "name",
            "name_en",
            "group",
            "weight",
            "formula",
            "direction",
            "normalisation",
            "params",
            "missing",
            "standards",
            "unit",
            "kind",
            "description",
            "display",
            "negated",
            "display_name",
            "display_name_en",
        }
        result = []
        for n, item in enumerate(_as_list(items)):
            code = self._str(item, "code", f"indicators[{n + 1}]")
            where = f"indicators.{code or n + 1}"
            for k in item:
                if k not in known:
                    self.fail("scheme.unknown_key", where, key=k)
            text = self._str(item, "formula", where)
            try:
                formula = parse_formula(text, allowed_names=field_keys)
            except FormulaError as exc:
                reason = Problem(exc.code, params=exc.params)
                self.problems.append(
                    Problem(
                        "scheme.formula",
                        file=self.path,
                        column=where,
                        params={
                            "code": code,
                            "formula": text,
                            "reason": reason,
                        },
                    )
                )
                formula = None
            normalisation = self._choice(
                item, "normalisation", where, tuple(NORMALISATIONS), scoring.normalisation
            )
            params = dict(item.get("params", {}))
            for message in validate_params(normalisation, params, field_keys):
                self.fail("scheme.normalisation_param", where, code=code, reason=message)
            result.append(
                IndicatorSpec(
                    code=code,
                    name=self._str(item, "name", where),
                    name_en=str(item.get("name_en", "")),
                    group=self._str(item, "group", where),
                    weight=self._weight(item, where, code),
                    # None only with its problem reported: the scheme is refused before the
                    # spec is used, and the tree checks still see the indicator.
                    formula=formula,  # type: ignore[arg-type]
                    direction=self._choice(item, "direction", where, DIRECTIONS, "higher"),
                    normalisation=normalisation,
                    params=params,
                    missing=(
                        self._choice(item, "missing", where, NA_POLICIES, "renormalise")
                        if "missing" in item
                        else None
                    ),
                    standards=self._standards(
                        item.get("standards", {}), where, code, item.get("direction", "higher")
                    ),
                    unit=str(item.get("unit", "")),
                    kind=self._choice(item, "kind", where, KINDS, "quantitative"),
                    description=str(item.get("description", "")),
                    display=self._choice(item, "display", where, ("", *DISPLAY_KINDS), ""),
                    negated=bool(item.get("negated", False)),
                    display_name=str(item.get("display_name", "")),
                    display_name_en=str(item.get("display_name_en", "")),
                )
            )
        return result

    def _standards(self, table: Any, where: str, code: str, direction: str) -> Standards:
        known = {"minimum", "minimum_points", "excellent", "excellent_points", "basis"}
        if not isinstance(table, Mapping):
            self.fail(
                "scheme.bad_type",
                f"{where}.standards",
                key="standards",
                expected=gettext_lazy("a table"),
            )
            return Standards()
        for k in table:
            if k not in known:
                self.fail("scheme.unknown_key", f"{where}.standards", key=k)
        s = Standards(
            minimum=self._number(table, "minimum", where),
            minimum_points=abs(self._number(table, "minimum_points", where, 0.0) or 0.0),
            excellent=self._number(table, "excellent", where),
            excellent_points=abs(self._number(table, "excellent_points", where, 0.0) or 0.0),
            basis=self._choice(table, "basis", where, STANDARD_BASES, "value"),
        )
        if s.minimum is not None and s.minimum_points == 0:
            self.fail(
                "scheme.standards",
                where,
                code=code,
                reason=gettext_lazy("a minimum standard with 0 points"),
            )
        if s.excellent is not None and s.excellent_points == 0:
            self.fail(
                "scheme.standards",
                where,
                code=code,
                reason=gettext_lazy("an excellent standard with 0 points"),
            )
        if s.minimum is not None and s.excellent is not None:
            # On scores, and on values where higher is better, the minimum lies below.
            lower_better = direction == "lower" and s.basis == "value"
            if (s.minimum <= s.excellent) if lower_better else (s.minimum >= s.excellent):
                self.fail(
                    "scheme.standards",
                    where,
                    code=code,
                    reason=Problem(
                        "scheme.standards_order",
                        params={"minimum": _fmt(s.minimum), "excellent": _fmt(s.excellent)},
                    ),
                )
        return s

    def _check_tree(self, groups: list[GroupSpec], indicators: list[IndicatorSpec]) -> None:
        before = len(self.problems)
        codes = [g.code for g in groups] + [i.code for i in indicators]
        places = [f"groups.{g.code}" for g in groups] + [f"indicators.{i.code}" for i in indicators]
        reported: set[str] = set()
        for code, place in zip(codes, places, strict=True):
            if code and codes.count(code) > 1 and code not in reported:
                reported.add(code)
                self.fail("scheme.duplicate_code", place, code=code)
        group_codes = {g.code for g in groups}
        for g in groups:
            if g.parent is not None and g.parent not in group_codes:
                self.fail("scheme.unknown_parent", f"groups.{g.code}", code=g.code, parent=g.parent)
        for i in indicators:
            if i.group and i.group not in group_codes:
                self.fail(
                    "scheme.unknown_parent", f"indicators.{i.code}", code=i.code, parent=i.group
                )
        parents = {g.code: g.parent for g in groups}
        for g in groups:
            seen: set[str] = set()
            node: str | None = g.code
            while node is not None and node in parents:
                if node in seen:
                    self.fail("scheme.cycle", f"groups.{g.code}", code=g.code)
                    break
                seen.add(node)
                node = parents[node]
        if not indicators:
            self.fail("scheme.no_indicators", "indicators")
        for g in groups:
            if not any(x.parent == g.code for x in groups) and not any(
                i.group == g.code for i in indicators
            ):
                self.fail("scheme.empty_group", f"groups.{g.code}", code=g.code)
        if len(self.problems) > before:
            return  # sibling sets are meaningless in a broken tree
        # Resolve percent or fraction per sibling set, then check each sums to 100%.
        siblings: dict[str | None, list[Any]] = {}
        for g in groups:
            siblings.setdefault(g.parent, []).append(g)
        for i in indicators:
            siblings.setdefault(i.group, []).append(i)
        resolved: dict[str, float] = {}
        for parent, kids in siblings.items():
            weights = [k.weight for k in kids]
            if any(math.isnan(w) for w in weights):
                continue
            total = sum(weights)
            if abs(total - 100) <= 100 * WEIGHT_TOLERANCE:
                scale = 100.0
            elif abs(total - 1) <= WEIGHT_TOLERANCE:
                scale = 1.0
            else:
                label = parent or gettext_lazy("the total")
                children = " + ".join(f"{k.code} {_fmt(k.weight)}" for k in kids)
                self.fail(
                    "scheme.weights_sum",
                    f"weights.{parent}" if parent else gettext_lazy("weights of the total"),
                    parent=label,
                    total=_fmt(total),
                    children=children,
                )
                continue
            for k in kids:
                resolved[k.code] = k.weight / scale
        groups[:] = [_replace(g, weight=resolved.get(g.code, g.weight)) for g in groups]
        indicators[:] = [_replace(i, weight=resolved.get(i.code, i.weight)) for i in indicators]

    def _grades(self, items: Any) -> list[GradeBand]:
        bands = []
        for n, item in enumerate(_as_list(items)):
            where = f"grades[{n + 1}]"
            for k in item:
                if k not in ("name", "name_en", "min"):
                    self.fail("scheme.unknown_key", where, key=k)
            bands.append(
                GradeBand(
                    name=self._str(item, "name", where),
                    name_en=str(item.get("name_en", "")),
                    min=self._number(item, "min", where, 0.0),
                )
            )
        bands.sort(key=lambda b: -b.min)
        names = [b.name for b in bands]
        if len(set(names)) != len(names):
            self.fail("scheme.grades", "grades", reason=gettext_lazy("duplicate grade names"))
        mins = [b.min for b in bands]
        if len(set(mins)) != len(mins):
            self.fail("scheme.grades", "grades", reason=gettext_lazy("two bands share a minimum"))
        return bands

    def _checks(self, items: Any, field_keys: list[str]) -> list[CheckRule]:
        rules = []
        for n, item in enumerate(_as_list(items)):
            where = f"checks[{n + 1}]"
            for k in item:
                if k not in ("rule", "label", "label_en"):
                    self.fail("scheme.unknown_key", where, key=k)
            text = self._str(item, "rule", where)
            try:
                condition = parse_condition(text, allowed_names=field_keys)
            except FormulaError as exc:
                reason = Problem(exc.code, params=exc.params)
                self.fail(
                    "scheme.formula",
                    where,
                    code=where,
                    formula=text,
                    reason=reason,
                )
                continue
            rules.append(
                CheckRule(
                    condition=condition,
                    label=str(item.get("label", text)),
                    label_en=str(item.get("label_en", "")),
                )
            )
        return rules

    def _constraint_texts(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]  # one rule written without the list brackets
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            self.fail(
                "scheme.bad_type",
                "constraints",
                key="constraints",
                expected=gettext_lazy('a list of texts (such as ["C + D > 50"])'),
            )
            return ()
        return tuple(value)

    def _check_constraints(self, scheme: Scheme) -> None:
        """Weight constraints such as the notice's W3 + W4 > 50%, in percent of the parent."""
        # Back to the percent written in the file (0.3 * 100 is 30.000000000000004).
        weights = {g.code: np.array([round(g.weight * 100, 9)]) for g in scheme.groups}
        weights.update({i.code: np.array([round(i.weight * 100, 9)]) for i in scheme.indicators})
        for rule in scheme.constraints:
            try:
                condition = parse_condition(rule, allowed_names=list(weights))
            except FormulaError as exc:
                reason = Problem(exc.code, params=exc.params)
                self.fail(
                    "scheme.constraint_syntax",
                    "constraints",
                    rule=rule,
                    reason=reason,
                )
                continue
            outcome = condition.evaluate(weights, tolerance=1e-9)
            if not bool(outcome.holds[0]):
                detail = f"{_fmt(float(outcome.left[0]))}% {condition.op} {_fmt(float(outcome.right[0]))}%"
                self.fail("scheme.constraint", "constraints", rule=rule, detail=detail)


def _as_list(items: Any) -> list[Mapping[str, Any]]:
    if isinstance(items, Mapping):
        return [dict(v, code=v.get("code", k)) for k, v in items.items()]
    return [i for i in items if isinstance(i, Mapping)]


def _replace(obj: Any, **changes: Any) -> Any:
    return replace(obj, **changes)


def _identity_field(key: str, label: str) -> FieldSpec:
    """A column every base-data table has, labelled from the catalogue in both languages."""
    return FieldSpec(key, gettext(label, "zh"), "text", label_en=gettext(label, "en"))
