"""The random inputs of a set of replicates (:class:`Draws`) and one replicate's choices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kaoping.scoring.robustness.options import AS_PUBLISHED, DISCRETE, FIELDS


@dataclass(frozen=True)
class Choices:
    """One replicate's choices: weights (fractions of the parent, every node) and options."""

    weights: Mapping[str, float]
    normalisation: str
    sd: str
    not_applicable: str
    imputation: str = AS_PUBLISHED
    treatment: str = AS_PUBLISHED
    aggregation: str = AS_PUBLISHED
    experts: str = AS_PUBLISHED
    bonus: str = AS_PUBLISHED


@dataclass(frozen=True)
class Draws:
    """The random inputs of a set of replicates, one row each.

    ``weights`` are fractions of the parent (siblings sum to 1), nodes as in
    :class:`WeightTree`; the discrete choices are indices into the options' levels.
    """

    weights: np.ndarray
    normalisation: np.ndarray
    sd: np.ndarray
    not_applicable: np.ndarray
    imputation: np.ndarray
    treatment: np.ndarray
    aggregation: np.ndarray
    experts: np.ndarray
    bonus: np.ndarray
    redrawn: int = 0
    # The fractions of the "uniform" bonus level: replicates x the units with bonus points
    # (:attr:`RobustnessModel.bonus_units`); empty when that level is not among the choices.
    bonus_share: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.normalisation)

    def discrete(self) -> np.ndarray:
        """The discrete choices as columns (replicates x DISCRETE)."""
        return np.stack([getattr(self, f) for f in DISCRETE], axis=1)

    def with_factor(self, factor: str, other: Draws) -> Draws:
        """These draws with one factor's column(s) taken from ``other`` (Saltelli's AB_i)."""
        parts: dict[str, Any] = {f: getattr(self, f) for f in FIELDS}
        parts[factor] = getattr(other, factor)
        if factor == "bonus":  # the bonus factor is its level and its fractions together
            parts["bonus_share"] = other.bonus_share
        return Draws(**parts)

    def take(self, rows: np.ndarray) -> Draws:
        parts: dict[str, Any] = {
            f: None if (v := getattr(self, f)) is None else v[rows] for f in FIELDS
        }
        return Draws(**parts)

    @staticmethod
    def concatenate(parts: Sequence[Draws]) -> Draws:
        joined: dict[str, Any] = {
            f: None
            if getattr(parts[0], f) is None
            else np.concatenate([getattr(p, f) for p in parts])
            for f in FIELDS
        }
        return Draws(**joined)
