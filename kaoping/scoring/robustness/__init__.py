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

The package, a module per step: :mod:`.options` (what varies, its levels in words),
:mod:`.weights` (the weight tree, perturbed weights), :mod:`.draws` (the random inputs of the
replicates), :mod:`.variants` (the scheme under a replicate's choices), :mod:`.model` (scores
per combination, totals and ranks per replicate), :mod:`.ranks` (vectorised competition
ranks), :mod:`.tiers` (award tiers per replicate), :mod:`.sensitivity` (Saltelli's indices),
:mod:`.result` (the result as rows and documents) and :mod:`.analysis` (the entry points).
Everything public is importable from ``kaoping.scoring.robustness`` itself.
"""

from kaoping.scoring.evaluation import COMPARATIVE
from kaoping.scoring.robustness.analysis import (
    analyse_assessment,
    analyse_robustness,
    expert_resample_columns,
    random_streams,
)
from kaoping.scoring.robustness.draws import Choices, Draws
from kaoping.scoring.robustness.model import RobustnessModel
from kaoping.scoring.robustness.options import (
    AS_PUBLISHED,
    BONUS_LEVELS,
    DISCRETE,
    FACTORS,
    FIELDS,
    MAX_UNITS,
    OPTION_NAMES,
    QUANTILES,
    TREATMENT_LEVELS,
    RobustnessOptions,
    TierQuota,
    level_label,
    parse_normalisation,
    parse_tier_quotas,
    parse_treatment,
)
from kaoping.scoring.robustness.ranks import rank_matrix, sorted_ranks
from kaoping.scoring.robustness.result import RobustnessResult
from kaoping.scoring.robustness.sensitivity import FactorSensitivity
from kaoping.scoring.robustness.tiers import TierRule
from kaoping.scoring.robustness.variants import scheme_for_choices
from kaoping.scoring.robustness.weights import WeightTree, perturb_weights

__all__ = [
    "AS_PUBLISHED",
    "BONUS_LEVELS",
    "COMPARATIVE",
    "DISCRETE",
    "FACTORS",
    "FIELDS",
    "MAX_UNITS",
    "OPTION_NAMES",
    "QUANTILES",
    "TREATMENT_LEVELS",
    "Choices",
    "Draws",
    "FactorSensitivity",
    "RobustnessModel",
    "RobustnessOptions",
    "RobustnessResult",
    "TierQuota",
    "TierRule",
    "WeightTree",
    "analyse_assessment",
    "analyse_robustness",
    "expert_resample_columns",
    "level_label",
    "parse_normalisation",
    "parse_tier_quotas",
    "parse_treatment",
    "perturb_weights",
    "random_streams",
    "rank_matrix",
    "scheme_for_choices",
    "sorted_ranks",
]
