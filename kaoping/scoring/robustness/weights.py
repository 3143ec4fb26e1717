"""The scheme's weight tree as arrays, and perturbed weights renormalised among siblings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kaoping.scoring.schemes import GroupSpec, Scheme


@dataclass(frozen=True)
class WeightTree:
    """The scheme's tree as arrays: nodes are the groups, then the indicators.

    ``families`` lists (parent node or -1 for the top, children nodes) parents first, so
    that shares can be handed down in one pass.
    """

    codes: tuple[str, ...]
    nominal: np.ndarray
    families: tuple[tuple[int, np.ndarray], ...]
    leaves: np.ndarray
    groups: np.ndarray
    levels: np.ndarray  # 1 for an indicator, 1 + the highest level below for a group

    @classmethod
    def of(cls, scheme: Scheme) -> WeightTree:
        nodes: list[Any] = [*scheme.groups, *scheme.indicators]
        index = {node.code: i for i, node in enumerate(nodes)}
        parents: list[str | None] = [None] + [
            node.code for _, node in scheme.walk() if isinstance(node, GroupSpec)
        ]
        families = tuple(
            (
                index[p] if p is not None else -1,
                np.array([index[c.code] for c in scheme.children(p)], dtype=np.intp),
            )
            for p in parents
        )
        levels = np.ones(len(nodes), dtype=np.int64)
        for parent, kids in reversed(families):  # deepest families first
            if parent >= 0:
                levels[parent] = levels[kids].max() + 1
        return cls(
            levels=levels,
            codes=tuple(node.code for node in nodes),
            nominal=np.array([node.weight for node in nodes], dtype=float),
            families=families,
            leaves=np.arange(len(scheme.groups), len(nodes), dtype=np.intp),
            groups=np.arange(len(scheme.groups), dtype=np.intp),
        )

    def presence(self, present_leaves: np.ndarray) -> np.ndarray:
        """Which nodes apply, per pattern (patterns x indicators -> patterns x nodes): an
        indicator as given, a group when any of its children applies."""
        leaves = np.atleast_2d(present_leaves)
        present = np.zeros((len(leaves), len(self.codes)), dtype=bool)
        present[:, self.leaves] = leaves
        for parent, kids in reversed(self.families):
            if parent >= 0:
                present[:, parent] = present[:, kids].any(axis=1)
        return present

    def absolute_weights(self, weights: np.ndarray, present_leaves: np.ndarray) -> np.ndarray:
        """Each indicator's share of the total (rows x patterns x indicators), per row of
        ``weights`` (rows x nodes) and pattern of applicable indicators (patterns x
        indicators).

        The same arithmetic as the evaluation's weighted means, unrolled: a child's share is
        its parent's share times its weight over the weights of its applicable siblings; a
        node that does not apply has share 0.

        Examples
        --------
        >>> from kaoping.scoring import load_scheme
        >>> tree = WeightTree.of(load_scheme("mof-2012"))
        >>> w = tree.absolute_weights(tree.nominal[None, :], np.ones((1, 12), dtype=bool))
        >>> [round(float(x), 4) for x in w[0, 0, :3]]  # A1..A3 = 20% x (40%, 30%, 30%)
        [0.08, 0.06, 0.06]
        """
        present = self.presence(present_leaves)
        share = np.zeros((len(weights), len(present), len(self.codes)))
        for parent, kids in self.families:
            w = weights[:, None, kids] * present[None, :, kids]
            total = w.sum(axis=2)
            base = 1.0 if parent < 0 else share[:, :, parent]
            with np.errstate(invalid="ignore", divide="ignore"):
                scale = np.where(total > 0, base / total, 0.0)
            share[:, :, kids] = w * scale[:, :, None]
        return share[:, :, self.leaves]


def perturb_weights(
    nominal: np.ndarray,
    families: Sequence[tuple[int, np.ndarray]],
    spread: float,
    noise: npt.ArrayLike,
) -> np.ndarray:
    """Weights times ``1 + spread * noise`` (noise in [-1, 1]), renormalised among siblings.

    Examples
    --------
    >>> fam = [(-1, np.array([0, 1]))]
    >>> perturb_weights(np.array([0.5, 0.5]), fam, 0.2, np.array([[1.0, -1.0]])).tolist()
    [[0.6, 0.4]]
    """
    raw = nominal * (1.0 + spread * np.asarray(noise, dtype=float))
    out = np.empty_like(raw)
    for _, kids in families:
        out[:, kids] = raw[:, kids] / raw[:, kids].sum(axis=1, keepdims=True)
    return out
