"""Composite-indicator options a scheme may declare (the JRC/OECD handbook's steps 4-6):
imputation of missing values, outlier treatment before normalisation, and geometric
aggregation.

None of them is part of the notice's method (财社〔2012〕17号): the ``mof-2012`` scheme uses
none by default. They exist so that a scheme can follow the handbook, or COINr, and so that
the robustness analysis can vary them. Formulas and worked examples: ``docs/schemes.md``
and ``docs/robustness.md``.

All functions are pure numpy and work column by column on ``(units x indicators)`` arrays
(NaN = no value), so the robustness analysis treats every indicator at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

IMPUTATIONS = ("none", "group_mean", "group_median")
TREATMENTS = ("none", "winsorise", "log")
AGGREGATIONS = ("arithmetic", "geometric")


# --- imputation ------------------------------------------------------------------------------


def impute(values: np.ndarray, groups: Sequence[object] | None, method: str) -> np.ndarray:
    """Missing values (NaN) replaced by the mean or median of the same group's values.

    ``groups`` gives each unit's group (e.g. its GDP-per-capita class); None puts every unit
    in one group. A group with no value at all leaves its gaps as they are. Works on each
    column of a ``(units x indicators)`` array.

    Examples
    --------
    >>> x = np.array([[1.0], [3.0], [np.nan], [10.0], [np.nan]])
    >>> impute(x, ["a", "a", "a", "b", "b"], "group_mean")[:, 0].tolist()
    [1.0, 3.0, 2.0, 10.0, 10.0]
    >>> impute(x, None, "group_median")[:, 0].tolist()
    [1.0, 3.0, 3.0, 10.0, 3.0]
    """
    out = np.array(values, dtype=float, copy=True)
    if method == "none" or not np.isnan(out).any():
        return out
    if method not in IMPUTATIONS:
        raise ValueError(method)
    labels = [None] * len(out) if groups is None else list(groups)
    stat = np.nanmean if method == "group_mean" else np.nanmedian
    column = out.ndim == 1
    matrix = out[:, None] if column else out
    for label in dict.fromkeys(labels):
        rows = np.array([g == label for g in labels])
        block = matrix[rows]
        gaps = np.isnan(block)
        if not gaps.any():
            continue
        has = (~gaps).any(axis=0)
        fill = np.full(block.shape[1], np.nan)
        with np.errstate(all="ignore"):
            fill[has] = stat(block[:, has], axis=0)
        matrix[rows] = np.where(gaps, fill[None, :], block)
    return out


# --- outlier treatment ---------------------------------------------------------------------


def skewness(x: np.ndarray) -> np.ndarray:
    """Sample skewness of each column over its non-NaN values (as e1071's type 2, which COINr
    uses): ``sqrt(n) * S3 / S2**1.5 * sqrt(n (n - 1)) / (n - 2)``; NaN below 3 values.

    Examples
    --------
    >>> round(float(skewness(np.array([[1.0], [2.0], [3.0], [10.0]]))[0]), 6)
    1.763633
    """
    x = np.atleast_2d(np.asarray(x, dtype=float).T).T
    n, d = _deviations(x)
    with np.errstate(all="ignore"):
        d2 = d * d
        s2 = d2.sum(axis=0)
        s3 = (d2 * d).sum(axis=0)
        y = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
    return np.where(n >= 3, y, np.nan)


def kurtosis(x: np.ndarray) -> np.ndarray:
    """Sample excess kurtosis of each column (e1071's type 2, as COINr):
    ``((n + 1)(r - 3) + 6)(n - 1) / ((n - 2)(n - 3))`` with ``r = n S4 / S2**2``; NaN below
    4 values."""
    x = np.atleast_2d(np.asarray(x, dtype=float).T).T
    n, d = _deviations(x)
    with np.errstate(all="ignore"):
        d2 = d * d
        s2 = d2.sum(axis=0)
        r = n * (d2 * d2).sum(axis=0) / s2**2
        y = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return np.where(n >= 4, y, np.nan)


def _deviations(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column: the count of values, and the deviations from the mean (0 where NaN)."""
    missing = np.isnan(x)
    if not missing.any():  # the usual case: plain sums, no NaN-aware copies
        return np.full(x.shape[1], float(len(x))), x - x.mean(axis=0)
    n = (~missing).sum(axis=0).astype(float)
    with np.errstate(all="ignore"):
        d = x - np.nansum(x, axis=0) / n
    return n, np.where(missing, 0.0, d)


def passes(x: np.ndarray, skew_max: float = 2.0, kurtosis_max: float = 3.5) -> np.ndarray:
    """Columns whose distribution needs no treatment: |skewness| < skew_max or kurtosis <
    kurtosis_max (COINr's ``check_SkewKurt``). A column too short to measure passes."""
    s, k = skewness(x), kurtosis(x)
    with np.errstate(invalid="ignore"):
        ok = (np.abs(s) < skew_max) | (k < kurtosis_max)
    passed: np.ndarray = ok | np.isnan(s) | np.isnan(k)
    return passed


def log_transform(x: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT``: ``log(x - min + 0.01 (max - min))`` per column (order kept).

    Examples
    --------
    >>> np.round(log_transform(np.array([[0.0], [1.0], [100.0]]))[:, 0], 4).tolist()
    [0.0, 0.6931, 4.6151]
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        logged: np.ndarray = np.log(x - lo + 0.01 * (hi - lo))
        return logged


def winsorise_steps(
    x: np.ndarray, limit: int, skew_max: float = 2.0, kurtosis_max: float = 3.5
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """COINr's winsorisation, one step at a time, for every column at once.

    A failing column (see :func:`passes`) has its most extreme value(s) — the highest when the
    skew is ≥ 0, else the lowest — replaced by the next value inside, until it passes or
    ``limit`` points are winsorised. Returns, per step s = 0, 1, ...: the values, the number of
    winsorised points, and which columns pass. The treatment at any limit ≤ ``limit`` is read
    off these steps (:func:`treat`), which is how the robustness analysis varies the limit.
    """
    x = np.array(x, dtype=float, copy=True)
    k = x.shape[1]
    ok = passes(x, skew_max, kurtosis_max)
    hi_mask = np.zeros(x.shape, dtype=bool)  # COINr's imax / imin: the points last moved
    lo_mask = np.zeros(x.shape, dtype=bool)
    count = np.zeros(k, dtype=np.int64)
    steps = [(x.copy(), count.copy(), ok.copy())]
    active = ~ok
    while active.any():
        cols = np.flatnonzero(active)
        sub = x[:, cols]
        high = skewness(sub) >= 0
        with np.errstate(invalid="ignore"):
            top = np.nanmax(sub, axis=0)
            bottom = np.nanmin(sub, axis=0)
            at_top, at_bottom = sub == top, sub == bottom
            inner_top = np.nanmax(np.where(at_top, np.nan, sub), axis=0)
            inner_bottom = np.nanmin(np.where(at_bottom, np.nan, sub), axis=0)
        moved = np.where(high, at_top, at_bottom)
        sub = np.where(moved, np.where(high, inner_top, inner_bottom), sub)
        x[:, cols] = sub
        hi_mask[:, cols] = np.where(high, at_top, hi_mask[:, cols])
        lo_mask[:, cols] = np.where(high, lo_mask[:, cols], at_bottom)
        count[cols] = hi_mask[:, cols].sum(axis=0) + lo_mask[:, cols].sum(axis=0)
        ok[cols] = passes(sub, skew_max, kurtosis_max)
        steps.append((x.copy(), count.copy(), ok.copy()))
        active = ~ok & (count < limit)
    return steps


def treat(
    values: np.ndarray,
    method: str,
    limit: int = 5,
    skew_max: float = 2.0,
    kurtosis_max: float = 3.5,
    columns: np.ndarray | None = None,
) -> np.ndarray:
    """Outlier treatment of each column before normalisation.

    * ``"winsorise"`` — COINr's default ``Treat``: a column failing the skew/kurtosis test is
      winsorised (at most ``limit`` points); if it still fails, its original values are
      log-transformed instead (:func:`log_transform`).
    * ``"log"`` — a failing column is log-transformed.
    * ``"none"`` — unchanged.

    ``columns`` (bool per column) limits the treatment to some indicators (the comparative
    ones: expert scores and target completion are never treated).

    Examples
    --------
    >>> x = np.array([[1.0], [2.0], [3.0], [2.0], [1.0], [2.0], [3.0], [50.0]])
    >>> treat(x, "winsorise", limit=1)[:, 0].tolist()
    [1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0, 3.0]
    """
    x = np.asarray(values, dtype=float)
    if method == "none" or x.size == 0:
        return x.copy()
    if method not in TREATMENTS:
        raise ValueError(method)
    chosen = np.ones(x.shape[1], dtype=bool) if columns is None else np.asarray(columns)
    out = x.copy()
    if method == "log":
        failing = ~passes(x, skew_max, kurtosis_max) & chosen
        out[:, failing] = log_transform(x[:, failing])
        return out
    for limit_result in treat_limits(x[:, chosen], (limit,), skew_max, kurtosis_max):
        out[:, chosen] = limit_result
    return out


def treat_limits(
    x: np.ndarray, limits: Sequence[int], skew_max: float = 2.0, kurtosis_max: float = 3.5
) -> list[np.ndarray]:
    """COINr's two-step treatment for several winsorisation limits in one pass: the steps
    up to the largest limit are the same for every smaller one."""
    steps = winsorise_steps(x, max(limits), skew_max, kurtosis_max)
    logged = log_transform(x)
    results = []
    for limit in limits:
        out = np.empty_like(x)
        done = np.zeros(x.shape[1], dtype=bool)
        for values, count, ok in steps:
            stop = ~done & (ok | (count >= limit))
            out[:, stop] = np.where(ok[stop], values[:, stop], logged[:, stop])
            done |= stop
        last_values, _, last_ok = steps[-1]
        rest = ~done
        out[:, rest] = np.where(last_ok[rest], last_values[:, rest], logged[:, rest])
        results.append(out)
    return results


# --- aggregation ----------------------------------------------------------------------------


def weighted_geometric_mean(scores: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Weighted geometric mean of children over those present (not NaN), weights
    renormalised: ``exp(Σ w log x / Σ w)``. A child at or below 0 has no logarithm: the result
    is NaN there, and the evaluation reports it (choose a normalisation onto positive scores,
    such as min-max onto 1-100).

    Examples
    --------
    >>> g = weighted_geometric_mean([np.array([90.0, 40.0]), np.array([40.0, np.nan])], [1, 1])
    >>> np.round(g, 6).tolist()
    [60.0, 40.0]
    """
    stacked = np.stack(scores, axis=-1)
    w = np.asarray(weights, dtype=float)
    present = ~np.isnan(stacked)
    with np.errstate(all="ignore"):
        logs = np.where(stacked > 0, np.log(np.where(stacked > 0, stacked, 1.0)), np.nan)
        logs = np.where(present, logs, 0.0)
        num = (logs * w).sum(axis=-1)
        den = np.where(present, w, 0.0).sum(axis=-1)
        return np.where(den > 0, np.exp(num / np.where(den > 0, den, 1.0)), np.nan)


def nonpositive(scores: Sequence[np.ndarray]) -> np.ndarray:
    """Units (leading axes) with a present child score at or below 0."""
    stacked = np.stack(scores, axis=-1)
    with np.errstate(invalid="ignore"):
        return np.asarray((stacked <= 0).any(axis=-1))
