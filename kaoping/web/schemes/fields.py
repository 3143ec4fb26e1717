"""Who fills which field of a scheme: the unit, the experts, the letters or the evaluator.

A unit enters only its own figures. Expert-scored items (（专家评分）) come from the closed
professional groups, ``<key>_target`` and ``target_completion`` from the responsibility
letters, and the price-correction factor from the evaluator: none of them is on the unit's
form or template, and the unit's values are validated without them.
"""

from __future__ import annotations

import dataclasses

from kaoping.scoring.schemes import FieldSpec, Scheme

PRICE_FIELD = "price_factor"
COMPLETION_FIELD = "target_completion"


def expert_fields(scheme: Scheme) -> set[str]:
    return {name for ind in scheme.qualitative_indicators for name in ind.formula.names}


def letter_fields(scheme: Scheme) -> set[str]:
    return {f.key for f in scheme.fields if f.key.endswith("_target") or f.key == COMPLETION_FIELD}


def filled_by_others(scheme: Scheme) -> set[str]:
    return (
        expert_fields(scheme)
        | letter_fields(scheme)
        | ({PRICE_FIELD} & {f.key for f in scheme.fields})
    )


def unit_fields(scheme: Scheme) -> list[FieldSpec]:
    """The numeric fields the unit itself fills in, in the scheme's order."""
    others = filled_by_others(scheme)
    return [f for f in scheme.input_fields if f.is_numeric and f.key not in others]


def for_units(scheme: Scheme) -> Scheme:
    """``scheme`` with the fields others fill made optional: what a unit's row is checked by."""
    others = filled_by_others(scheme)
    fields = tuple(
        dataclasses.replace(f, required=False) if f.key in others else f for f in scheme.fields
    )
    return dataclasses.replace(scheme, fields=fields)


def template_scheme(scheme: Scheme) -> Scheme:
    """``scheme`` without the fields others fill: the unit's Excel template."""
    others = filled_by_others(scheme)
    return dataclasses.replace(
        scheme, fields=tuple(f for f in scheme.fields if f.key not in others)
    )
