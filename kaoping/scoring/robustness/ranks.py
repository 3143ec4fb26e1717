"""Competition ranks of many replicates at once, and the rank histogram's counts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

HISTOGRAM_BLOCK = 1 << 17  # histogram cells counted at a time (1 MB of int64)


def sorted_ranks(
    totals: np.ndarray, decimals: int = 6, labels: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's units by descending total, and the competition rank at each position.

    Exactly :func:`kaoping.scoring.competition_ranks` (totals compared after rounding to
    ``decimals`` places; equal totals share a rank; NaN gets rank 0, last), vectorised: the
    rounded total and the unit's label are packed into one integer per cell, so one sort per
    row both orders the units and remembers who is where.

    Parameters
    ----------
    totals : ndarray (rows x units)
    decimals : int
    labels : ndarray of int (units,), optional
        What to call each column in ``order`` (default: its position).

    Returns
    -------
    order : ndarray of int (rows x units)
        Labels of the units from best to worst.
    ranks : ndarray of int32 (rows x units)
        Rank of the unit at each sorted position.

    Examples
    --------
    >>> order, ranks = sorted_ranks(np.array([[85.0, 90.0, 85.0, np.nan]]))
    >>> order.tolist(), ranks.tolist()
    ([[1, 0, 2, 3]], [[1, 2, 2, 0]])
    """
    totals = np.atleast_2d(np.asarray(totals, dtype=float))
    n = totals.shape[1]
    labels = np.arange(n) if labels is None else np.asarray(labels)
    with np.errstate(invalid="ignore", over="ignore"):
        # The same integers np.round(totals, decimals) compares: rint(totals * 10**decimals).
        keys = totals * -(10.0**decimals) if decimals >= 0 else -np.round(totals, decimals)
    np.rint(keys, out=keys)
    none: float  # the sort key of a missing total (an int when packed)
    has_nan = bool(np.isnan(np.min(keys)))
    low, high = np.fmin.reduce(keys, axis=None), np.fmax.reduce(keys, axis=None)
    if math.isnan(low):
        low = high = 0.0
    span = high - low + 1
    bits = max(1, int(labels.max(initial=0)).bit_length())
    if decimals >= 0 and span < 2.0 ** (62 - bits) and max(abs(low), abs(high)) < 2.0**52:
        keys -= low
        if has_nan:
            keys[np.isnan(keys)] = span
        packed = keys.astype(np.int64)
        packed <<= bits
        packed |= labels.astype(np.int64)
        packed.sort(axis=1)
        order = packed & ((1 << bits) - 1)
        packed >>= bits
        sorted_keys, none = packed, int(span)
    else:  # totals too large to pack: a stable argsort, slower but the same ranks
        keys[np.isnan(keys)] = np.inf
        positions = np.argsort(keys, axis=1, kind="stable")
        order = labels[positions]
        sorted_keys, none = np.take_along_axis(keys, positions, axis=1), np.inf
    ranks = _ranks_of_sorted(sorted_keys)
    if has_nan:
        ranks[sorted_keys == none] = 0
    return order, ranks


def _ranks_of_sorted(sorted_keys: np.ndarray) -> np.ndarray:
    """Competition ranks along sorted rows: a run of equal keys takes the run's first place.

    Ties are rare, so they are fixed where they are: each tied position copies the rank
    before it, repeated until runs of three or more have settled.
    """
    m, n = sorted_keys.shape
    ranks = np.empty((m, n), dtype=np.int32)
    ranks[:] = np.arange(1, n + 1, dtype=np.int32)
    equal = sorted_keys[:, 1:] == sorted_keys[:, :-1]
    if equal.any():
        rows, cols = np.nonzero(equal)
        flat = ranks.reshape(-1)
        tied = rows * n + cols + 1
        while True:
            before = flat[tied - 1]
            if np.array_equal(before, flat[tied]):
                break
            flat[tied] = before
    return ranks


def rank_matrix(totals: np.ndarray, decimals: int = 6) -> np.ndarray:
    """Competition ranks of each row, aligned with the columns (vectorised ranking).

    Examples
    --------
    >>> rank_matrix(np.array([[90.0, 85.0, 85.0, 70.0, np.nan], [1.0, 2.0, 3.0, 4.0, 5.0]]))
    array([[1, 2, 2, 4, 0],
           [5, 4, 3, 2, 1]], dtype=int32)
    """
    order, ranks = sorted_ranks(totals, decimals)
    aligned = np.empty_like(ranks)
    np.put_along_axis(aligned, order, ranks, axis=1)
    return aligned


def count_sorted_ranks(by_rank: np.ndarray, units: np.ndarray, ranks: np.ndarray) -> None:
    """Add the (rank, unit) pairs of sorted rows to ``by_rank`` (ranks+2 x units; rank 0,
    unranked, is counted in the last row), a block of sorted positions at a time."""
    n = by_rank.shape[1]
    block = max(1, HISTOGRAM_BLOCK // n)
    for start in range(0, units.shape[1], block):
        cells = ranks[:, start : start + block].astype(np.int64)
        if cells.size == 0:
            continue
        cells[cells == 0] = n + 1
        low, high = int(cells.min()), int(cells.max())
        cells -= low
        cells *= n
        cells += units[:, start : start + block]
        counts = np.bincount(cells.reshape(-1), minlength=(high - low + 1) * n)
        by_rank[low : high + 1] += counts.reshape(-1, n)


def histogram_quantiles(counts: np.ndarray, qs: Sequence[float]) -> list[np.ndarray]:
    """The q-quantiles of each unit's ranks, from counts (ranks x units): the smallest rank
    r with count(rank <= r) >= q * total, as numpy's ``method="inverted_cdf"``; NaN if the
    unit was never ranked."""
    cumulative = np.cumsum(counts, axis=0)
    total = cumulative[-1]
    result = []
    for q in qs:
        position = np.argmax(cumulative >= q * total, axis=0) + 1
        result.append(np.where(total > 0, position, np.nan).astype(float))
    return result
