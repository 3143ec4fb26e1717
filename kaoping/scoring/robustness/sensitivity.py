"""Variance-based sensitivity indices of the ranks to each uncertain choice (Saltelli's design)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaoping.scoring.i18n import gettext, pgettext
from kaoping.scoring.robustness.draws import Draws
from kaoping.scoring.robustness.model import RobustnessModel
from kaoping.scoring.robustness.options import factor_label, level_label

UNITS_PER_BLOCK = 256  # units at a time in the sensitivity sums


@dataclass(frozen=True)
class FactorSensitivity:
    """How much one uncertain choice moves the ranks.

    ``first_order`` (S_i) and ``total`` (S_Ti) are shares of the rank variance summed over
    units; ``mean_rank_shift`` is the average number of places a unit moves when only this
    choice is drawn again. Indices are None when no rank ever changes.
    """

    factor: str
    levels: tuple[str, ...]
    first_order: float | None
    total: float | None
    mean_rank_shift: float
    first_order_ci: tuple[float, float] | None = None  # bootstrap 5-95%
    total_ci: tuple[float, float] | None = None

    def label(self, lang: str, spread: float = 0.0) -> str:
        """The choice in words; the weights with their spread: 权重（±25%）."""
        name = factor_label(self.factor, lang)
        if self.factor == "weights":
            return gettext("{name} (±{spread})", lang).format(name=name, spread=f"{spread:.0%}")
        return name

    def levels_text(self, lang: str) -> str:
        """The alternatives drawn, in words."""
        if self.factor == "weights":
            return gettext("renormalised among siblings", lang)
        if self.factor == "experts":
            k = len(self.levels)
            return gettext("{n} resamples of each item's panel", lang).format(n=k)
        return pgettext("enumeration", ", ", lang).join(level_label(v, lang) for v in self.levels)


def sensitivity_indices(
    model: RobustnessModel, a: Draws, b: Draws, nominal_ranks: np.ndarray
) -> list[FactorSensitivity]:
    """Saltelli design on ranks: A, B and, per varying factor i, A with factor i from B.

    The output is either every unit's rank (indices of the summed rank variance, the
    default) or COINr's scalar, the mean |rank - nominal rank| over units
    (``sensitivity_output = "mean_rank_change"``). Bootstrap intervals resample the N base
    rows (A, B and every A_B^(i) together) with replacement and recompute each index.
    """
    o = model.options
    factors = o.varying()
    size, n = len(a), len(model.data)
    design = Draws.concatenate([a, b, *(a.with_factor(f, b) for f in factors)])
    ranks = model.ranks(design, np.int16 if n + 1 < np.iinfo(np.int16).max else np.int32)
    ranks[ranks == 0] = n + 1  # a unit without a total counts as behind everyone
    rng = np.random.default_rng(np.random.SeedSequence(o.seed).spawn(5)[4])
    counts = rng.multinomial(size, np.full(size, 1.0 / size), o.bootstrap).astype(float)
    if o.sensitivity_output == "mean_rank_change":
        nominal = np.where(nominal_ranks > 0, nominal_ranks, n + 1).astype(float)
        y = np.abs(ranks - nominal).mean(axis=1)
        variance, terms, boot = _scalar_terms(y, size, len(factors), counts)
        for i in range(len(factors)):
            block = ranks[(2 + i) * size : (3 + i) * size].astype(np.int64)
            terms[i, 2] = float(np.abs(block - ranks[:size]).sum())
    else:
        variance, terms, boot = _variance_terms(ranks, size, len(factors), counts)
    result = []
    for i, factor in enumerate(factors):
        first, total, shift = terms[i]
        first_ci = total_ci = None
        if o.bootstrap and variance > 0:
            with np.errstate(invalid="ignore", divide="ignore"):
                si, st = boot[1][:, i] / boot[0], boot[2][:, i] / boot[0]
            first_ci = tuple(float(q) for q in np.nanquantile(si, (0.05, 0.95)))
            total_ci = tuple(float(q) for q in np.nanquantile(st, (0.05, 0.95)))
        result.append(
            FactorSensitivity(
                factor=factor,
                levels=("±",) if factor == "weights" else o.levels(factor),
                first_order=first / variance if variance > 0 else None,
                total=total / variance if variance > 0 else None,
                mean_rank_shift=shift / (size * n),
                first_order_ci=first_ci,  # type: ignore[arg-type]
                total_ci=total_ci,  # type: ignore[arg-type]
            )
        )
    return result


def _variance_terms(
    ranks: np.ndarray, size: int, factors: int, counts: np.ndarray
) -> tuple[float, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Summed over units: Var(Y) over A and B, and per factor V_i (Saltelli 2010),
    V_Ti (Jansen 1999) and the summed |f(AB_i) - f(A)|. Units in blocks, to bound memory.

    ``counts`` (resamples x N) weighs the base rows of each bootstrap resample; returned
    alongside: the resampled Var(Y), V_i and V_Ti (resamples, and resamples x factors)."""
    variance = 0.0
    terms = np.zeros((factors, 3))
    boots = len(counts)
    b_square = np.zeros(boots)  # sum over units of the resampled mean of f^2
    b_mean2 = np.zeros(boots)  # sum over units of the resampled mean's square
    b_first = np.zeros((boots, factors))
    b_total = np.zeros((boots, factors))
    for start in range(0, ranks.shape[1], UNITS_PER_BLOCK):
        cols = slice(start, start + UNITS_PER_BLOCK)
        fa = ranks[:size, cols].astype(float)
        fb = ranks[size : 2 * size, cols].astype(float)
        both = np.concatenate([fa, fb])
        variance += float(((both - both.mean(axis=0)) ** 2).mean(axis=0).sum())
        if boots:
            b_square += counts @ (fa**2 + fb**2).sum(axis=1) / (2 * size)
            b_mean2 += ((counts @ (fa + fb) / (2 * size)) ** 2).sum(axis=1)
        for i in range(factors):
            diff = ranks[(2 + i) * size : (3 + i) * size, cols].astype(float) - fa
            row_first = (fb * diff).sum(axis=1)
            row_total = (0.5 * diff**2).sum(axis=1)
            terms[i] += (row_first.mean(), row_total.mean(), float(np.abs(diff).sum()))
            if boots:
                b_first[:, i] += counts @ row_first / size
                b_total[:, i] += counts @ row_total / size
    return variance, terms, (b_square - b_mean2, b_first, b_total)


def _scalar_terms(
    y: np.ndarray, size: int, factors: int, counts: np.ndarray
) -> tuple[float, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """COINr's ``SA_estimate`` on a scalar output y (A, B, then each A_B^(i)): Var(Y) the
    sample variance over A and B, S_i = mean(y_B (y_ABi - y_A)) / Var(Y), S_Ti =
    sum((y_A - y_ABi)^2) / (2 N Var(Y)); the mean |y_ABi - y_A| in place of the rank shift
    (times units, as the caller divides by them)."""
    ya, yb = y[:size], y[size : 2 * size]
    both = np.concatenate([ya, yb])
    variance = float(both.var(ddof=1))
    terms = np.zeros((factors, 3))
    boots = len(counts)
    b_first = np.zeros((boots, factors))
    b_total = np.zeros((boots, factors))
    for i in range(factors):
        diff = y[(2 + i) * size : (3 + i) * size] - ya
        terms[i] = (float((yb * diff).mean()), float((diff**2).sum() / (2 * size)), 0.0)
        if boots:
            b_first[:, i] = counts @ (yb * diff) / size
            b_total[:, i] = counts @ (diff**2) / (2 * size)
    if boots:
        m1 = counts @ (ya + yb) / (2 * size)
        m2 = counts @ (ya**2 + yb**2) / (2 * size)
        b_var = (m2 - m1**2) * (2 * size) / (2 * size - 1)
    else:
        b_var = np.zeros(0)
    return variance, terms, (b_var, b_first, b_total)
