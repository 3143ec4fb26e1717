"""Normalisations: how an indicator's values become 100-point scores.

Each normalisation is a small pure function registered under its scheme name. It receives
the indicator's values for all units (NaN where not applicable) and the indicator's direction
(``ctx.direction``: is a higher or a lower value better?), and returns scores plus the statistics that explain them. Adding one is local: write
the function, decorate it with ``@normalisation("name", params=...)``, document it in
``docs/schemes.md``.

All functions accept 1-D arrays (units) or 2-D arrays (replicates x units, for the
robustness analysis); statistics are taken along the last axis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaoping.scoring.i18n import gettext_noop, gettext_pair

SD_EPSILON = 1e-12  # sd below this (relative to the mean's size) counts as 0: float noise


@dataclass(frozen=True)
class Normalised:
    """Scores of one indicator, and what explains them.

    ``z`` is the standardised value where the method has one (z-score), else None.
    ``stats`` holds per-indicator numbers (mean, sd, min, max, floor, target, ...), each a
    float (1-D input) or an array over replicates (2-D input).
    """

    scores: np.ndarray
    z: np.ndarray | None = None
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """Scheme-level settings a normalisation may use."""

    base: float = 80.0
    scale: float = 10.0
    floor: float = 0.0
    cap: float = 100.0
    sd: str = "population"
    direction: str = "higher"
    columns: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def sign(self) -> float:
        return -1.0 if self.direction == "lower" else 1.0


NormaliseFn = Callable[[np.ndarray, Mapping[str, Any], Context], Normalised]
NORMALISATIONS: dict[str, NormaliseFn] = {}
PARAMS: dict[str, dict[str, str]] = {}
REQUIRED: dict[str, tuple[str, ...]] = {}


def normalisation(
    name: str, params: Mapping[str, str] | None = None, required: tuple[str, ...] = ()
) -> Callable[[NormaliseFn], NormaliseFn]:
    """Register a normalisation under ``name``; ``params`` maps parameter names to kinds
    ("number", "positive", "field", "number_or_field") for validation of scheme files, and
    ``required`` names the parameters a scheme must give."""

    def register(fn: NormaliseFn) -> NormaliseFn:
        NORMALISATIONS[name] = fn
        PARAMS[name] = dict(params or {})
        REQUIRED[name] = tuple(required)
        return fn

    return register


def validate_params(name: str, params: Mapping[str, Any], field_keys: list[str]) -> list[Any]:
    """Problems with an indicator's normalisation parameters, as (zh, en) reasons."""
    allowed = PARAMS.get(name, {})
    problems: list[Any] = []
    for key in REQUIRED.get(name, ()):
        if key not in params:
            problems.append(
                gettext_pair(
                    gettext_noop("“{name}” needs the parameter “{key}”"), name=name, key=key
                )
            )
    for key, value in params.items():
        kind = allowed.get(key)
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind is None:
            problems.append(
                gettext_pair(gettext_noop("“{name}” has no parameter “{key}”"), name=name, key=key)
            )
        elif kind in ("number", "positive") and not is_number:
            problems.append(
                gettext_pair(gettext_noop("the parameter “{key}” should be a number"), key=key)
            )
        elif kind == "positive" and not value > 0:
            problems.append(
                gettext_pair(gettext_noop("the parameter “{key}” should be above 0"), key=key)
            )
        elif kind == "field" and value not in field_keys:
            problems.append(
                gettext_pair(gettext_noop("“{key}”: no field “{value}”"), key=key, value=value)
            )
        elif kind == "number_or_field" and not (
            (isinstance(value, (int, float)) and not isinstance(value, bool)) or value in field_keys
        ):
            problems.append(
                gettext_pair(gettext_noop("“{key}” should be a number or a field"), key=key)
            )
    return problems


def normalise(
    name: str, x: np.ndarray, params: Mapping[str, Any] | None = None, ctx: Context | None = None
) -> Normalised:
    """Apply the registered normalisation ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`NORMALISATIONS`.
    x : ndarray
        The indicator's values; NaN where not applicable.

    Examples
    --------
    >>> out = normalise("zscore", np.array([1.0, 2.0, 3.0]))
    >>> np.round(out.z, 4).tolist(), np.round(out.scores, 4).tolist()
    ([-1.2247, 0.0, 1.2247], [67.7526, 80.0, 92.2474])
    """
    return NORMALISATIONS[name](np.asarray(x, dtype=float), params or {}, ctx or Context())


def clamp(scores: np.ndarray, ctx: Context) -> np.ndarray:
    return np.asarray(np.clip(scores, ctx.floor, ctx.cap))


def _nan_stat(
    fn: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray], x: np.ndarray
) -> np.ndarray | float:
    """nan-aware statistic along the last axis that returns NaN (no warning) when empty."""
    with np.errstate(all="ignore"):
        mask = ~np.isnan(x)
        count = mask.sum(axis=-1)
        filled = np.where(mask, x, 0.0)
        result = fn(filled, mask, count)
    return float(result) if np.ndim(result) == 0 else result


def mean_and_sd(x: np.ndarray, sd: str = "population") -> tuple[Any, Any, Any]:
    """Mean, standard deviation and count over the non-NaN values along the last axis.

    ``sd`` is "population" (divide by n, the default) or "sample" (divide by n - 1).

    Examples
    --------
    >>> mean_and_sd(np.array([1.0, 3.0, np.nan]))
    (2.0, 1.0, 2)
    """
    ddof = 1 if sd == "sample" else 0
    mask = ~np.isnan(x)
    n = mask.sum(axis=-1)
    with np.errstate(all="ignore"):
        filled = np.where(mask, x, 0.0)
        mean = filled.sum(axis=-1) / n
        dev = np.where(mask, x - np.expand_dims(mean, -1), 0.0)
        var = (dev**2).sum(axis=-1) / (n - ddof)
        sdev = np.sqrt(var)
    if np.ndim(mean) == 0:
        return float(mean), float(sdev), int(n)
    return mean, sdev, n


@normalisation("zscore")
def zscore(x: np.ndarray, params: Mapping[str, Any], ctx: Context) -> Normalised:
    """The notice's standardisation: z = (x - mean) / sd; score = base + scale * z.

    The mean and sd are taken over the applicable units only. When every applicable value is
    the same (sd is 0 up to floating-point noise), every z is 0.
    """
    mean, sdev, n = mean_and_sd(x, ctx.sd)
    mean_b = np.expand_dims(mean, -1)
    sd_b = np.expand_dims(sdev, -1)
    degenerate = ~(sd_b > SD_EPSILON * np.maximum(1.0, np.abs(mean_b)))
    with np.errstate(all="ignore"):
        z = np.where(degenerate, 0.0, (x - mean_b) / np.where(degenerate, 1.0, sd_b))
    z = np.where(np.isnan(x), np.nan, z)
    # A lower-is-better indicator scores its z mirrored; z itself stays as the notice defines.
    scores = clamp(ctx.base + ctx.scale * ctx.sign * z, ctx)
    # Report the sd that was used: 0 where it was float noise (or undefined, as the sample sd
    # of one value), so that statistics, warnings and explanations agree with z = 0.
    sd_array = np.where(np.squeeze(degenerate, -1) & (np.asarray(n) > 0), 0.0, sdev)
    used_sd = float(sd_array) if np.ndim(sd_array) == 0 else sd_array
    return Normalised(scores=scores, z=z, stats={"mean": mean, "sd": used_sd, "n": n})


@normalisation("minmax", params={"low": "number", "high": "number"})
def minmax(x: np.ndarray, params: Mapping[str, Any], ctx: Context) -> Normalised:
    """Min-max onto [low, high] (default [0, 100]): the best unit gets ``high``.

    When every applicable value is the same, every unit gets the middle of the range.
    """
    low = float(params.get("low", 0.0))
    high = float(params.get("high", 100.0))
    lo = np.expand_dims(np.nanmin(np.where(np.isnan(x), np.inf, x), axis=-1), -1)
    hi = np.expand_dims(np.nanmax(np.where(np.isnan(x), -np.inf, x), axis=-1), -1)
    span = hi - lo
    degenerate = ~(span > SD_EPSILON * np.maximum(1.0, np.abs(hi)))
    with np.errstate(all="ignore"):
        share = np.where(degenerate, 0.5, (x - lo) / np.where(degenerate, 1.0, span))
    if ctx.direction == "lower":
        share = 1.0 - share
    scores = np.where(np.isnan(x), np.nan, clamp(low + (high - low) * share, ctx))
    return Normalised(scores=scores, stats={"min": _finite(lo), "max": _finite(hi)})


@normalisation("efficacy", params={"floor": "number", "target": "number"})
def efficacy(x: np.ndarray, params: Mapping[str, Any], ctx: Context) -> Normalised:
    """Efficacy coefficient (功效系数法): 60 + 40 * (x - floor) / (target - floor).

    ``floor`` is the 不允许值 (the worst value still scored 60) and ``target`` the 满意值
    (scored 100), both as plain values of the indicator: for a lower-is-better indicator the
    floor is the larger number. When not given, the worst and best observed values are used.
    When floor and target coincide every unit scores 100. Clamped to [floor, cap] of the
    scheme (0 to 100 by default).
    """
    observed_lo = np.nanmin(np.where(np.isnan(x), np.inf, x), axis=-1)
    observed_hi = np.nanmax(np.where(np.isnan(x), -np.inf, x), axis=-1)
    if ctx.direction == "lower":
        observed_lo, observed_hi = observed_hi, observed_lo
    floor_v = np.asarray(params.get("floor", observed_lo), dtype=float)
    target_v = np.asarray(params.get("target", observed_hi), dtype=float)
    f = np.expand_dims(floor_v, -1) if floor_v.ndim else floor_v
    t = np.expand_dims(target_v, -1) if target_v.ndim else target_v
    span = t - f
    degenerate = ~(np.abs(span) > SD_EPSILON)
    with np.errstate(all="ignore"):
        share = np.where(degenerate, 1.0, (x - f) / np.where(degenerate, 1.0, span))
    scores = np.where(np.isnan(x), np.nan, clamp(60.0 + 40.0 * share, ctx))
    return Normalised(scores=scores, stats={"floor": _finite(floor_v), "target": _finite(target_v)})


@normalisation(
    "target", params={"target": "number_or_field", "cap_ratio": "positive"}, required=("target",)
)
def target(x: np.ndarray, params: Mapping[str, Any], ctx: Context) -> Normalised:
    """Completion against a target: score = 100 * min(actual / target, cap_ratio).

    ``target`` is a number or the key of a base-data field holding each unit's own target
    (e.g. the new-jobs target of its responsibility letter). ``cap_ratio`` defaults to 1:
    over-fulfilment earns no more than full marks. A missing or non-positive target makes
    the indicator not applicable for that unit. For a lower-is-better indicator the ratio
    is target / actual, and an actual of 0 earns ``cap_ratio``.
    """
    goal = params.get("target")
    if isinstance(goal, str):
        goal_v = np.asarray(ctx.columns[goal], dtype=float)
    else:
        goal_v = np.full(np.shape(x)[-1], float(goal if goal is not None else np.nan))
    cap_ratio = float(params.get("cap_ratio", 1.0))
    valid = goal_v > 0
    with np.errstate(all="ignore"):
        if ctx.direction == "lower":
            # Nothing at all (0 accidents, 0 complaints) is as good as it gets: full ratio.
            best = np.where(x > 0, goal_v / np.where(x > 0, x, 1.0), cap_ratio)
            ratio = np.where(valid & ~np.isnan(x), best, np.nan)
        else:
            ratio = np.where(valid, x / np.where(valid, goal_v, 1.0), np.nan)
    ratio = np.minimum(ratio, cap_ratio)
    scores = clamp(100.0 * ratio, ctx)
    scores = np.where(np.isnan(ratio), np.nan, scores)
    return Normalised(scores=scores, stats={"cap_ratio": cap_ratio, "targets": goal_v})


@normalisation("direct", params={"max": "positive"})
def direct(x: np.ndarray, params: Mapping[str, Any], ctx: Context) -> Normalised:
    """The value is already a score (e.g. an expert score): rescaled from [0, max] to
    [0, 100] when ``max`` is given, then clamped."""
    top = float(params.get("max", 100.0))
    scores = np.where(np.isnan(x), np.nan, clamp(x * (100.0 / top), ctx))
    return Normalised(scores=scores, stats={"max": top})


def _finite(v: Any) -> Any:
    """A statistic with the infinities of an all-empty column shown as NaN (no value)."""
    arr = np.asarray(v, dtype=float)
    return _squeeze(np.where(np.isfinite(arr), arr, np.nan))


def _squeeze(v: Any) -> Any:
    arr = np.asarray(v)
    arr = arr.reshape(arr.shape[:-1]) if arr.ndim and arr.shape[-1] == 1 else arr
    return float(arr) if arr.ndim == 0 else arr
