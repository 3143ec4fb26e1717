"""What a robustness analysis varies, how much, and how it is summarised: the options,
their levels and the levels in words."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kaoping.scoring.composite import AGGREGATIONS, IMPUTATIONS
from kaoping.scoring.errors import KaopingError, Problem
from kaoping.scoring.evaluation import (
    COMPARATIVE,
)
from kaoping.scoring.i18n import gettext, gettext_noop, gettext_pair, normalise_language, pgettext
from kaoping.scoring.schemes import NA_POLICIES, SD_KINDS

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


def factor_label(factor: str, lang: str = "zh") -> str:
    """An uncertain choice in words.

    Examples
    --------
    >>> factor_label("sd"), factor_label("sd", "en")
    ('标准差口径', 'standard deviation')
    """
    return _factor_labels(normalise_language(lang)).get(factor, factor)


@functools.cache
def _factor_labels(lang: str) -> dict[str, str]:
    return {
        "weights": pgettext("robustness factor", "weights", lang),
        "normalisation": pgettext("robustness factor", "normalisation", lang),
        "sd": pgettext("robustness factor", "standard deviation", lang),
        "not_applicable": pgettext("robustness factor", "not-applicable indicators", lang),
        "imputation": pgettext("robustness factor", "imputation", lang),
        "treatment": pgettext("robustness factor", "outlier treatment", lang),
        "aggregation": pgettext("robustness factor", "aggregation", lang),
        "experts": pgettext("robustness factor", "expert scores (experts resampled)", lang),
        "bonus": pgettext("robustness factor", "bonus / deduction points", lang),
    }


@functools.cache
def _level_labels(lang: str) -> dict[str, str]:
    return {
        "zscore": pgettext("robustness level", "z-score", lang),
        "minmax": pgettext("robustness level", "min-max", lang),
        "efficacy": pgettext("robustness level", "efficacy coefficient", lang),
        AS_PUBLISHED: pgettext("robustness level", "as published", lang),
        "population": pgettext("robustness level", "population", lang),
        "sample": pgettext("robustness level", "sample", lang),
        "renormalise": pgettext("robustness level", "renormalise siblings", lang),
        "zero": pgettext("robustness level", "count as 0", lang),
        "mean": pgettext("robustness level", "count as the mean", lang),
        "none": pgettext("robustness level", "none", lang),
        "group_mean": pgettext("robustness level", "group mean", lang),
        "group_median": pgettext("robustness level", "group median", lang),
        "log": pgettext("robustness level", "log transform", lang),
        "arithmetic": pgettext("robustness level", "arithmetic mean", lang),
        "geometric": pgettext("robustness level", "geometric mean", lang),
        "on": pgettext("robustness level", "counted", lang),
        "off": pgettext("robustness level", "left out", lang),
        "uniform": pgettext("robustness level", "a uniform share counted", lang),
    }


def level_label(level: str, lang: str = "zh") -> str:
    """A level in words; parameterised levels (``minmax:1-100``, ``zscore:10,2``,
    ``winsorise:3``) spell out their parameters.

    Examples
    --------
    >>> level_label("winsorise:3"), level_label("minmax:1-100", "en")
    ('缩尾（至多 3 个点）', 'min-max onto 1-100')
    """
    name, _, arg = level.partition(":")
    if not arg:
        return _level_labels(normalise_language(lang)).get(level, level)
    if name == "winsorise":
        return gettext("winsorise (at most {n} points)", lang).format(n=arg)
    if name == "experts":
        return gettext("panel resample {n}", lang).format(n=arg)
    if name == "minmax":
        return gettext("min-max onto {range}", lang).format(range=arg)
    base, _, scale = arg.partition(",")
    return gettext("z-score ({base} + {scale}z)", lang).format(base=base, scale=scale)


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
            bad("--replicates", self.replicates, gettext_pair(gettext_noop("2 to 10,000,000")))
        if not 0 <= self.weight_spread < 1:
            bad("--weight-spread", self.weight_spread, gettext_pair(gettext_noop("0 <= x < 1")))
        if not 0 <= self.sensitivity_replicates <= 1_000_000:
            bad(
                "--sensitivity-replicates",
                self.sensitivity_replicates,
                gettext_pair(gettext_noop("0 to 1,000,000")),
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
                message = gettext_noop("one or more of {levels}")
                zh, en = (
                    gettext(message, lang).format(
                        levels=pgettext("enumeration", ", ", lang).join(allowed)
                    )
                    for lang in ("zh", "en")
                )
                bad(option, ",".join(values), (zh, en))
        if self.tiers is not None:
            total = sum(t.percent for t in self.tiers)
            if not self.tiers or any(not t.percent > 0 for t in self.tiers) or total > 100 + 1e-9:
                shown = ",".join(f"{t.name}:{t.percent:g}" for t in self.tiers)
                bad(
                    "--tiers",
                    shown,
                    gettext_pair(gettext_noop("percentages above 0 adding up to at most 100")),
                )
        if self.weight_levels is not None and (
            not self.weight_levels or any(not 1 <= lv <= 20 for lv in self.weight_levels)
        ):
            bad(
                "--weight-levels",
                ",".join(map(str, self.weight_levels)),
                gettext_pair(gettext_noop("levels from 1, e.g. 2,3")),
            )
        if not 0 <= self.weight_sets <= 1_000_000:
            bad("--weight-sets", self.weight_sets, gettext_pair(gettext_noop("0 to 1,000,000")))
        if self.sensitivity_output not in ("ranks", "mean_rank_change"):
            bad(
                "--sensitivity-output",
                self.sensitivity_output,
                gettext_pair(gettext_noop("ranks or mean_rank_change")),
            )
        if self.expert_resamples == 1 or not 0 <= self.expert_resamples <= 10_000:
            bad(
                "--expert-resamples",
                self.expert_resamples,
                gettext_pair(gettext_noop("0, or 2 to 10,000")),
            )
        if not 0 <= self.bootstrap <= 100_000:
            bad("--bootstrap", self.bootstrap, gettext_pair(gettext_noop("0 to 100,000")))
        if not 2 <= units <= MAX_UNITS:
            found.append(Problem("robustness.units", params={"n": units, "max": MAX_UNITS}))
        return found


def _valid_level(value: str, allowed: Sequence[str], parse: Callable[[str], object] | None) -> bool:
    if value in allowed:
        return True
    if parse is None:
        return False
    try:
        parse(value)
    except ValueError:
        return False
    return True


def default_tier_name(number: int, lang: str = "zh") -> str:
    """The name of an unnamed rank-quota tier: 第1档 (tier 1)."""
    return gettext("tier {n}", lang).format(n=number)


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
                            "expected": gettext_pair(
                                gettext_noop("percentages such as 20,30 or top:20,next:30")
                            ),
                        },
                    )
                ]
            )
        tiers.append(TierQuota(name=name.strip() or default_tier_name(n + 1), percent=percent))
    return tuple(tiers)
