"""The model: scores per combination of choices, totals and ranks per replicate."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from kaoping.scoring import composite
from kaoping.scoring.data import BaseData
from kaoping.scoring.errors import KaopingError, Problem
from kaoping.scoring.evaluation import (
    comparative_columns,
    competition_ranks,
    evaluate,
    prepare_columns,
    prepare_values,
    score_values,
)
from kaoping.scoring.formulas import FormulaError, parse_condition
from kaoping.scoring.robustness.draws import Choices, Draws
from kaoping.scoring.robustness.options import (
    AS_PUBLISHED,
    DISCRETE,
    RobustnessOptions,
    level_label,
    parse_normalisation,
    parse_treatment,
)
from kaoping.scoring.robustness.ranks import sorted_ranks
from kaoping.scoring.robustness.variants import (
    effective_normalisation,
    scheme_aggregation,
    scheme_treatment,
    scheme_variant,
)
from kaoping.scoring.robustness.weights import WeightTree, perturb_weights
from kaoping.scoring.schemes import IndicatorSpec, Scheme

MAX_REDRAW_ROUNDS = 200
CELLS_PER_TASK = 1 << 18  # replicates x units per work item: ~2 MB of float64, cache-sized
SHARE_CELLS = 1 << 22  # absolute weights kept for a whole sample up to 32 MB
SERIAL_CELLS = 1 << 20  # below this many (replicates x units), threads cost more than they save
T = TypeVar("T")
# A work item: a combination of discrete choices (its key) and the replicates drawing it.
Task = tuple[tuple[str, ...], np.ndarray]


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
        # (imputation, treatment, expert resample) -> imputed and treated values
        self._prepared: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._pool: np.ndarray | None = None
        self._indicator_variants: dict[str, tuple[IndicatorSpec, ...]] = {}
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
            effective_normalisation(i.normalisation, name) == "zscore"
            for i in self.scheme.indicators
        )
        rules = self.scheme.scoring
        return (
            norm,
            sd if uses_z else "-",
            na,
            rules.imputation if imp == AS_PUBLISHED else imp,
            scheme_treatment(self.scheme) if treat == AS_PUBLISHED else treat,
            scheme_aggregation(self.scheme) if agg == AS_PUBLISHED else agg,
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
            variant = scheme_variant(self.scheme, choices, self._indicator_variants)
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
        levels = [*self.options.levels("treatment"), scheme_treatment(self.scheme)]
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
            aggregation = scheme_aggregation(self.scheme)
        except KaopingError:  # mixed methods: only the evaluation computes them
            result = evaluate(self.scheme, self.data)
            return result.totals, result.ranks
        key = (
            AS_PUBLISHED,
            rules.sd,
            rules.not_applicable,
            rules.imputation,
            scheme_treatment(self.scheme),
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
    def tasks(self, draws: Draws) -> list[Task]:
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
            if weights is None:
                raise ValueError("block_totals needs the weights or their shares")
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
        self, draws: Draws, task: Task, dtype: type[np.integer[Any]] = np.int32
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

    def ranks(self, draws: Draws, dtype: type[np.integer[Any]] = np.int32) -> np.ndarray:
        """Competition ranks of every replicate (replicates x units, 0 = unranked)."""
        out = np.zeros((len(draws), len(self.data)), dtype=dtype)
        tasks = self.tasks(draws)
        results = self.map(lambda task: self.task_ranks(draws, task, dtype)[1], tasks)
        for (_, rows), aligned in zip(tasks, results, strict=True):
            out[rows] = aligned
        return out

    def map(self, fn: Callable[[Task], T], tasks: Sequence[Task]) -> Iterator[T]:
        """Apply ``fn`` to the tasks in threads (numpy releases the GIL), yielding results in
        task order; at most two tasks per thread are in flight, which bounds memory."""
        for key in dict.fromkeys(k for k, _ in tasks):
            self.combination(key)  # computed once, before the threads share them
        cells = sum(len(rows) for _, rows in tasks) * len(self.data)
        if self.workers <= 1 or len(tasks) <= 1 or cells < SERIAL_CELLS:
            yield from map(fn, tasks)
            return
        with ThreadPoolExecutor(self.workers) as pool:
            pending: deque[Future[T]] = deque()
            for task in tasks:
                pending.append(pool.submit(fn, task))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


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
