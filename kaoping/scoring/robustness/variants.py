"""The scheme as it reads under a replicate's choices: the reference path
(:func:`scheme_for_choices`, re-reading the scheme) and the fast one (:func:`variant`)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from kaoping.scoring.errors import KaopingError, Problem
from kaoping.scoring.evaluation import (
    COMPARATIVE,
)
from kaoping.scoring.robustness.draws import Choices
from kaoping.scoring.robustness.options import AS_PUBLISHED, parse_normalisation, parse_treatment
from kaoping.scoring.schemes import IndicatorSpec, Scheme, scheme_from_dict


def effective_normalisation(own: str, choice: str) -> str:
    return choice if choice != AS_PUBLISHED and own in COMPARATIVE else own


def scheme_treatment(scheme: Scheme) -> str:
    rules = scheme.scoring
    return (
        f"winsorise:{rules.winsorise_limit}" if rules.treatment == "winsorise" else rules.treatment
    )


def scheme_aggregation(scheme: Scheme) -> str:
    """The scheme's aggregation when the same at every level; refused when mixed (the fast
    path needs one method for the whole tree)."""
    methods = {g.aggregation or scheme.scoring.aggregation for g in scheme.groups}
    methods.add(scheme.scoring.aggregation)
    if len(methods) > 1:
        raise KaopingError([Problem("robustness.mixed_aggregation")])
    return methods.pop()


def choice_settings(
    scheme: Scheme, choices: Choices, with_indicators: bool = True
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the choices change: scoring rules, and per comparative indicator its
    normalisation and parameters (None: unchanged)."""
    scoring: dict[str, Any] = {"sd": choices.sd, "not_applicable": choices.not_applicable}
    name, params = parse_normalisation(choices.normalisation)
    if name == "zscore" and params:
        scoring.update(base=params["base"], scale=params["scale"])
    if choices.imputation != AS_PUBLISHED:
        scoring["imputation"] = choices.imputation
    if choices.treatment != AS_PUBLISHED:
        treatment, limit = parse_treatment(choices.treatment)
        scoring["treatment"] = treatment
        if limit:
            scoring["winsorise_limit"] = limit
    if choices.aggregation != AS_PUBLISHED:
        scoring["aggregation"] = choices.aggregation
    if not with_indicators:
        return scoring, {}
    return scoring, _indicator_settings(scheme, choices.normalisation)


def _indicator_settings(scheme: Scheme, normalisation: str) -> dict[str, Any]:
    """Per comparative indicator, its normalisation and parameters under ``normalisation``
    (only those that change)."""
    name, params = parse_normalisation(normalisation)
    indicators: dict[str, Any] = {}
    for indicator in scheme.indicators:
        new = effective_normalisation(indicator.normalisation, name)
        if new != indicator.normalisation:
            indicators[indicator.code] = (new, params if new == "minmax" else {})
        elif new == "minmax" and params:
            indicators[indicator.code] = (new, params)
    return indicators


def scheme_variant(
    scheme: Scheme, choices: Choices, cache: dict[str, tuple[IndicatorSpec, ...]] | None = None
) -> Scheme:
    """:func:`scheme_for_choices` without re-reading the scheme (and without weights): the
    same rules and normalisations, set on the loaded objects (the tests check they agree).
    ``cache`` keeps the rewritten indicators per normalisation."""
    scoring, indicators = choice_settings(scheme, choices, with_indicators=cache is None)
    rules = replace(scheme.scoring, **scoring)
    new_indicators = (cache or {}).get(choices.normalisation)
    if new_indicators is None:
        indicators = indicators or _indicator_settings(scheme, choices.normalisation)
        new_indicators = tuple(
            replace(i, normalisation=indicators[i.code][0], params=indicators[i.code][1])
            if i.code in indicators
            else i
            for i in scheme.indicators
        )
        if cache is not None:
            cache[choices.normalisation] = new_indicators
    groups = scheme.groups
    if choices.aggregation != AS_PUBLISHED:
        groups = tuple(replace(g, aggregation=None) for g in groups)
    return replace(scheme, scoring=rules, indicators=new_indicators, groups=groups)


def scheme_for_choices(scheme: Scheme, choices: Choices) -> Scheme:
    """The scheme as it would read had these choices been published (the reference path).

    Comparative indicators take ``choices.normalisation`` (their parameters are dropped when
    it is not their own); the scoring rules take the sd kind and the not-applicable policy
    (an indicator's own ``missing`` rule stays); weights given replace the scheme's.

    Examples
    --------
    >>> from kaoping.scoring import load_scheme
    >>> s = scheme_for_choices(load_scheme("mof-2012"), Choices({}, "minmax", "sample", "zero"))
    >>> s.indicator("A1").normalisation, s.scoring.sd, s.scoring.not_applicable
    ('minmax', 'sample', 'zero')
    """
    raw = json.loads(json.dumps(scheme.raw))
    scoring, indicators = choice_settings(scheme, choices)
    raw.setdefault("scoring", {}).update(scoring)
    for code, item in _items(raw, "indicators"):
        if code in indicators:
            item["normalisation"], params = indicators[code]
            item.pop("params", None)
            if params:
                item["params"] = dict(params)
        if code in choices.weights:
            item["weight"] = choices.weights[code]
    for code, item in _items(raw, "groups"):
        if code in choices.weights:
            item["weight"] = choices.weights[code]
        if choices.aggregation != AS_PUBLISHED:
            item.pop("aggregation", None)
    return scheme_from_dict(raw, path=scheme.path)


def _items(raw: dict[str, Any], table: str) -> Iterator[tuple[str, dict[str, Any]]]:
    items = raw.get(table, [])
    if isinstance(items, Mapping):
        for key, item in items.items():
            yield str(item.get("code", key)), item
    else:
        for item in items:
            if isinstance(item, Mapping):
                yield str(item.get("code")), item  # type: ignore[misc]
