"""The explanation of one unit's total as a whole: its steps, the total, the check."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kaoping.scoring.explanation.steps import GroupStep, IndicatorStep
from kaoping.scoring.explanation.text import render_explanation


@dataclass
class Explanation:
    """The derivation of one unit's total, from the raw cells to the total, rank and grade.

    Built by :func:`~kaoping.scoring.explanation.explain`; ``check`` re-adds the
    contributions of the top groups, so anyone can see they give the base total.
    :meth:`to_dict` is plain JSON; :meth:`render` the text, in Chinese or English.
    """

    unit_code: str
    unit_name: str
    year: int | None
    source: str | None
    row: int | None
    scheme: dict[str, Any]
    scoring: dict[str, Any]
    indicators: list[IndicatorStep]
    groups: list[GroupStep]
    base_total: float | None
    adjustments: list[dict[str, Any]]
    bonus: float
    total: float | None
    rank: int | None
    ranked_units: int
    grade: str | None
    grade_en: str | None = None
    previous: dict[str, Any] | None = None
    check: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain values (JSON-ready)."""
        return asdict(self)

    def render(self, lang: str = "zh") -> str:
        """The derivation as indented lines of text (:func:`render_explanation`)."""
        return render_explanation(self, lang)
