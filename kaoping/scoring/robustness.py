"""Ranking robustness (排名稳健性): how much ranks and award tiers depend on choices that a
scheme could reasonably have made otherwise.

A Monte Carlo over the uncertain choices of a scheme (method and formulas:
``docs/robustness.md``):

* **weights** — every weight multiplied by ``1 + spread * U(-1, 1)`` and renormalised among
  its siblings; draws breaking the scheme's weight constraints (e.g. ``C + D > 50``) are
  redrawn;
* **normalisation** — every comparative indicator (z-score, min-max, efficacy) normalised by
  one of the alternatives;
* **sd** — population or sample standard deviation in the z-score;
* **not_applicable** — a not-applicable indicator left out with its siblings' weights
  renormalised, counted as 0, or as the mean score;
* **imputation**, **treatment**, **aggregation** — the composite-indicator options of
  :mod:`kaoping.scoring.composite` (group-mean / median imputation, COINr's winsorisation
  with its limit, log transform, arithmetic or geometric means);
* **experts** — each item's experts resampled; **bonus** — bonus points counted or not.

Per unit it reports the median rank, the 5–95% rank interval and the probability of each
award tier (the scheme's award rules, grade bands or rank quotas); per choice,
variance-based sensitivity indices (first-order and total, Saltelli 2010 / Jansen 1999
estimators, summed over units, or on COINr's mean absolute rank change) with bootstrap
intervals.

Why it is fast: the indicator values never change across replicates (but for the expert
resample), and the discrete choices have few combinations, so the (units x indicators) score
matrix of each combination is computed once by the evaluation's own steps
(:func:`kaoping.scoring.evaluation.score_values`). A replicate then only needs its
weights: units sharing a pattern of applicable indicators share effective indicator weights,
so the totals of a batch of replicates are one matrix product per pattern, and ranks come from
one packed integer sort per row. Nothing loops over units or, in Python, over replicates.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from kaoping.scoring import composite
from kaoping.scoring.assessment import Assessment, AssessmentResult, assess
from kaoping.scoring.awards import AwardRules, award_rules, static_eligibility
from kaoping.scoring.composite import AGGREGATIONS, IMPUTATIONS
from kaoping.scoring.data import BaseData, UnitRef
from kaoping.scoring.evaluation import (
    COMPARATIVE,
    EvaluationResult,
    comparative_columns,
    competition_ranks,
    evaluate,
    prepare_columns,
    prepare_values,
    score_values,
)
from kaoping.scoring.experts import (
    ExpertScore,
    aggregate_experts,
    aggregate_values,
    expert_rules,
    scoring_items,
)
from kaoping.scoring.formulas import FormulaError, parse_condition
from kaoping.scoring.messages import KaopingError, Problem
from kaoping.scoring.schemes import NA_POLICIES, SD_KINDS, GroupSpec, Scheme, scheme_from_dict

# The special normalisation level "as the scheme publishes it" (each indicator its own).
AS_PUBLISHED = "scheme"
FACTORS = (
    "weights",
    "normalisation",
    "sd",
    "not_applicable",
    "imputation",
    "treatment",
    "aggregation",
    "experts",
    "bonus",
)
# "uniform": each unit's entered points counted at a fraction drawn uniformly from 0 to 1,
# each unit and replicate independently (from none of them to all of them).
BONUS_LEVELS = ("on", "off", "uniform")
# What a set of draws holds per replicate: every factor, and the uniform bonus's fractions.
FIELDS = (*FACTORS, "bonus_share")
# The discrete factors (every factor but the weights), in the order of their index columns.
DISCRETE = FACTORS[1:]
OPTION_NAMES = {
    "normalisation": "--normalisations",
    "sd": "--sd",
    "not_applicable": "--na",
    "imputation": "--imputations",
    "treatment": "--treatments",
    "aggregation": "--aggregations",
}
# Treatment levels: "none", "log", "winsorise:N" (at most N points winsorised, then log).
TREATMENT_LEVELS = ("none", "log", "winsorise:N")
BOOTSTRAP_LEVEL = 0.90  # the bootstrap confidence interval: 5% to 95%, as COINr reports
QUANTILES = (0.05, 0.5, 0.95)
MAX_UNITS = 10_000  # the rank histogram takes 8 * units**2 bytes (10,000 units: 800 MB)
MAX_REDRAW_ROUNDS = 200
CELLS_PER_TASK = 1 << 18  # replicates x units per work item: ~2 MB of float64, cache-sized
FLUSH_CELLS = 1 << 23  # ranks collected (replicates x units) before they are counted
SHARE_CELLS = 1 << 22  # absolute weights kept for a whole sample up to 32 MB
SERIAL_CELLS = 1 << 20  # below this many (replicates x units), threads cost more than they save
UNITS_PER_BLOCK = 256  # units at a time in the sensitivity sums
HISTOGRAM_BLOCK = 1 << 17  # histogram cells counted at a time (1 MB of int64)

FACTOR_LABELS = {
    "weights": ("权重", "weights"),
    "normalisation": ("标准化方法", "normalisation"),
    "sd": ("标准差口径", "standard deviation"),
    "not_applicable": ("不适用指标的处理", "not-applicable indicators"),
    "imputation": ("缺失值插补", "imputation"),
    "treatment": ("异常值处理", "outlier treatment"),
    "aggregation": ("加总方法", "aggregation"),
    "experts": ("专家评分（重抽专家）", "expert scores (experts resampled)"),
    "bonus": ("加减分", "bonus / deduction points"),
}
LEVEL_LABELS = {
    "zscore": ("标准分（z）", "z-score"),
    "minmax": ("极差法（min-max）", "min-max"),
    "efficacy": ("功效系数法", "efficacy coefficient"),
    AS_PUBLISHED: ("按方案", "as published"),
    "population": ("总体标准差", "population"),
    "sample": ("样本标准差", "sample"),
    "renormalise": ("同级权重重新归一", "renormalise siblings"),
    "zero": ("记 0 分", "count as 0"),
    "mean": ("记平均分", "count as the mean"),
    "none": ("不处理", "none"),
    "group_mean": ("组均值插补", "group mean"),
    "group_median": ("组中位数插补", "group median"),
    "log": ("对数变换", "log transform"),
    "arithmetic": ("算术平均", "arithmetic mean"),
    "geometric": ("几何平均", "geometric mean"),
    "on": ("计入", "counted"),
    "off": ("不计", "left out"),
    "uniform": ("按 0～100% 均匀计入", "a uniform share counted"),
}


def level_label(level: str, lang: str = "zh") -> str:
    """A level in words; parameterised levels (``minmax:1-100``, ``zscore:10,2``,
    ``winsorise:3``) spell out their parameters.

    Examples
    --------
    >>> level_label("winsorise:3"), level_label("minmax:1-100", "en")
    ('缩尾（至多 3 个点）', 'min-max onto 1-100')
    """
    pick = 1 if lang == "en" else 0
    name, _, arg = level.partition(":")
    if not arg:
        return LEVEL_LABELS.get(level, (level, level))[pick]
    if name == "winsorise":
        return f"winsorise (at most {arg} points)" if pick else f"缩尾（至多 {arg} 个点）"
    if name == "experts":
        return f"panel resample {arg}" if pick else f"专家重抽第 {arg} 组"
    if name == "minmax":
        return f"min-max onto {arg}" if pick else f"极差法（映射到 {arg}）"
    base, _, scale = arg.partition(",")
    return f"z-score ({base} + {scale}z)" if pick else f"标准分（{base} + {scale}z）"


def parse_normalisation(level: str) -> tuple[str, dict[str, float]]:
    """A normalisation level and its parameters: ``minmax:1-100`` -> low 1, high 100;
    ``zscore:10,2`` -> base 10, scale 2 (the score is base + scale * z). ValueError if bad.

    Examples
    --------
    >>> parse_normalisation("minmax:1-100"), parse_normalisation("zscore:10,2")
    (('minmax', {'low': 1.0, 'high': 100.0}), ('zscore', {'base': 10.0, 'scale': 2.0}))
    """
    name, _, arg = level.partition(":")
    if not arg:
        if name not in (*COMPARATIVE, AS_PUBLISHED):
            raise ValueError(level)
        return name, {}
    if name == "minmax":
        low, _, high = arg.partition("-") if not arg.startswith("-") else ("", "", "")
        numbers = {"low": float(low), "high": float(high)}
        if not numbers["low"] < numbers["high"]:
            raise ValueError(level)
        return name, numbers
    if name == "zscore":
        base, _, scale = arg.partition(",")
        numbers = {"base": float(base), "scale": float(scale)}
        if not numbers["scale"] > 0:
            raise ValueError(level)
        return name, numbers
    raise ValueError(level)


def parse_treatment(level: str) -> tuple[str, int]:
    """A treatment level: ("none" | "log" | "winsorise", limit). ValueError if bad."""
    name, _, arg = level.partition(":")
    if name in ("none", "log") and not arg:
        return name, 0
    if name == "winsorise" and arg.isdigit() and 1 <= int(arg) <= 1000:
        return name, int(arg)
    raise ValueError(level)


# --- options ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierQuota:
    """A rank-quota award tier: the next ``percent`` of ranked units (e.g. top 20%)."""

    name: str
    percent: float


@dataclass(frozen=True)
class RobustnessOptions:
    """What varies, how much, and how the result is summarised.

    Parameters
    ----------
    replicates : int
        Monte Carlo replicates for the rank distribution and tier probabilities.
    weight_spread : float
        Each weight is multiplied by ``1 + weight_spread * U(-1, 1)`` (0 keeps weights fixed).
    normalisations, sd_kinds, na_policies : tuple of str
        The alternatives, each drawn with equal probability; a single value does not vary.
        ``"scheme"`` among the normalisations means each indicator's own.
    tiers : tuple of TierQuota, optional
        Rank-quota award tiers; by default the scheme's grade bands (on totals).
    sensitivity_replicates : int
        Base sample size of the sensitivity design (0: no sensitivity indices).
    seed : int
        Seed of the random draws; the same seed gives the same result.
    workers : int, optional
        Threads (default: the machine's cores, at most 4). Never changes the result.
    imputations, treatments, aggregations : tuple of str
        Alternatives for the composite-indicator options (:mod:`kaoping.scoring.composite`);
        empty: as the scheme declares. Treatments: ``"none"``, ``"log"``, ``"winsorise:N"``.
        Normalisations may carry parameters: ``"minmax:1-100"``, ``"zscore:10,2"``.
    weight_levels : tuple of int, optional
        Levels whose weights are perturbed (1: indicators, 2: their groups, ...; as COINr
        counts them); None: every level.
    weight_sets : int
        0: fresh weights in every replicate; K > 0: K perturbed sets drawn once, each
        replicate taking one of them (COINr's ``get_noisy_weights`` with ``Nrep = K``).
    sensitivity_output : str
        ``"ranks"``: the share of the rank variance summed over units (default);
        ``"mean_rank_change"``: COINr's scalar, the mean |rank - nominal rank| over units.
    bootstrap : int
        Bootstrap resamples for the sensitivity indices' 5-95% intervals (0: none).
    expert_resamples : int
        0: expert scores as aggregated. K ≥ 2: K resamples of each item's experts (drawn
        with replacement from those who scored the item), each replicate taking one; needs
        the expert score sheets (:func:`analyse_assessment`).
    bonus_levels : tuple of str
        ``("on", "off")``: bonus / deduction points counted or left out; ``"uniform"``:
        each unit's points counted at a fraction drawn uniformly from 0 to 1 in every
        replicate (independently for each unit); empty: counted.
    """

    replicates: int = 1000
    weight_spread: float = 0.25
    normalisations: tuple[str, ...] = ("zscore", "minmax")
    sd_kinds: tuple[str, ...] = SD_KINDS
    na_policies: tuple[str, ...] = NA_POLICIES
    tiers: tuple[TierQuota, ...] | None = None
    sensitivity_replicates: int = 1000
    seed: int = 0
    workers: int | None = None
    imputations: tuple[str, ...] = ()
    treatments: tuple[str, ...] = ()
    aggregations: tuple[str, ...] = ()
    weight_levels: tuple[int, ...] | None = None
    weight_sets: int = 0
    sensitivity_output: str = "ranks"
    bootstrap: int = 200
    expert_resamples: int = 0
    bonus_levels: tuple[str, ...] = ()

    def levels(self, factor: str) -> tuple[str, ...]:
        """The alternatives of a discrete factor (``("scheme",)``: as the scheme says)."""
        return self._levels[factor]

    @functools.cached_property
    def _levels(self) -> dict[str, tuple[str, ...]]:
        return {
            "normalisation": self.normalisations,
            "sd": self.sd_kinds,
            "not_applicable": self.na_policies,
            "imputation": self.imputations or (AS_PUBLISHED,),
            "treatment": self.treatments or (AS_PUBLISHED,),
            "aggregation": self.aggregations or (AS_PUBLISHED,),
            "experts": tuple(f"experts:{k}" for k in range(self.expert_resamples))
            or (AS_PUBLISHED,),
            "bonus": self.bonus_levels or (AS_PUBLISHED,),
        }

    def varying(self) -> tuple[str, ...]:
        """Factors that actually vary (more than one level, a positive weight spread, or
        bonus points drawn within their range)."""
        return tuple(
            f
            for f in FACTORS
            if (self.weight_spread > 0 if f == "weights" else len(self.levels(f)) > 1)
            or (f == "bonus" and "uniform" in self.levels(f))
        )

    def problems(self, units: int = 2) -> list[Problem]:
        """Everything wrong with these options, as problems naming the option."""
        found: list[Problem] = []

        def bad(option: str, value: Any, expected: tuple[str, str]) -> None:
            found.append(
                Problem(
                    "robustness.bad_option",
                    column=option,
                    params={"option": option, "value": value, "expected": expected},
                )
            )

        if not 2 <= self.replicates <= 10_000_000:
            bad("--replicates", self.replicates, ("2 到 10000000 之间的整数", "2 to 10,000,000"))
        if not 0 <= self.weight_spread < 1:
            bad("--weight-spread", self.weight_spread, ("不小于 0 且小于 1 的数", "0 <= x < 1"))
        if not 0 <= self.sensitivity_replicates <= 1_000_000:
            bad(
                "--sensitivity-replicates",
                self.sensitivity_replicates,
                ("0 到 1000000 之间的整数", "0 to 1,000,000"),
            )
        for option, values, allowed, parse in (
            (
                "--normalisations",
                self.normalisations,
                (*COMPARATIVE, AS_PUBLISHED, "minmax:1-100", "zscore:10,2"),
                parse_normalisation,
            ),
            ("--sd", self.sd_kinds, SD_KINDS, None),
            ("--na", self.na_policies, NA_POLICIES, None),
            ("--imputations", self.levels("imputation"), (*IMPUTATIONS, AS_PUBLISHED), None),
            (
                "--treatments",
                self.levels("treatment"),
                (*TREATMENT_LEVELS, AS_PUBLISHED),
                lambda v: v == AS_PUBLISHED or parse_treatment(v),
            ),
            ("--aggregations", self.levels("aggregation"), (*AGGREGATIONS, AS_PUBLISHED), None),
            ("--bonus", self.levels("bonus"), (*BONUS_LEVELS, AS_PUBLISHED), None),
        ):
            wrong = [v for v in values if not _valid_level(v, allowed, parse)]
            if not values or wrong or len(set(values)) != len(values):
                text = "、".join(allowed)
                bad(
                    option,
                    ",".join(values),
                    (f"{text} 中不重复的一项或几项", f"one or more of {', '.join(allowed)}"),
                )
        if self.tiers is not None:
            total = sum(t.percent for t in self.tiers)
            if not self.tiers or any(not t.percent > 0 for t in self.tiers) or total > 100 + 1e-9:
                shown = ",".join(f"{t.name}:{t.percent:g}" for t in self.tiers)
                bad(
                    "--tiers",
                    shown,
                    (
                        "各档百分比大于 0 且合计不超过 100",
                        "percentages above 0 adding up to at most 100",
                    ),
                )
        if self.weight_levels is not None and (
            not self.weight_levels or any(not 1 <= lv <= 20 for lv in self.weight_levels)
        ):
            bad(
                "--weight-levels",
                ",".join(map(str, self.weight_levels)),
                ("1 起的层级，如 2,3", "levels from 1, e.g. 2,3"),
            )
        if not 0 <= self.weight_sets <= 1_000_000:
            bad("--weight-sets", self.weight_sets, ("0 到 1000000 之间的整数", "0 to 1,000,000"))
        if self.sensitivity_output not in ("ranks", "mean_rank_change"):
            bad(
                "--sensitivity-output",
                self.sensitivity_output,
                ("ranks 或 mean_rank_change", "ranks or mean_rank_change"),
            )
        if self.expert_resamples == 1 or not 0 <= self.expert_resamples <= 10_000:
            bad(
                "--expert-resamples",
                self.expert_resamples,
                ("0 或 2 到 10000 之间的整数", "0, or 2 to 10,000"),
            )
        if not 0 <= self.bootstrap <= 100_000:
            bad("--bootstrap", self.bootstrap, ("0 到 100000 之间的整数", "0 to 100,000"))
        if not 2 <= units <= MAX_UNITS:
            found.append(Problem("robustness.units", params={"n": units, "max": MAX_UNITS}))
        return found


def _valid_level(value: str, allowed: Sequence[str], parse) -> bool:
    if value in allowed:
        return True
    if parse is None:
        return False
    try:
        parse(value)
    except ValueError:
        return False
    return True


def parse_tier_quotas(text: str) -> tuple[TierQuota, ...]:
    """Read rank-quota tiers written as ``"20,30"`` or ``"一档:20%,二档:30%"``.

    Unnamed tiers are called 第1档, 第2档, ... Raises KaopingError on bad text.

    Examples
    --------
    >>> parse_tier_quotas("一档:20%, 二档:30")
    (TierQuota(name='一档', percent=20.0), TierQuota(name='二档', percent=30.0))
    >>> [t.name for t in parse_tier_quotas("10,20")]
    ['第1档', '第2档']
    """
    tiers = []
    for n, part in enumerate(p.strip() for p in text.replace("，", ",").split(",")):
        name, _, number = part.rpartition(":") if ":" in part else part.rpartition("：")
        number = number.strip().removesuffix("%").removesuffix("％").strip()
        try:
            percent = float(number)
        except ValueError:
            percent = math.nan
        if not math.isfinite(percent):
            raise KaopingError(
                [
                    Problem(
                        "robustness.bad_option",
                        column="--tiers",
                        params={
                            "option": "--tiers",
                            "value": part,
                            "expected": (
                                "如 20,30 或 一档:20,二档:30 的百分比",
                                "percentages such as 20,30 or top:20,next:30",
                            ),
                        },
                    )
                ]
            )
        tiers.append(TierQuota(name=name.strip() or f"第{n + 1}档", percent=percent))
    return tuple(tiers)


# --- the weight tree -------------------------------------------------------------------------


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


# --- random draws --------------------------------------------------------------------------


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
        parts = {f: getattr(self, f) for f in FIELDS}
        parts[factor] = getattr(other, factor)
        if factor == "bonus":  # the bonus factor is its level and its fractions together
            parts["bonus_share"] = other.bonus_share
        return Draws(**parts)

    def take(self, rows: np.ndarray) -> Draws:
        return Draws(**{f: None if (v := getattr(self, f)) is None else v[rows] for f in FIELDS})

    @staticmethod
    def concatenate(parts: Sequence[Draws]) -> Draws:
        return Draws(
            **{
                f: None
                if getattr(parts[0], f) is None
                else np.concatenate([getattr(p, f) for p in parts])
                for f in FIELDS
            }
        )


def perturb_weights(
    nominal: np.ndarray, families: Sequence[tuple[int, np.ndarray]], spread: float, noise
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


# --- the model: scores per combination of choices, totals and ranks per replicate ----------------


@dataclass
class _Combination:
    """Scores of one combination of discrete choices; units ordered by applicability pattern.

    ``blocks`` holds (start, end, applicable indicators, scores of those units transposed),
    one per row of ``patterns``.
    """

    perm: np.ndarray
    patterns: np.ndarray
    blocks: list[tuple[int, int, np.ndarray, np.ndarray]]


class RobustnessModel:
    """A scheme and its data, ready to compute totals and ranks of many replicates.

    Examples
    --------
    >>> from kaoping.scoring import BaseData, scheme_from_dict
    >>> scheme = scheme_from_dict({"scheme": {"code": "t", "name": "t", "version": "1"},
    ...     "fields": [{"key": "x"}], "groups": [{"code": "G", "name": "G", "weight": 100}],
    ...     "indicators": [{"code": "X", "name": "X", "group": "G", "weight": 100,
    ...                     "formula": "x"}]})
    >>> data = BaseData.from_records([{"unit_code": c, "x": v} for c, v in
    ...                               [("1", 10), ("2", 30), ("3", 20)]])
    >>> model = RobustnessModel(scheme, data, RobustnessOptions())
    >>> model.ranks(model.draw(3, np.random.default_rng(0))).tolist()  # one indicator: fixed
    [[3, 1, 2], [3, 1, 2], [3, 1, 2]]
    """

    def __init__(
        self,
        scheme: Scheme,
        data: BaseData,
        options: RobustnessOptions,
        bonus: np.ndarray | None = None,
        expert_columns: Sequence[dict[str, np.ndarray]] | None = None,
    ):
        self.scheme = scheme
        self.data = data
        self.options = options
        # Bonus / deduction points: added to the totals (all, none, or a uniform fraction).
        self.bonus = np.zeros(len(data)) if bonus is None else np.asarray(bonus, dtype=float)
        self.bonus_units = np.flatnonzero(self.bonus)  # the units whose points can vary
        self.tree = WeightTree.of(scheme)
        self.decimals = scheme.scoring.tie_decimals
        self.workers = options.workers or min(os.cpu_count() or 1, 4)
        self._combinations: dict[tuple[str, ...], _Combination] = {}
        self._used: dict[tuple[str, ...], np.ndarray] = {}
        self._prepared: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._pool: np.ndarray | None = None
        self._indicator_variants: dict[str, tuple] = {}
        self._shares: dict[Any, Any] = {}
        self._pool_redrawn = 0
        self._formulas: dict[str, tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]] = {}
        self.expert_columns: list[dict[str, np.ndarray]] = list(expert_columns or ())
        if options.expert_resamples and len(self.expert_columns) != options.expert_resamples:
            raise KaopingError([Problem("robustness.no_expert_scores")])

    def formula_values(
        self, experts: str = AS_PUBLISHED
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """Columns, the formulas' values and their reasons: they change across replicates
        only with the expert resample, so they are computed once for each (as
        :func:`kaoping.scoring.evaluate` does)."""
        found = self._formulas.get(experts)
        if found is None:
            data = self.data
            if experts != AS_PUBLISHED:
                drawn = self.expert_columns[int(experts.partition(":")[2])]
                data = BaseData(
                    units=data.units,
                    columns={**data.columns, **drawn},
                    source=data.source,
                    extras=data.extras,
                )
            columns = prepare_columns(self.scheme, data)
            n, k = len(self.data), len(self.scheme.indicators)
            values = np.full((n, k), np.nan)
            reasons = np.zeros((n, k), dtype=np.int8)
            for j, indicator in enumerate(self.scheme.indicators):
                outcome = indicator.formula.evaluate(columns)
                values[:, j] = outcome.values
                reasons[:, j] = outcome.reason
            found = self._formulas[experts] = columns, values, reasons
        return found

    # --- draws ------------------------------------------------------------------------------
    def draw(self, size: int, rng: np.random.Generator) -> Draws:
        """``size`` independent replicates: weights (with constraint redraws), then choices."""
        o = self.options
        if o.weight_sets:
            weights = self.weight_pool()[rng.integers(0, o.weight_sets, size)]
            redrawn = 0
        else:
            weights, redrawn = self._draw_weights(size, rng)

        def pick(factor: str) -> np.ndarray:
            count = len(o.levels(factor))
            # Factors added later draw only when they vary, so that earlier results stay.
            if count == 1 and factor in DISCRETE[3:]:
                return np.zeros(size, dtype=np.int64)
            return rng.integers(0, count, size)

        return Draws(
            weights=weights,
            normalisation=pick("normalisation"),
            sd=pick("sd"),
            not_applicable=pick("not_applicable"),
            imputation=pick("imputation"),
            treatment=pick("treatment"),
            aggregation=pick("aggregation"),
            experts=pick("experts"),
            bonus=pick("bonus"),
            redrawn=redrawn,
            bonus_share=rng.random(
                (size, len(self.bonus_units) if "uniform" in o.levels("bonus") else 0)
            ),
        )

    def use_weight_pool(self, raw: np.ndarray) -> None:
        """Take the weight sets from outside (e.g. COINr's ``get_noisy_weights``): raw weights
        (sets x nodes, nodes as in :class:`WeightTree`), renormalised among siblings."""
        raw = np.asarray(raw, dtype=float)
        if raw.shape != (self.options.weight_sets, len(self.tree.codes)):
            raise ValueError(f"weight pool of shape {raw.shape}")
        self._pool = perturb_weights(raw, self.tree.families, 0.0, np.zeros_like(raw))

    def weight_pool(self) -> np.ndarray:
        """The ``weight_sets`` perturbed weight sets shared by every sample (drawn once, from
        their own stream of the seed)."""
        if self._pool is None:
            rng = np.random.default_rng(np.random.SeedSequence(self.options.seed).spawn(4)[3])
            self._pool, self._pool_redrawn = self._draw_weights(self.options.weight_sets, rng)
        return self._pool

    def _draw_weights(self, size: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        tree, spread = self.tree, self.options.weight_spread
        if spread == 0:
            return np.tile(tree.nominal, (size, 1)), 0
        mask = np.ones(len(tree.codes))
        if self.options.weight_levels is not None:
            mask = np.isin(tree.levels, self.options.weight_levels).astype(float)
        noise = rng.uniform(-1.0, 1.0, (size, len(tree.codes))) * mask
        weights = perturb_weights(tree.nominal, tree.families, spread, noise)
        redrawn = 0
        for _ in range(MAX_REDRAW_ROUNDS):
            bad, rule = self._breaking_constraints(weights)
            if not bad.any():
                return weights, redrawn
            redrawn += int(bad.sum())
            noise = rng.uniform(-1.0, 1.0, (int(bad.sum()), len(tree.codes))) * mask
            weights[bad] = perturb_weights(tree.nominal, tree.families, spread, noise)
        raise KaopingError(
            [
                Problem(
                    "robustness.constraints",
                    params={"rule": rule, "rounds": MAX_REDRAW_ROUNDS, "spread": f"{spread:.0%}"},
                )
            ]
        )

    def _breaking_constraints(self, weights: np.ndarray) -> tuple[np.ndarray, str]:
        """Rows whose weights break a constraint, checked as the scheme loader checks them."""
        columns = {code: weights[:, i] * 100 for i, code in enumerate(self.tree.codes)}
        bad = np.zeros(len(weights), dtype=bool)
        first = ""
        for rule in self.scheme.constraints:
            try:
                condition = parse_condition(rule, allowed_names=list(columns))
            except FormulaError:  # cannot happen for a loaded scheme; nothing to enforce
                continue
            broken = ~condition.evaluate(columns, tolerance=0.0).holds
            if broken.any() and not first:
                first = rule
            bad |= broken
        return bad, first

    def choices(self, draws: Draws, row: int) -> Choices:
        """The choices of one replicate, by name (for the slow path and explanations)."""
        o = self.options
        return Choices(
            weights={c: float(w) for c, w in zip(self.tree.codes, draws.weights[row], strict=True)},
            normalisation=o.normalisations[draws.normalisation[row]],
            sd=o.sd_kinds[draws.sd[row]],
            not_applicable=o.na_policies[draws.not_applicable[row]],
            imputation=o.levels("imputation")[draws.imputation[row]],
            treatment=o.levels("treatment")[draws.treatment[row]],
            aggregation=o.levels("aggregation")[draws.aggregation[row]],
            experts=o.levels("experts")[draws.experts[row]],
            bonus=o.levels("bonus")[draws.bonus[row]],
        )

    # --- scores of the discrete choices ----------------------------------------------------------
    def combination_key(self, *index: int) -> tuple[str, ...]:
        """The choices that can change totals, by name, for indices of the DISCRETE factors
        (the sd only matters where a z-score is used; "scheme" levels resolved)."""
        o = self.options
        norm, sd, na, imp, treat, agg, experts, bonus = (
            o.levels(f)[i] for f, i in zip(DISCRETE, index, strict=True)
        )
        name = parse_normalisation(norm)[0]
        uses_z = any(
            _effective_normalisation(i.normalisation, name) == "zscore"
            for i in self.scheme.indicators
        )
        rules = self.scheme.scoring
        return (
            norm,
            sd if uses_z else "-",
            na,
            rules.imputation if imp == AS_PUBLISHED else imp,
            _scheme_treatment(self.scheme) if treat == AS_PUBLISHED else treat,
            _scheme_aggregation(self.scheme) if agg == AS_PUBLISHED else agg,
            experts,
            "on" if bonus == AS_PUBLISHED else bonus,
        )

    def used_scores(self, key: tuple[str, ...]) -> np.ndarray:
        """The scores entering the aggregation (units x indicators) under a combination:
        the evaluation's own steps (:func:`kaoping.scoring.evaluation.score_values`) on the
        scheme rewritten with these choices, from the formulas' values computed once."""
        used_key = (*key[:5], key[6])
        found = self._used.get(used_key)
        if found is None:
            norm, sd, na, imputation, treatment = key[:5]
            choices = Choices(
                {}, norm, sd if sd != "-" else self.scheme.scoring.sd, na, imputation, treatment
            )
            variant = _variant(self.scheme, choices, self._indicator_variants)
            columns, values, reasons = self.formula_values(key[6])
            prepared = self._prepared.get((imputation, treatment, key[6])) or self._prepare(
                variant, imputation, treatment, key[6]
            )
            scored = score_values(
                variant, self.data, columns, values, reasons, explain=False, prepared=prepared
            )
            found = self._used[used_key] = scored.used
        return found

    def _prepare(
        self, variant: Scheme, imputation: str, treatment: str, experts: str = AS_PUBLISHED
    ) -> tuple[np.ndarray, np.ndarray]:
        """Imputed and treated values (:func:`kaoping.scoring.evaluation.prepare_values`);
        every winsorisation limit among the levels at once, since the steps up to the largest
        limit are those of every smaller one (:func:`composite.treat_limits`)."""
        _, values, _ = self.formula_values(experts)
        name, _ = parse_treatment(treatment)
        if name != "winsorise":
            found = self._prepared[(imputation, treatment, experts)] = prepare_values(
                variant, self.data, values
            )
            return found
        rules = variant.scoring
        plain = replace(variant, scoring=replace(rules, treatment="none"))
        imputed, filled = prepare_values(plain, self.data, values)
        levels = [*self.options.levels("treatment"), _scheme_treatment(self.scheme)]
        limits = sorted(
            {parse_treatment(t)[1] for t in levels if t.startswith("winsorise:")}
            | {rules.winsorise_limit}
        )
        chosen = comparative_columns(variant)
        treated = composite.treat_limits(
            filled[:, chosen], limits, rules.skew_max, rules.kurtosis_max
        )
        for limit, columns in zip(limits, treated, strict=True):
            out = filled.copy()
            out[:, chosen] = columns
            self._prepared[(imputation, f"winsorise:{limit}", experts)] = (imputed, out)
        return self._prepared[(imputation, treatment, experts)]

    def nominal(self) -> tuple[np.ndarray, np.ndarray]:
        """Totals and ranks as published: :func:`kaoping.scoring.evaluate`'s, from the same
        fast path as the replicates (the tests check they agree)."""
        rules = self.scheme.scoring
        try:
            aggregation = _scheme_aggregation(self.scheme)
        except KaopingError:  # mixed methods: only the evaluation computes them
            result = evaluate(self.scheme, self.data)
            return result.totals, result.ranks
        key = (
            AS_PUBLISHED,
            rules.sd,
            rules.not_applicable,
            rules.imputation,
            _scheme_treatment(self.scheme),
            aggregation,
            AS_PUBLISHED,
            "on",
        )
        combo = self.combination(key)
        totals = np.empty(len(self.data))
        totals[combo.perm] = self.block_totals(key, self.tree.nominal[None, :])[0]
        return totals, competition_ranks(totals, self.decimals)

    def redundant_levels(self) -> list[tuple[str, str, str]]:
        """Pairs of alternatives of one factor that rank every unit the same, so that
        listing both only draws that ranking more often: (factor, first, second).

        Checked with the other choices at their first level: two levels are redundant when
        their scores differ by one increasing linear map a + b·s over every indicator and
        unit (the totals then differ by the same map: min-max and the efficacy coefficient
        without parameters, z-scores with the population or the sample sd when nothing is
        clamped), or, under a geometric mean, by one factor b alone.
        """
        o = self.options
        geometric = "geometric" in {
            self.combination_key(0, 0, 0, 0, 0, a, 0, 0)[5]
            for a in range(len(o.levels("aggregation")))
        }
        found = []
        for f, factor in enumerate(DISCRETE[:5]):  # aggregation, experts, bonus: never alike
            levels = o.levels(factor)
            if len(levels) < 2:
                continue
            keys = []
            for i in range(len(levels)):
                index = [0] * len(DISCRETE)
                index[f] = i
                keys.append(self.combination_key(*index))
            scores = [self.used_scores(k) for k in keys]
            for i in range(len(levels)):
                for j in range(i + 1, len(levels)):
                    if keys[i][:5] == keys[j][:5] or _same_ranking(scores[i], scores[j], geometric):
                        found.append((factor, levels[i], levels[j]))
        return found

    def combination(self, key: tuple[str, ...]) -> _Combination:
        key = key[:7]  # the bonus is added to totals, it does not change the blocks
        found = self._combinations.get(key)
        if found is None:
            used = self.used_scores(key)
            if key[5] == "geometric":
                with np.errstate(invalid="ignore", divide="ignore"):
                    if (used <= 0).any():
                        raise KaopingError(
                            [
                                Problem(
                                    "robustness.geometric_nonpositive",
                                    params={
                                        "choice": level_label(key[0]),
                                        "min": f"{np.nanmin(used):.6g}",
                                    },
                                )
                            ]
                        )
                    used = np.log(used)
            found = self._combinations[key] = _blocks_by_pattern(used)
        return found

    # --- totals and ranks -------------------------------------------------------------------------
    def tasks(self, draws: Draws) -> list[tuple[tuple[str, ...], np.ndarray]]:
        """Work items: (combination, replicate rows) with one combination each, cache-sized."""
        o = self.options
        shape = tuple(len(o.levels(f)) for f in DISCRETE)
        flat = np.ravel_multi_index(tuple(draws.discrete().T), shape)
        present, inverse = np.unique(flat, return_inverse=True)
        # A loop over the few combinations of discrete choices, never over replicates.
        keys = [self.combination_key(*map(int, np.unravel_index(f, shape))) for f in present]
        distinct = list(dict.fromkeys(keys))
        ids = np.array([distinct.index(k) for k in keys], dtype=np.intp)[inverse.reshape(-1)]
        rows_per_task = max(8, CELLS_PER_TASK // max(len(self.data), 1))
        result = []
        for i, key in enumerate(distinct):
            rows = np.flatnonzero(ids == i)
            result += [
                (key, rows[s : s + rows_per_task]) for s in range(0, len(rows), rows_per_task)
            ]
        return result

    def task_totals(self, key: tuple[str, ...], draws: Draws, rows: np.ndarray) -> np.ndarray:
        """:meth:`block_totals` of some rows of ``draws``. The absolute weights of all the
        draws are computed once per pattern set when they fit in SHARE_CELLS (they do not
        depend on the other choices)."""
        combo = self.combination(key)
        size = len(draws) * len(combo.patterns) * len(self.scheme.indicators)
        if size > SHARE_CELLS:
            out = self.block_totals(key, draws.weights[rows])
        else:
            cache = self._shares
            if cache.get("draws") is not draws.weights:
                cache.clear()
                cache["draws"] = draws.weights
            pk = combo.patterns.tobytes()
            shares = cache.get(pk)
            if shares is None:
                shares = cache[pk] = self.tree.absolute_weights(draws.weights, combo.patterns)
            out = self.block_totals(key, None, shares[rows])
        if key[7] == "uniform" and len(self.bonus_units):
            assert draws.bonus_share is not None
            added = np.zeros((len(rows), len(self.data)))
            added[:, self.bonus_units] = draws.bonus_share[rows] * self.bonus[self.bonus_units]
            out += added[:, combo.perm]
        return out

    def block_totals(
        self, key: tuple[str, ...], weights: np.ndarray | None, shares: np.ndarray | None = None
    ) -> np.ndarray:
        """Totals (rows x units) of one combination, units in the combination's ``perm`` order.

        Arithmetic: the absolute weights times the scores. Geometric at every level: the
        same with log scores, exponentiated (a nested weighted geometric mean is
        exp(Σ absolute weight x log score)).
        """
        combo = self.combination(key)
        if shares is None:
            shares = self.tree.absolute_weights(weights, combo.patterns)
        out = np.empty((len(shares), len(self.data)))
        for p, (start, end, present, scores_t) in enumerate(combo.blocks):
            if not present.any():
                out[:, start:end] = np.nan
                continue
            # One small product per replicate (batched): BLAS does not spawn threads for
            # these, which on a busy 2-core machine made the single large product 5x slower.
            out[:, start:end] = np.matmul(shares[:, p, present][:, None, :], scores_t)[:, 0, :]
        if key[5] == "geometric":
            np.exp(out, out=out)
        if key[7] == "on" and self.bonus.any():  # after the aggregation, whichever it is
            out += self.bonus[combo.perm]
        return out

    def totals(self, draws: Draws) -> np.ndarray:
        """Totals of every replicate (replicates x units, units in data order)."""
        out = np.empty((len(draws), len(self.data)))
        for key, rows in self.tasks(draws):
            combo = self.combination(key)
            out[np.ix_(rows, combo.perm)] = self.task_totals(key, draws, rows)
        return out

    def task_ranks(
        self, draws: Draws, task: tuple[tuple[str, str, str], np.ndarray], dtype=np.int32
    ) -> tuple[np.ndarray, np.ndarray]:
        """Totals (units in the combination's ``perm`` order) and ranks (units in data order)
        of one work item."""
        key, rows = task
        totals = self.task_totals(key, draws, rows)
        units, ranks = sorted_ranks(totals, self.decimals, labels=self.combination(key).perm)
        aligned = np.empty(ranks.shape, dtype=dtype)
        units += (np.arange(len(rows)) * len(self.data))[:, None]
        aligned.reshape(-1)[units] = ranks
        return totals, aligned

    def ranks(self, draws: Draws, dtype=np.int32) -> np.ndarray:
        """Competition ranks of every replicate (replicates x units, 0 = unranked)."""
        out = np.zeros((len(draws), len(self.data)), dtype=dtype)
        tasks = self.tasks(draws)
        results = self.map(lambda task: self.task_ranks(draws, task, dtype)[1], tasks)
        for (_, rows), aligned in zip(tasks, results, strict=True):
            out[rows] = aligned
        return out

    def map(self, fn, tasks: list) -> Iterator:
        """Apply ``fn`` to the tasks in threads (numpy releases the GIL), yielding results in
        task order; at most two tasks per thread are in flight, which bounds memory."""
        for key in dict.fromkeys(k for k, _ in tasks):
            self.combination(key)  # computed once, before the threads share them
        cells = sum(len(rows) for _, rows in tasks) * len(self.data)
        if self.workers <= 1 or len(tasks) <= 1 or cells < SERIAL_CELLS:
            yield from map(fn, tasks)
            return
        with ThreadPoolExecutor(self.workers) as pool:
            pending: deque = deque()
            for task in tasks:
                pending.append(pool.submit(fn, task))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


def _effective_normalisation(own: str, choice: str) -> str:
    return choice if choice != AS_PUBLISHED and own in COMPARATIVE else own


def _same_ranking(x: np.ndarray, y: np.ndarray, geometric: bool) -> bool:
    """Whether y = a + b·x (b > 0; a = 0 under a geometric mean) on every cell, with the
    same cells missing."""
    if not np.array_equal(np.isnan(x), np.isnan(y)):
        return False
    u, v = x[~np.isnan(x)], y[~np.isnan(y)]
    if u.size < 2 or np.ptp(u) == 0:
        return bool(np.array_equal(u, v))
    if geometric:
        b, a = float(v @ u / (u @ u)), 0.0
    else:  # least squares, in closed form
        du = u - u.mean()
        b = float(du @ (v - v.mean()) / (du @ du))
        a = float(v.mean() - b * u.mean())
    scale = max(float(np.abs(v).max()), 1.0)
    return bool(b > 0 and np.abs(a + b * u - v).max() <= 1e-9 * scale)


def _scheme_treatment(scheme: Scheme) -> str:
    rules = scheme.scoring
    return (
        f"winsorise:{rules.winsorise_limit}" if rules.treatment == "winsorise" else rules.treatment
    )


def _scheme_aggregation(scheme: Scheme) -> str:
    """The scheme's aggregation when the same at every level; refused when mixed (the fast
    path needs one method for the whole tree)."""
    methods = {g.aggregation or scheme.scoring.aggregation for g in scheme.groups}
    methods.add(scheme.scoring.aggregation)
    if len(methods) > 1:
        raise KaopingError([Problem("robustness.mixed_aggregation")])
    return methods.pop()


def _choice_settings(
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
        new = _effective_normalisation(indicator.normalisation, name)
        if new != indicator.normalisation:
            indicators[indicator.code] = (new, params if new == "minmax" else {})
        elif new == "minmax" and params:
            indicators[indicator.code] = (new, params)
    return indicators


def _variant(scheme: Scheme, choices: Choices, cache: dict | None = None) -> Scheme:
    """:func:`scheme_for_choices` without re-reading the scheme (and without weights): the
    same rules and normalisations, set on the loaded objects (the tests check they agree).
    ``cache`` keeps the rewritten indicators per normalisation."""
    scoring, indicators = _choice_settings(scheme, choices, with_indicators=cache is None)
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


def _blocks_by_pattern(used: np.ndarray) -> _Combination:
    """Group units by which indicators enter their total (NaN = left out)."""
    present = ~np.isnan(used)
    if present.shape[1] < 63:  # one integer per pattern: a cheap 1-D unique
        bits = present.astype(np.int64) @ (np.int64(1) << np.arange(present.shape[1]))
        _, first, inverse = np.unique(bits, return_index=True, return_inverse=True)
        patterns = present[first]
    else:
        patterns, inverse = np.unique(present, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    perm = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[perm], np.arange(len(patterns) + 1))
    scores = np.nan_to_num(used, nan=0.0)
    blocks = []
    for p, pattern in enumerate(patterns):
        units = perm[bounds[p] : bounds[p + 1]]
        blocks.append(
            (
                int(bounds[p]),
                int(bounds[p + 1]),
                pattern,
                np.ascontiguousarray(scores[np.ix_(units, pattern)].T),
            )
        )
    return _Combination(perm=perm, patterns=patterns, blocks=blocks)


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
    scoring, indicators = _choice_settings(scheme, choices)
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


def _items(raw: dict, table: str) -> Iterator[tuple[str, dict]]:
    items = raw.get(table, [])
    if isinstance(items, Mapping):
        for key, item in items.items():
            yield str(item.get("code", key)), item
    else:
        for item in items:
            if isinstance(item, Mapping):
                yield str(item.get("code")), item  # type: ignore[misc]


# --- ranking --------------------------------------------------------------------------------


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


# --- tiers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierRule:
    """Award tiers: the scheme's grade bands on totals, or rank quotas. Index ``len(names)``
    means no tier (below every band, beyond every quota, or not ranked)."""

    names: tuple[str, ...]
    names_en: tuple[str, ...]
    minimums: tuple[float, ...] | None = None  # grade bands, highest first
    cumulative_percent: tuple[float, ...] | None = None
    awards: AwardRules | None = None  # the scheme's award rules
    eligible: np.ndarray | None = None  # per unit: no veto, requirements met
    note: str = ""  # why no tiers are offered ("scale": the scale itself is varied)

    @classmethod
    def for_options(
        cls, scheme: Scheme, options: RobustnessOptions, data: BaseData | None = None
    ) -> TierRule:
        """Rank quotas when given; else the scheme's award rules (``[awards]``) or grade
        bands, but only when the scale of totals is not itself varied: a score threshold
        means nothing under another normalisation."""
        if options.tiers is None:
            if len(options.normalisations) > 1:
                return cls((), (), note="scale")
            if data is not None and "awards" in scheme.sections:
                rules = award_rules(scheme)
                return cls(
                    tuple(t.name for t in rules.tiers),
                    tuple(t.name_for("en") for t in rules.tiers),
                    awards=rules,
                    eligible=static_eligibility(rules, scheme, data),
                )
            return cls.grades(scheme)
        cumulative = tuple(float(c) for c in np.cumsum([t.percent for t in options.tiers]))
        names = tuple(t.name for t in options.tiers)
        names_en = tuple(
            f"tier {i + 1}" if t.name == f"第{i + 1}档" else t.name
            for i, t in enumerate(options.tiers)
        )
        return cls(names, names_en, cumulative_percent=cumulative)

    @classmethod
    def grades(cls, scheme: Scheme) -> TierRule:
        """The scheme's grade bands on totals."""
        bands = scheme.grades
        return cls(
            tuple(b.name for b in bands),
            tuple(b.name_for("en") for b in bands),
            minimums=tuple(b.min for b in bands),
        )

    @property
    def kind(self) -> str:
        if self.awards is not None:
            return "awards"
        if self.cumulative_percent is not None:
            return "rank_quotas"
        return "grades" if self.names else "none"

    def names_for(self, lang: str) -> tuple[str, ...]:
        return self.names_en if lang == "en" else self.names

    def of_totals(self, totals: np.ndarray) -> np.ndarray:
        """Grade-band index of each total, as :meth:`Scheme.grade_for` decides it: the
        number of bands whose minimum (less 1e-9) the total does not reach."""
        count = len(self.names)
        tier = np.zeros(totals.shape, dtype=np.int8 if count < 127 else np.int64)
        for minimum in self.minimums or ():
            tier += totals < minimum - 1e-9
        if np.isnan(np.min(totals)):
            tier[np.isnan(totals)] = count
        return tier

    def of_awards(self, totals: np.ndarray, units: np.ndarray, decimals: int = 6) -> np.ndarray:
        """Award tier of each total (rows x units; ``units`` labels the columns), as
        :func:`kaoping.scoring.awards.decide_awards` decides it: eligible = total at or above
        the pass line, no veto, requirements met; quotas counted in eligible units, rounded
        down; ranks among the eligible (equal totals share a rank and the tier)."""
        rules, count = self.awards, len(self.names)
        assert rules is not None and self.eligible is not None
        with np.errstate(invalid="ignore"):
            eligible = (totals >= rules.pass_line - 1e-9) & self.eligible[units][None, :]
        ranks = rank_matrix(np.where(eligible, totals, np.nan), decimals)
        n_eligible = eligible.sum(axis=1, keepdims=True)
        tier = np.full(totals.shape, count, dtype=np.int64)
        cumulative = 0.0
        open_ = np.ones(totals.shape, dtype=bool)
        for t, rule in enumerate(rules.tiers):
            ok = eligible & open_
            if rules.method != "quota" and rule.min is not None:
                with np.errstate(invalid="ignore"):
                    ok &= totals >= rule.min - 1e-9
            if rule.share is not None and rules.method != "bands":
                cumulative += rule.share
                ok &= ranks <= np.floor(cumulative / 100.0 * n_eligible + 1e-9)
            tier[ok] = t
            open_ &= ~ok
        return tier

    def of_ranks(self, ranks: np.ndarray) -> np.ndarray:
        """Quota tier of each rank: tier i takes ranks up to floor(cumulative_i% x ranked)."""
        count = len(self.names)
        ranked = (ranks > 0).sum(axis=1, keepdims=True)
        tier = np.zeros(ranks.shape, dtype=np.int64)
        for percent in self.cumulative_percent or ():
            places = np.floor(percent * ranked / 100.0 + 1e-9)
            tier += ranks > places
        return np.where(ranks > 0, tier, count)


# --- the analysis ----------------------------------------------------------------------------


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
        name = FACTOR_LABELS[self.factor][1 if lang == "en" else 0]
        if self.factor == "weights":
            return f"{name}（±{spread:.0%}）" if lang != "en" else f"{name} (±{spread:.0%})"
        return name

    def levels_text(self, lang: str) -> str:
        if self.factor == "weights":
            return "同级重新归一" if lang != "en" else "renormalised among siblings"
        if self.factor == "experts":
            k = len(self.levels)
            return f"{k} resamples of each item's panel" if lang == "en" else f"各项专家重抽 {k} 组"
        return (", " if lang == "en" else "、").join(level_label(v, lang) for v in self.levels)


@dataclass
class RobustnessResult:
    """Rank distribution per unit and sensitivity per choice (arrays aligned with ``units``)."""

    scheme: Scheme
    units: list[UnitRef]
    options: RobustnessOptions
    tiers: TierRule
    nominal_totals: np.ndarray
    nominal_ranks: np.ndarray
    median_rank: np.ndarray
    p05_rank: np.ndarray
    p95_rank: np.ndarray
    mean_rank: np.ndarray
    unranked_share: np.ndarray
    tier_probabilities: np.ndarray
    sensitivity: list[FactorSensitivity] = field(default_factory=list)
    weight_redraws: int = 0
    warnings: list[Problem] = field(default_factory=list)  # e.g. redundant alternatives

    def order(self) -> list[int]:
        """Units by nominal rank (unranked last), then by median rank."""
        n = len(self.units)
        keys = [
            (r if r > 0 else n + 1, m if not math.isnan(m) else n + 1, i)
            for i, (r, m) in enumerate(zip(self.nominal_ranks, self.median_rank, strict=True))
        ]
        return [i for *_, i in sorted(keys)]

    def unit_rows(self, lang: str = "zh") -> list[dict[str, Any]]:
        """One plain dict per unit, in :meth:`order`."""
        names = self.tiers.names_for(lang)
        rows = []
        for u in self.order():
            rows.append(
                {
                    "code": self.units[u].code,
                    "name": self.units[u].name,
                    "nominal_total": _num(self.nominal_totals[u]),
                    "nominal_rank": int(self.nominal_ranks[u]) or None,
                    "median_rank": _num(self.median_rank[u]),
                    "p05_rank": _num(self.p05_rank[u]),
                    "p95_rank": _num(self.p95_rank[u]),
                    "mean_rank": _num(self.mean_rank[u]),
                    "unranked_share": float(self.unranked_share[u]),
                    "tiers": {
                        name: float(p)
                        for name, p in zip(names, self.tier_probabilities[u], strict=True)
                    },
                }
            )
        return rows

    def ranked_sensitivity(self) -> list[FactorSensitivity]:
        """Choices from the most to the least influential (total index, then shift)."""
        return sorted(self.sensitivity, key=lambda s: (-(s.total or 0.0), -s.mean_rank_shift))

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The JSON document: scheme, options, per-unit rank distribution, sensitivity."""
        o = self.options
        return {
            "scheme": {
                "code": self.scheme.code,
                "version": self.scheme.version,
                "sha256": self.scheme.sha256,
            },
            "options": {
                "replicates": o.replicates,
                "weight_spread": o.weight_spread,
                "normalisations": list(o.normalisations),
                "sd_kinds": list(o.sd_kinds),
                "na_policies": list(o.na_policies),
                "sensitivity_replicates": o.sensitivity_replicates,
                "seed": o.seed,
                "tiers": self.tiers.kind,
                "tier_names": list(self.tiers.names_for(lang)),
            },
            "weight_redraws": self.weight_redraws,
            "warnings": [w.text(lang) for w in self.warnings],
            "units": self.unit_rows(lang),
            "sensitivity": [
                {
                    "factor": s.factor,
                    "label": s.label(lang, o.weight_spread),
                    "levels": list(s.levels),
                    "first_order": s.first_order,
                    "total": s.total,
                    "mean_rank_shift": s.mean_rank_shift,
                }
                for s in self.ranked_sensitivity()
            ],
        }

    def report_summary(self, lang: str = "zh") -> dict[str, Any]:
        """Scalars and row lists for the round report's robustness section (plain values;
        ``rank_low`` / ``rank_high`` are the 5% and 95% ranks)."""
        en = lang == "en"
        o = self.options
        varying = (
            "、".join(FACTOR_LABELS[f][0] for f in o.varying())
            if not en
            else ", ".join(FACTOR_LABELS[f][1] for f in o.varying())
        )
        method = (
            f"Monte Carlo, {o.replicates} replicates (seed {o.seed}); varied: {varying}; "
            f"weights ±{o.weight_spread:.0%}"
            if en
            else f"蒙特卡罗模拟 {o.replicates} 次（随机种子 {o.seed}），变化的选择：{varying}；"
            f"权重扰动 ±{o.weight_spread:.0%}"
        )
        units = [
            {
                "unit_code": row["code"],
                "unit_name": row["name"],
                "rank": row["nominal_rank"],
                "median_rank": row["median_rank"],
                "rank_low": row["p05_rank"],
                "rank_high": row["p95_rank"],
                **{f"P({name})": round(p, 4) for name, p in row["tiers"].items()},
            }
            for row in self.unit_rows(lang)
        ]
        sensitivity = [
            {
                "factor": s.label(lang, o.weight_spread),
                "first_order": _round(s.first_order),
                "total": _round(s.total),
                "mean_rank_shift": round(s.mean_rank_shift, 3),
            }
            for s in self.ranked_sensitivity()
        ]
        return {
            "method": method,
            "replicates": o.replicates,
            "units": units,
            "sensitivity": sensitivity,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def analyse_assessment(
    assessment: Assessment | AssessmentResult, options: RobustnessOptions | None = None
) -> RobustnessResult:
    """Robustness of an assessment's ranking: the entry point every door uses.

    The assessment is assessed first (:func:`kaoping.scoring.assess`), so the analysis
    starts from the one result: expert scores aggregated and filled in, targets and price
    factors applied, bonus / deduction points added to every replicate (they are not
    varied), the nominal ranks being the committee's. An indicator not applicable to any
    unit is refused rather than silently left out of every replicate.

    Parameters
    ----------
    assessment : Assessment or AssessmentResult
    options : RobustnessOptions, optional

    Raises
    ------
    KaopingError
        As :func:`analyse_robustness`, and ``robustness.not_applicable`` naming the
        indicators no unit has.
    """
    result = assessment if isinstance(assessment, AssessmentResult) else assess(assessment)
    ev = result.evaluation
    empty = [ind.code for ind in ev.scheme.indicators if ev.stats[ind.code]["n"] == 0]
    if empty:
        raise KaopingError(
            [Problem("robustness.not_applicable", params={"codes": "、".join(empty)})]
        )
    options = options or RobustnessOptions()
    columns = None
    if options.expert_resamples:
        source = result.assessment if isinstance(assessment, AssessmentResult) else assessment
        if not source.expert_scores:
            raise KaopingError([Problem("robustness.no_expert_scores")])
        rng = np.random.default_rng(np.random.SeedSequence(options.seed).spawn(6)[5])
        columns = expert_resample_columns(
            ev.scheme, source.expert_scores, ev.data.codes, options.expert_resamples, rng
        )
    return analyse_robustness(ev.scheme, ev.data, options, nominal=ev, expert_columns=columns)


def expert_resample_columns(
    scheme: Scheme,
    scores: Sequence[ExpertScore],
    unit_codes: Sequence[str],
    resamples: int,
    rng: np.random.Generator,
) -> list[dict[str, np.ndarray]]:
    """Each item's experts resampled: per resample, the expert-scored fields' values.

    For every item, the experts who scored it (the professional group) are drawn again with
    replacement, as many as there were; each unit's item score is then aggregated by the
    scheme's rule (trimmed mean, median or mean) over the drawn experts' scores of that unit,
    an expert drawn twice counting twice. Recused experts have no score for the unit; a unit
    none of whose drawn experts scored it keeps its published score. An expert's leniency
    thus moves all the units he scored together, as it does in a real panel.

    Examples
    --------
    >>> from kaoping.scoring import load_scheme
    >>> scheme = load_scheme("beijing-small-loan")
    >>> scores = [ExpertScore(e, u, "M1", v) for e, row in
    ...           [("E1", (6, 7)), ("E2", (8, 9)), ("E3", (10, 10))] for u, v in zip("AB", row)]
    >>> cols = expert_resample_columns(scheme, scores, ["A", "B"], 2, np.random.default_rng(0))
    >>> field = [k for k in cols[0]][0]
    >>> [c[field].tolist() for c in cols]  # drawn: E3, E2, E2; then E1 three times
    [[8.666666666666666, 9.333333333333334], [6.0, 7.0]]
    """
    rules = expert_rules(scheme)
    by_item = {item.code: item for item in scoring_items(scheme)}
    position = {code: i for i, code in enumerate(unit_codes)}
    nominal = aggregate_experts(scheme, scores, unit_codes=unit_codes).columns(list(unit_codes))
    tables: dict[str, tuple[list[str], np.ndarray]] = {}
    for item in dict.fromkeys(s.item for s in scores):
        experts = sorted({s.expert for s in scores if s.item == item})
        table = np.full((len(unit_codes), len(experts)), np.nan)
        for s in scores:
            if s.item == item and s.unit_code in position:
                table[position[s.unit_code], experts.index(s.expert)] = s.score
        tables[item] = (experts, table)
    result = []
    for _ in range(resamples):
        columns = {}
        for item, (experts, table) in tables.items():
            field = by_item[item].field
            drawn = table[:, rng.integers(0, len(experts), len(experts))]
            values = nominal[field].copy()
            for u, row in enumerate(drawn):
                kept = row[~np.isnan(row)].tolist()
                if kept:
                    values[u] = aggregate_values(kept, rules)
            columns[field] = values
        result.append(columns)
    return result


def analyse_robustness(
    scheme: Scheme,
    data: BaseData,
    options: RobustnessOptions | None = None,
    *,
    nominal: EvaluationResult | None = None,
    expert_columns: Sequence[dict[str, np.ndarray]] | None = None,
    weight_pool: np.ndarray | None = None,
) -> RobustnessResult:
    """Monte Carlo analysis of how robust the ranking of ``data`` under ``scheme`` is.

    Parameters
    ----------
    scheme : Scheme
    data : BaseData
    options : RobustnessOptions, optional
    nominal : EvaluationResult, optional
        The published result of ``data`` (from :func:`analyse_assessment`): its totals and
        ranks are the nominal ones and its bonus points are added to every replicate.
    expert_columns : list of dict, optional
        The expert resamples (:func:`expert_resample_columns`), one per ``expert_resamples``.
    weight_pool : ndarray, optional
        Raw weight sets (``weight_sets`` x nodes of :class:`WeightTree`) to draw from instead
        of perturbing the scheme's (``bench/anchor_coinr.py`` passes COINr's own sets).

    Returns
    -------
    RobustnessResult

    Raises
    ------
    KaopingError
        Bad options, too few or too many units, or weight constraints that perturbed weights
        cannot meet.

    Examples
    --------
    >>> from kaoping.scoring import BaseData, scheme_from_dict
    >>> scheme = scheme_from_dict({"scheme": {"code": "t", "name": "t", "version": "1"},
    ...     "fields": [{"key": "x"}], "groups": [{"code": "G", "name": "G", "weight": 100}],
    ...     "indicators": [{"code": "X", "name": "X", "group": "G", "weight": 100,
    ...                     "formula": "x"}]})
    >>> data = BaseData.from_records([{"unit_code": c, "x": v} for c, v in
    ...                               [("1", 10), ("2", 30), ("3", 20)]])
    >>> result = analyse_robustness(scheme, data, RobustnessOptions(replicates=100))
    >>> result.median_rank.tolist(), result.p95_rank.tolist()
    ([3.0, 1.0, 2.0], [3.0, 1.0, 2.0])
    >>> [(s.factor, s.total) for s in result.sensitivity][:2]  # no rank ever moves
    [('weights', None), ('normalisation', None)]
    """
    options = options or RobustnessOptions()
    problems = options.problems(len(data))
    if problems:
        raise KaopingError(problems)
    model = RobustnessModel(
        scheme,
        data,
        options,
        bonus=nominal.bonus if nominal is not None else None,
        expert_columns=expert_columns,
    )
    if weight_pool is not None:
        model.use_weight_pool(weight_pool)
    warnings = []
    # With one comparative indicator every normalisation ranks alike: nothing to refuse.
    refuse = int(comparative_columns(scheme).sum()) > 1
    for factor, first, second in model.redundant_levels():
        problem = Problem(
            "robustness.redundant",
            column=OPTION_NAMES[factor],
            params={
                "first": (level_label(first), level_label(first, "en")),
                "second": (level_label(second), level_label(second, "en")),
            },
            severity="error" if factor == "normalisation" else "warning",
        )
        if factor == "normalisation" and refuse:
            raise KaopingError([problem])
        warnings.append(problem)
    if nominal is not None:
        nominal_totals, nominal_ranks = nominal.totals, nominal.ranks
    else:
        nominal_totals, nominal_ranks = model.nominal()
    tiers = TierRule.for_options(scheme, options, data)
    main_rng, a_rng, b_rng = random_streams(options.seed)
    draws = model.draw(options.replicates, main_rng)
    by_rank, tier_counts = _rank_histogram(model, draws, tiers)
    n, replicates = len(data), options.replicates
    counts = by_rank[1 : n + 1]  # ranks x units
    quantiles = _histogram_quantiles(counts, QUANTILES)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rank = (np.arange(1, n + 1) @ counts) / counts.sum(axis=0)
    sensitivity: list[FactorSensitivity] = []
    redraws = draws.redrawn
    if options.sensitivity_replicates and options.varying():
        size = options.sensitivity_replicates
        a, b = model.draw(size, a_rng), model.draw(size, b_rng)
        sensitivity = _sensitivity(model, a, b, nominal_ranks)
        redraws += a.redrawn + b.redrawn
    return RobustnessResult(
        scheme=scheme,
        units=list(data.units),
        options=options,
        tiers=tiers,
        nominal_totals=nominal_totals,
        nominal_ranks=nominal_ranks,
        median_rank=quantiles[1],
        p05_rank=quantiles[0],
        p95_rank=quantiles[2],
        mean_rank=mean_rank,
        unranked_share=by_rank[n + 1] / replicates,
        tier_probabilities=tier_counts[:, : len(tiers.names)] / replicates,
        sensitivity=sensitivity,
        weight_redraws=redraws,
        warnings=warnings,
    )


def random_streams(seed: int) -> tuple[np.random.Generator, ...]:
    """Independent generators for the main sample and the sensitivity samples A and B, so
    that the main result does not depend on whether sensitivity indices are asked for."""
    return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))


def _rank_histogram(
    model: RobustnessModel, draws: Draws, tiers: TierRule
) -> tuple[np.ndarray, np.ndarray]:
    """How often each unit took each rank (ranks+2 x units: row r counts rank r, the last
    row the replicates without a total) and each tier (units x tiers+1; last: none).

    Counted from the sorted rows themselves, never realigned by unit: a block of sorted
    positions holds a narrow band of ranks, so counting (rank, unit) pairs block by block
    touches a small, cache-sized part of the histogram.
    """
    n = len(model.data)
    slots = len(tiers.names) + 1
    dtype = np.int16 if n + 2 < np.iinfo(np.int16).max else np.int32
    by_rank = np.zeros((n + 2, n), dtype=np.int64)  # row r: rank r; row n + 1: unranked
    tier_counts = np.zeros(n * slots, dtype=np.int64)
    tasks = model.tasks(draws)
    rows = max(FLUSH_CELLS // n, max(len(r) for _, r in tasks))
    units_batch, ranks_batch = np.empty((rows, n), dtype), np.empty((rows, n), dtype)
    filled = 0

    def work(task):
        key, rows = task
        perm = model.combination(key).perm
        totals = model.task_totals(key, draws, rows)
        units, ranks = sorted_ranks(totals, model.decimals, labels=perm)
        if tiers.kind == "grades":
            slot = perm * slots + tiers.of_totals(totals)
        elif tiers.kind == "awards":
            slot = perm * slots + tiers.of_awards(totals, perm, model.decimals)
        else:
            slot = units * slots + tiers.of_ranks(ranks)
        return units, ranks, np.bincount(slot.reshape(-1), minlength=n * slots)

    for units, ranks, counts in model.map(work, tasks):
        tier_counts += counts
        if filled + len(units) > len(units_batch):
            _count_sorted_ranks(by_rank, units_batch[:filled], ranks_batch[:filled])
            filled = 0
        units_batch[filled : filled + len(units)] = units
        ranks_batch[filled : filled + len(units)] = ranks
        filled += len(units)
    _count_sorted_ranks(by_rank, units_batch[:filled], ranks_batch[:filled])
    return by_rank, tier_counts.reshape(n, slots)


def _count_sorted_ranks(by_rank: np.ndarray, units: np.ndarray, ranks: np.ndarray) -> None:
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


def _histogram_quantiles(counts: np.ndarray, qs: Sequence[float]) -> list[np.ndarray]:
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


def _sensitivity(
    model: RobustnessModel, a: Draws, b: Draws, nominal_ranks: np.ndarray | None = None
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


def _num(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


__all__ = [
    "COMPARATIVE",
    "Choices",
    "Draws",
    "FactorSensitivity",
    "RobustnessModel",
    "RobustnessOptions",
    "RobustnessResult",
    "TierQuota",
    "TierRule",
    "WeightTree",
    "analyse_robustness",
    "parse_tier_quotas",
    "perturb_weights",
    "random_streams",
    "rank_matrix",
    "scheme_for_choices",
    "sorted_ranks",
]
