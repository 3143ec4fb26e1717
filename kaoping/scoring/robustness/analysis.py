"""The analysis: the Monte Carlo from an assessment (or a scheme and its data) to a result."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kaoping.scoring.assessment import Assessment, AssessmentResult, assess
from kaoping.scoring.data import BaseData
from kaoping.scoring.errors import KaopingError, Listing, Problem
from kaoping.scoring.evaluation import (
    EvaluationResult,
    comparative_columns,
)
from kaoping.scoring.experts import (
    ExpertScore,
    aggregate_experts,
    aggregate_values,
    expert_rules,
    scoring_items,
)
from kaoping.scoring.robustness.draws import Draws
from kaoping.scoring.robustness.model import RobustnessModel, Task
from kaoping.scoring.robustness.options import (
    OPTION_NAMES,
    QUANTILES,
    RobustnessOptions,
    level_label,
)
from kaoping.scoring.robustness.ranks import count_sorted_ranks, histogram_quantiles, sorted_ranks
from kaoping.scoring.robustness.result import RobustnessResult
from kaoping.scoring.robustness.sensitivity import FactorSensitivity, sensitivity_indices
from kaoping.scoring.robustness.tiers import TierRule
from kaoping.scoring.schemes import Scheme

FLUSH_CELLS = 1 << 23  # ranks collected (replicates x units) before they are counted


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
            [Problem("robustness.not_applicable", params={"codes": Listing(tuple(empty))})]
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
    quantiles = histogram_quantiles(counts, QUANTILES)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rank = (np.arange(1, n + 1) @ counts) / counts.sum(axis=0)
    sensitivity: list[FactorSensitivity] = []
    redraws = draws.redrawn
    if options.sensitivity_replicates and options.varying():
        size = options.sensitivity_replicates
        a, b = model.draw(size, a_rng), model.draw(size, b_rng)
        sensitivity = sensitivity_indices(model, a, b, nominal_ranks)
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

    def work(task: Task) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
            count_sorted_ranks(by_rank, units_batch[:filled], ranks_batch[:filled])
            filled = 0
        units_batch[filled : filled + len(units)] = units
        ranks_batch[filled : filled + len(units)] = ranks
        filled += len(units)
    count_sorted_ranks(by_rank, units_batch[:filled], ranks_batch[:filled])
    return by_rank, tier_counts.reshape(n, slots)
