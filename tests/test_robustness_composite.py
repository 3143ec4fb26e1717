"""Robustness on the composite-indicator choices (imputation, outlier treatment,
parameterised normalisations, aggregation, weight noise per level, weight sets), award tiers
under the scheme's award rules, redundant alternatives, and the estimators checked against
brute force: exact enumeration of the discrete choices."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from kaoping.scoring import BaseData, evaluate, load_scheme, scheme_from_dict
from kaoping.scoring.awards import decide_awards
from kaoping.scoring.errors import KaopingError
from kaoping.scoring.robustness import (
    DISCRETE,
    Draws,
    RobustnessModel,
    RobustnessOptions,
    TierRule,
    WeightTree,
    analyse_robustness,
    random_streams,
    scheme_for_choices,
)
from kaoping.tables import read_base_data

DEMO = Path(__file__).resolve().parent.parent / "examples" / "mof-2012-demo-2024.csv"


def composite_scheme(**scoring) -> object:
    """Two levels of groups, five comparative indicators (one lower-is-better), an expert
    score that is never swapped, a text field for group imputation, award rules with a
    requirement and a veto."""
    return scheme_from_dict(
        {
            "scheme": {"code": "ci", "name": "综合指数", "version": "1"},
            "scoring": {
                "normalisation": "minmax",
                "floor": -1e6,
                "cap": 1e6,
                "imputation": "group_mean",
                "imputation_group": "region",
                **scoring,
            },
            "fields": [
                *({"key": k} for k in ("a", "b", "c", "d", "e", "expert", "jobs", "goal", "bad")),
                {"key": "region", "type": "text", "required": False},
            ],
            "groups": [
                {"code": "P", "name": "P", "weight": 60},
                {"code": "P1", "name": "P1", "weight": 50, "parent": "P"},
                {"code": "P2", "name": "P2", "weight": 50, "parent": "P"},
                {"code": "Q", "name": "Q", "weight": 40},
            ],
            "indicators": [
                {
                    "code": "A",
                    "name": "A",
                    "group": "P1",
                    "weight": 60,
                    "formula": "a",
                    "params": {"low": 1, "high": 100},
                },
                {
                    "code": "B",
                    "name": "B",
                    "group": "P1",
                    "weight": 40,
                    "formula": "b",
                    "direction": "lower",
                    "params": {"low": 1, "high": 100},
                },
                {
                    "code": "C",
                    "name": "C",
                    "group": "P2",
                    "weight": 50,
                    "formula": "c",
                    "params": {"low": 1, "high": 100},
                },
                {
                    "code": "D",
                    "name": "D",
                    "group": "P2",
                    "weight": 50,
                    "formula": "d / e",
                    "params": {"low": 1, "high": 100},
                },
                {
                    "code": "E",
                    "name": "E",
                    "group": "Q",
                    "weight": 70,
                    "formula": "expert",
                    "normalisation": "direct",
                },
                {
                    "code": "F",
                    "name": "F",
                    "group": "Q",
                    "weight": 30,
                    "formula": "e",
                    "params": {"low": 1, "high": 100},
                },
            ],
            "awards": {
                "pass_line": 40,
                "method": "both",
                "tiers": [
                    {"name": "一等", "min": 60, "share": 20},
                    {"name": "二等", "min": 45, "share": 30},
                    {"name": "三等", "min": 40},
                ],
                "requires": [{"condition": "jobs >= goal", "label": "完成目标"}],
            },
            "veto": [{"condition": "bad > 0", "label": "否决"}],
        }
    )


def composite_data(n: int = 30, seed: int = 5) -> BaseData:
    rng = np.random.default_rng(seed)
    records = []
    for u in range(n):
        records.append(
            {
                "unit_code": f"U{u:02d}",
                "a": rng.lognormal(2, 1.0),
                "b": rng.lognormal(1, 0.8),
                "c": rng.normal(50, 10),
                "d": rng.lognormal(3, 1.2),
                "e": rng.uniform(1, 5),
                "expert": rng.uniform(50, 95),
                "jobs": rng.integers(80, 120),
                "goal": 100,
                "bad": int(u % 11 == 3),
            }
        )
    records[2]["a"] = None
    records[7]["c"] = None
    records[9]["a"] = 400.0  # an outlier to treat
    data = BaseData.from_records(records)
    data.extras["region"] = ["东" if u % 3 else "西" for u in range(n)]
    return data


FULL = dict(
    normalisations=("minmax:1-100", "zscore:10,2", "scheme"),
    sd_kinds=("sample",),
    na_policies=("renormalise", "mean"),
    imputations=("group_mean", "group_median", "none"),
    treatments=("none", "winsorise:1", "winsorise:3", "log"),
    aggregations=("arithmetic", "geometric"),
)


def slow_totals(scheme, data, model, draws):
    """The reference: each replicate's scheme written out and evaluated from scratch."""
    results = [
        evaluate(scheme_for_choices(scheme, model.choices(draws, r)), data)
        for r in range(len(draws))
    ]
    return np.array([r.totals for r in results]), np.array([r.ranks for r in results]), results


def test_fast_path_agrees_with_the_slow_loop_on_every_new_choice():
    scheme, data = composite_scheme(), composite_data()
    options = RobustnessOptions(weight_spread=0.3, weight_levels=(1, 3), **FULL)
    model = RobustnessModel(scheme, data, options)
    draws = model.draw(80, np.random.default_rng(4))
    totals, ranks, _ = slow_totals(scheme, data, model, draws)
    fast = model.totals(draws)
    assert np.allclose(fast, totals, rtol=1e-10, atol=1e-9, equal_nan=True)
    assert np.array_equal(model.ranks(draws), ranks)
    for factor in DISCRETE:  # the draws really exercise every choice
        assert len(set(getattr(draws, factor).tolist())) == len(options.levels(factor))


def test_nominal_equals_the_evaluation():
    scheme, data = composite_scheme(treatment="winsorise", winsorise_limit=2), composite_data()
    totals, ranks = RobustnessModel(scheme, data, RobustnessOptions()).nominal()
    result = evaluate(scheme, data)
    assert np.allclose(totals, result.totals, rtol=1e-12) and np.array_equal(ranks, result.ranks)


def test_weight_noise_only_at_the_chosen_levels_and_weight_sets_are_a_pool():
    scheme = composite_scheme()
    tree = WeightTree.of(scheme)
    assert dict(zip(tree.codes, tree.levels.tolist(), strict=True)) == {
        "P": 3,
        "P1": 2,
        "P2": 2,
        "Q": 2,
        "A": 1,
        "B": 1,
        "C": 1,
        "D": 1,
        "E": 1,
        "F": 1,
    }
    options = RobustnessOptions(weight_spread=0.25, weight_levels=(2,), weight_sets=7)
    model = RobustnessModel(scheme, composite_data(), options)
    weights = model.draw(500, np.random.default_rng(1)).weights
    moved = ~np.isclose(weights, WeightTree.of(scheme).nominal).all(axis=0)
    # Level 2 is P1, P2 and Q; P moves only because its sibling Q does (renormalised).
    assert [c for c, m in zip(tree.codes, moved, strict=True) if m] == ["P", "P1", "P2", "Q"]
    assert len(np.unique(weights, axis=0)) <= 7
    assert np.array_equal(np.unique(weights, axis=0), np.unique(model.weight_pool(), axis=0))


def test_award_tiers_equal_decide_awards_replicate_by_replicate():
    scheme, data = composite_scheme(), composite_data()
    options = RobustnessOptions(
        weight_spread=0.4, normalisations=("scheme",), treatments=("none", "winsorise:2")
    )
    model = RobustnessModel(scheme, data, options)
    draws = model.draw(60, np.random.default_rng(8))
    tiers = TierRule.for_options(scheme, options, data)
    assert tiers.kind == "awards" and tiers.names == ("一等", "二等", "三等")
    got = tiers.of_awards(model.totals(draws), np.arange(len(data)))
    _, _, results = slow_totals(scheme, data, model, draws)
    names = [*tiers.names, None]
    for r, result in enumerate(results):
        want = [
            d.tier
            for d in sorted(
                decide_awards(result).decisions, key=lambda d: data.codes.index(d.unit_code)
            )
        ]
        assert [names[t] for t in got[r]] == want
    assert (got < 3).any() and (got == 3).any()  # some awarded, some not
    vetoed = [u for u in range(len(data)) if u % 11 == 3]
    assert (got[:, vetoed] == 3).all()


def test_award_probabilities_are_shares_of_the_replicates():
    scheme, data = composite_scheme(), composite_data()
    options = RobustnessOptions(
        replicates=400, normalisations=("scheme",), sensitivity_replicates=0, seed=2
    )
    result = analyse_robustness(scheme, data, options)
    model = RobustnessModel(scheme, data, options)
    draws = model.draw(400, random_streams(2)[0])
    tiers = TierRule.for_options(scheme, options, data)
    got = tiers.of_awards(model.totals(draws), np.arange(len(data)))
    for t in range(3):
        assert np.array_equal(result.tier_probabilities[:, t], (got == t).mean(axis=0))


def test_no_score_threshold_tiers_when_the_scale_varies():
    result = analyse_robustness(
        composite_scheme(),
        composite_data(),
        RobustnessOptions(replicates=50, sensitivity_replicates=0),
    )
    assert result.tiers.kind == "none" and result.tier_probabilities.shape[1] == 0


def test_redundant_normalisations_are_refused_and_other_redundancy_warned():
    scheme = load_scheme("mof-2012")
    data = read_base_data(DEMO, scheme)
    with pytest.raises(KaopingError) as caught:
        analyse_robustness(
            scheme, data, RobustnessOptions(replicates=20, normalisations=("minmax", "efficacy"))
        )
    assert caught.value.problems[0].code == "robustness.redundant"
    assert "极差法" in caught.value.problems[0].text("zh")
    result = analyse_robustness(
        composite_scheme(),
        composite_data(),
        RobustnessOptions(
            replicates=20,
            normalisations=("minmax",),
            treatments=("winsorise:5", "winsorise:6"),
            sd_kinds=("sample",),
            na_policies=("renormalise",),
            sensitivity_replicates=0,
        ),
    )
    assert [w.code for w in result.warnings] == ["robustness.redundant"]


def test_geometric_needs_positive_scores():
    scheme, data = composite_scheme(), composite_data()
    with pytest.raises(KaopingError) as caught:
        analyse_robustness(
            scheme,
            data,
            RobustnessOptions(
                replicates=20, normalisations=("zscore:0,1",), aggregations=("geometric",)
            ),
        )
    assert caught.value.problems[0].code == "robustness.geometric_nonpositive"


# --- the estimators against brute force ---------------------------------------------------


def enumerate_outputs(model: RobustnessModel) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Every combination of the discrete levels (weights fixed): its ranks (combos x units)."""
    o = model.options
    grid = list(itertools.product(*(range(len(o.levels(f))) for f in DISCRETE)))
    columns = np.array(grid).T
    draws = Draws(np.tile(model.tree.nominal, (len(grid), 1)), *columns)
    return model.ranks(draws).astype(float), grid


def brute_force_indices(ranks, grid, factors) -> dict[str, tuple[float, float]]:
    """Exact first-order and total indices of the summed rank variance, by enumeration:
    S_i = Σ_u Var(E[Y_u | X_i]) / Σ_u Var(Y_u); S_Ti = Σ_u E[Var(Y_u | X_~i)] / Σ_u Var(Y_u)."""
    grid = np.array(grid)
    total = ranks.var(axis=0).sum()
    out = {}
    for factor in factors:
        i = DISCRETE.index(factor)
        levels = np.unique(grid[:, i])
        means = np.array([ranks[grid[:, i] == v].mean(axis=0) for v in levels])
        first = means.var(axis=0).sum()
        others = [tuple(np.delete(row, i)) for row in grid]
        rest = {}
        for row, key in enumerate(others):
            rest.setdefault(key, []).append(row)
        within = np.mean([ranks[rows].var(axis=0).sum() for rows in rest.values()])
        out[factor] = (first / total, within / total)
    return out


def test_rank_distribution_and_indices_agree_with_exact_enumeration():
    scheme, data = composite_scheme(), composite_data(16, seed=9)
    options = RobustnessOptions(
        replicates=20_000,
        weight_spread=0,
        normalisations=("minmax:1-100", "zscore:10,2"),
        sd_kinds=("sample",),
        na_policies=("renormalise",),
        imputations=("group_mean", "none"),
        treatments=("none", "winsorise:1", "log"),
        aggregations=("arithmetic", "geometric"),
        sensitivity_replicates=4000,
        bootstrap=200,
        seed=3,
    )
    model = RobustnessModel(scheme, data, options)
    ranks, grid = enumerate_outputs(model)
    result = analyse_robustness(scheme, data, options)
    # Rank probabilities: the exact mean rank, and the Monte Carlo mean within 4 se.
    n = len(data)
    exact_mean = ranks.mean(axis=0)
    se = ranks.std(axis=0) / np.sqrt(options.replicates)
    assert (np.abs(result.mean_rank - exact_mean) <= 4 * se + 1e-12).all()
    # Indices: each exact value within the estimate's bootstrap interval, widened by 0.05
    # (an interval at 90% over a dozen indices may miss once).
    exact = brute_force_indices(ranks, grid, options.varying())
    for s in result.sensitivity:
        first, total = exact[s.factor]
        assert s.first_order_ci[0] - 0.05 <= first <= s.first_order_ci[1] + 0.05, s
        assert s.total_ci[0] - 0.05 <= total <= s.total_ci[1] + 0.05, s
        assert abs(s.total - total) < 0.05, s
    assert n == 16 and max(exact.values())[1] > 0.1  # the choices do move ranks


def test_coinr_scalar_output_against_its_formula():
    scheme, data = composite_scheme(), composite_data(20)
    options = RobustnessOptions(
        replicates=10,
        weight_spread=0.25,
        normalisations=("minmax:1-100", "zscore:10,2"),
        sd_kinds=("sample",),
        na_policies=("renormalise",),
        aggregations=("arithmetic", "geometric"),
        sensitivity_replicates=300,
        sensitivity_output="mean_rank_change",
        bootstrap=50,
        seed=4,
    )
    result = analyse_robustness(scheme, data, options)
    model = RobustnessModel(scheme, data, options)
    _, a_rng, b_rng = random_streams(4)
    a, b = model.draw(300, a_rng), model.draw(300, b_rng)
    nominal = result.nominal_ranks.astype(float)

    def y(draws):
        return np.abs(model.ranks(draws) - nominal).mean(axis=1)

    ya, yb = y(a), y(b)
    var = np.var(np.concatenate([ya, yb]), ddof=1)
    for s in result.sensitivity:
        yab = y(a.with_factor(s.factor, b))
        assert s.first_order == pytest.approx(np.mean(yb * (yab - ya)) / var, rel=1e-9)
        assert s.total == pytest.approx(np.sum((ya - yab) ** 2) / (2 * 300 * var), rel=1e-9)
        assert s.first_order_ci[0] <= s.first_order_ci[1]


# --- expert scores and bonus points on the Beijing example ---------------------------------

BEIJING = DEMO.parent / "beijing"


def beijing_assessment():
    from kaoping.tables.inputs import read_assessment

    return read_assessment(
        BEIJING / "district-2024.csv",
        "beijing-district-comprehensive",
        experts=BEIJING / "experts-2024.xlsx",
        recusals=BEIJING / "recusals.csv",
        adjustments=BEIJING / "adjustments-2024.csv",
        targets=BEIJING / "targets-2024.csv",
    )


def test_expert_resamples_draw_each_items_panel_with_replacement():
    from kaoping.scoring.experts import aggregate_values, expert_rules
    from kaoping.scoring.robustness import expert_resample_columns

    a = beijing_assessment()
    scheme, codes = a.scheme, a.data.codes
    rng = np.random.default_rng(3)
    columns = expert_resample_columns(scheme, a.expert_scores, codes, 30, rng)
    rules = expert_rules(scheme)
    by_item: dict = {}
    for s in a.expert_scores:
        by_item.setdefault(s.item, {}).setdefault(s.expert, {})[s.unit_code] = s.score
    # Replay the same draws by hand: experts sorted, drawn with replacement, per item.
    replay = np.random.default_rng(3)
    from kaoping.scoring.experts import scoring_items

    fields = {i.code: i.field for i in scoring_items(scheme)}
    for resample in columns:
        for item in dict.fromkeys(s.item for s in a.expert_scores):
            experts = sorted(by_item[item])
            drawn = [experts[k] for k in replay.integers(0, len(experts), len(experts))]
            for u, code in enumerate(codes):
                kept = [by_item[item][e][code] for e in drawn if code in by_item[item][e]]
                if kept:
                    assert resample[fields[item]][u] == pytest.approx(
                        aggregate_values(kept, rules), rel=1e-12
                    )


def test_experts_and_bonus_fast_path_equals_the_assessment_rewritten():
    from kaoping.scoring.assessment import assess
    from kaoping.scoring.robustness import expert_resample_columns

    a = beijing_assessment()
    result = assess(a)
    ev = result.evaluation
    assert ev.bonus.any()
    options = RobustnessOptions(
        weight_spread=0.2,
        normalisations=("scheme",),
        expert_resamples=6,
        bonus_levels=("on", "off"),
    )
    cols = expert_resample_columns(
        a.scheme, a.expert_scores, ev.data.codes, 6, np.random.default_rng(1)
    )
    model = RobustnessModel(a.scheme, ev.data, options, bonus=ev.bonus, expert_columns=cols)
    draws = model.draw(40, np.random.default_rng(2))
    fast = model.totals(draws)
    for r in range(len(draws)):
        choices = model.choices(draws, r)
        k = int(choices.experts.partition(":")[2])
        data = BaseData(units=ev.data.units, columns={**ev.data.columns, **cols[k]})
        slow = evaluate(scheme_for_choices(a.scheme, choices), data).totals
        if choices.bonus == "on":
            slow = slow + ev.bonus
        assert np.allclose(fast[r], slow, rtol=1e-12, atol=1e-9)
    assert {c for c in draws.bonus.tolist()} == {0, 1}


def test_expert_uncertainty_through_the_assessment_entry_point():
    from kaoping.scoring.robustness import analyse_assessment

    options = RobustnessOptions(
        replicates=300,
        weight_spread=0,
        normalisations=("scheme",),
        sd_kinds=("population",),
        na_policies=("renormalise",),
        expert_resamples=50,
        sensitivity_replicates=200,
        seed=1,
    )
    result = analyse_assessment(beijing_assessment(), options)
    [experts] = result.sensitivity
    assert experts.factor == "experts" and experts.total > 0.5  # the only thing that varies
    assert (result.p95_rank - result.p05_rank).max() > 0  # and it moves ranks
    # A round without expert sheets has nothing to resample: said so, by name.
    from kaoping.scoring.assessment import Assessment

    scheme = load_scheme("mof-2012")
    plain = Assessment(scheme, read_base_data(DEMO, scheme))
    with pytest.raises(KaopingError) as caught:
        analyse_assessment(plain, options)
    assert caught.value.problems[0].code == "robustness.no_expert_scores"


# --- the worked examples of docs/robustness.md ---------------------------------------------


def two_scores_scheme(**scoring):
    return scheme_from_dict(
        {
            "scheme": {"code": "ex", "name": "例", "version": "1"},
            "scoring": {"normalisation": "direct", **scoring},
            "fields": [{"key": "x"}, {"key": "y"}, {"key": "g", "type": "text", "required": False}],
            "groups": [{"code": "G", "name": "G", "weight": 100}],
            "indicators": [
                {"code": "X", "name": "X", "group": "G", "weight": 50, "formula": "x"},
                {"code": "Y", "name": "Y", "group": "G", "weight": 50, "formula": "y"},
            ],
        }
    )


def test_worked_example_aggregation():
    scheme = two_scores_scheme()
    data = BaseData.from_records(
        [{"unit_code": "A", "x": 90, "y": 40}, {"unit_code": "B", "x": 62, "y": 62}]
    )
    options = RobustnessOptions(
        replicates=1000,
        weight_spread=0,
        normalisations=("scheme",),
        sd_kinds=("population",),
        na_policies=("renormalise",),
        aggregations=("arithmetic", "geometric"),
        sensitivity_replicates=20_000,
        seed=1,
    )
    model = RobustnessModel(scheme, data, options)
    draws = model.draw(1000, random_streams(1)[0])
    totals = model.totals(draws)
    arithmetic = draws.aggregation == 0
    assert np.allclose(totals[arithmetic], [65.0, 62.0])
    assert np.allclose(totals[~arithmetic], [60.0, 62.0])
    result = analyse_robustness(scheme, data, options)
    assert result.mean_rank[0] == pytest.approx(1 + (~arithmetic).mean())
    [s] = result.sensitivity
    assert s.factor == "aggregation" and s.first_order == pytest.approx(1.0, abs=0.05)
    assert s.total == pytest.approx(1.0, abs=0.05)


def test_worked_example_imputation():
    scheme = composite_scheme()
    data = composite_data()
    by_mean = RobustnessModel(scheme, data, RobustnessOptions(imputations=("group_mean",)))
    none = RobustnessModel(scheme, data, RobustnessOptions(imputations=("none",)))
    key = (0,) * len(DISCRETE)
    used_mean = by_mean.used_scores(by_mean.combination_key(*key))
    used_none = none.used_scores(none.combination_key(*key))
    assert np.isnan(used_none[2, 0]) and not np.isnan(used_mean[2, 0])  # unit 2 lacks a
    complete = [u for u in range(len(data)) if u not in (2, 7)]
    assert np.isnan(used_none[complete]).sum() == 0


# --- the command ---------------------------------------------------------------------------


def test_command_varies_experts_and_bonus_and_names_bad_options():
    import json

    from click.testing import CliRunner

    from kaoping.cli.main import app

    runner = CliRunner()
    args = [
        "robustness",
        str(BEIJING / "district-2024.csv"),
        "-s",
        "beijing-district-comprehensive",
        "-e",
        str(BEIJING / "experts-2024.xlsx"),
        "--recusals",
        str(BEIJING / "recusals.csv"),
        "-a",
        str(BEIJING / "adjustments-2024.csv"),
        "-t",
        str(BEIJING / "targets-2024.csv"),
        "--normalisations",
        "scheme",
        "--sd",
        "population",
        "--na",
        "renormalise",
        "-n",
        "200",
        "--sensitivity-replicates",
        "100",
    ]
    done = runner.invoke(
        app, [*args, "--expert-resamples", "20", "--bonus", "on,off", "-f", "json", "--lang", "en"]
    )
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert {s["factor"] for s in doc["sensitivity"]} == {"weights", "experts", "bonus"}
    assert doc["options"]["tiers"] == "awards"
    bad = runner.invoke(app, [*args, "--treatments", "winsorise:x", "--lang", "zh"])
    assert bad.exit_code == 2 and "--treatments" in bad.output and "winsorise:x" in bad.output
    levels = runner.invoke(app, [*args, "--weight-levels", "a", "--lang", "zh"])
    assert levels.exit_code == 2 and "“a”" in levels.output


def test_command_expands_winsorisation_ranges():
    from kaoping.cli.robustness import _treatments

    assert _treatments("none,winsorise:1-3,log") == (
        "none",
        "winsorise:1",
        "winsorise:2",
        "winsorise:3",
        "log",
    )


def test_bonus_uniform_within_the_entered_points_equals_a_plain_monte_carlo():
    """ "uniform": each unit's points counted at a fraction U(0, 1), drawn for each unit and
    replicate. The fast path equals the evaluation plus those fractions of the points, and
    a large plain Monte Carlo of the same rule gives the same rank distribution."""
    from kaoping.scoring.assessment import assess
    from kaoping.scoring.evaluation import competition_ranks

    a = beijing_assessment()
    ev = assess(a).evaluation
    options = RobustnessOptions(
        weight_spread=0,
        normalisations=("scheme",),
        sd_kinds=("population",),
        na_policies=("renormalise",),
        bonus_levels=("uniform",),
    )
    model = RobustnessModel(a.scheme, ev.data, options, bonus=ev.bonus)
    draws = model.draw(400, np.random.default_rng(5))
    assert draws.bonus_share.shape == (400, np.count_nonzero(ev.bonus))
    base = evaluate(scheme_for_choices(a.scheme, model.choices(draws, 0)), ev.data).totals
    fast = model.totals(draws)
    for r in range(0, 400, 37):  # each replicate: the evaluation plus its share of points
        plain = base.copy()
        for i, u in enumerate(model.bonus_units):
            plain[u] += draws.bonus_share[r, i] * ev.bonus[u]
        assert np.allclose(fast[r], plain, rtol=1e-12, atol=1e-9)
    # Every total lies between the totals without and with the points.
    low, high = np.minimum(base, base + ev.bonus), np.maximum(base, base + ev.bonus)
    assert ((fast >= low - 1e-9) & (fast <= high + 1e-9)).all()
    # The estimator against a plain Monte Carlo (independent stream, 20,000 replicates):
    # each unit's mean rank within 4 standard errors.
    rng = np.random.default_rng(99)
    plain_ranks = np.array(
        [
            competition_ranks(
                base + rng.random(len(base)) * ev.bonus, a.scheme.scoring.tie_decimals
            )
            for _ in range(20_000)
        ],
        dtype=float,
    )
    ranks = model.ranks(model.draw(4000, np.random.default_rng(6))).astype(float)
    se = np.sqrt(ranks.var(axis=0) / len(ranks) + plain_ranks.var(axis=0) / len(plain_ranks))
    assert (np.abs(ranks.mean(axis=0) - plain_ranks.mean(axis=0)) <= 4 * se + 1e-9).all()
    assert ranks.var(axis=0).max() > 0  # the points really move someone


def test_command_draws_bonus_points_within_their_range():
    """`--bonus uniform` through the command: 房山区 (−2 points, 11th as published) ranks
    between its places with and without its deduction, and the bonus is the one factor."""
    from click.testing import CliRunner

    from kaoping.cli.main import app

    b = BEIJING
    args = [
        "robustness",
        str(b / "district-2024.csv"),
        "-s",
        "beijing-district-comprehensive",
        "-e",
        str(b / "experts-2024.xlsx"),
        "-r",
        str(b / "recusals.csv"),
        "-a",
        str(b / "adjustments-2024.csv"),
        "-t",
        str(b / "targets-2024.csv"),
        "--normalisations",
        "scheme",
        "--weight-spread",
        "0",
        "--sd",
        "population",
        "--na",
        "renormalise",
        "-n",
        "400",
        "--sensitivity-replicates",
        "100",
        "--bonus",
        "uniform",
        "-f",
        "json",
    ]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [s["factor"] for s in doc["sensitivity"]] == ["bonus"]
    off = CliRunner().invoke(app, [*args[:-4], "--bonus", "off", "-f", "json"])
    unit = {u["code"]: u for u in doc["units"]}["110111"]
    unit_off = {u["code"]: u for u in json.loads(off.stdout)["units"]}["110111"]
    assert unit_off["median_rank"] <= unit["p05_rank"] < unit["p95_rank"] <= unit["nominal_rank"]
