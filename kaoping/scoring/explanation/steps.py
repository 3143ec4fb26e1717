"""The steps of a derivation: the cells a formula reads, each indicator's and each group's step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Cell:
    """A base-data cell an indicator's formula reads."""

    key: str
    label: str
    unit: str
    value: float | None


@dataclass
class IndicatorStep:
    """One indicator's derivation for one unit: its cells, formula and value, the
    normalisation's statistics and score, the standards' points, and its share of the total.

    ``effective_weight`` is the indicator's weight among the siblings that apply to the unit
    (renormalised), ``contribution`` what it adds to its group's score; ``used_score`` is the
    score entering the aggregation (None when left out by the not-applicable policy).
    """

    code: str
    name: str
    group: str
    weight: float
    effective_weight: float
    formula: str
    substituted: str
    cells: list[Cell]
    value: float | None
    status: str
    reason: str | None
    normalisation: str
    direction: str
    stats: dict[str, Any]
    z: float | None
    raw_score: float | None
    standards: dict[str, Any]
    points: float
    score: float | None
    used_score: float | None
    contribution: float
    policy: str = "renormalise"  # what a not-applicable value counts as (NA_POLICIES)
    name_en: str = ""
    # How people write the value (kaoping.scoring.display): its display kind, and whether
    # the formula is the notice's "rate × −1" (the value shown is then the rate itself).
    display: str = "number"
    negated: bool = False
    reverse: bool = False
    # The normalisation's own formula: the target (target, efficacy) and where it comes from,
    # the floor value (efficacy), and the score before the scheme's floor and cap.
    target: float | None = None
    target_source: str = ""
    target_source_en: str = ""
    low: float | None = None
    unclamped: float | None = None

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


@dataclass
class GroupStep:
    """One indicator group's score for one unit, its effective weight and contribution."""

    code: str
    name: str
    parent: str | None
    weight: float
    effective_weight: float
    score: float | None
    contribution: float
    children: list[str]
    name_en: str = ""

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name
