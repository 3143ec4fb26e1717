"""Ranking robustness: the hand-worked example of docs/robustness.md, the fast vectorised path
against a plain loop over kaoping.scoring.evaluate, the statistics, and the command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kaoping.cli.main import app
from kaoping.scoring import BaseData, competition_ranks, evaluate, load_scheme, scheme_from_dict
from kaoping.scoring.errors import KaopingError
from kaoping.scoring.messages import CATALOGUE
from kaoping.scoring.robustness import (
    RobustnessModel,
    RobustnessOptions,
    TierQuota,
    TierRule,
    WeightTree,
    analyse_robustness,
    parse_tier_quotas,
    perturb_weights,
    random_streams,
    rank_matrix,
    scheme_for_choices,
    sorted_ranks,
)
from kaoping.tables import read_base_data

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "mof-2012-demo-2024.csv"
runner = CliRunner()


# --- the worked example of docs/robustness.md -------------------------------------------------


def example_scheme() -> object:
    return scheme_from_dict(
        {
            "scheme": {"code": "demo", "name": "示例", "version": "1"},
            "scoring": {"normalisation": "minmax"},
            "fields": [{"key": "x"}, {"key": "y"}],
            "groups": [{"code": "G", "name": "G", "weight": 100}],
            "indicators": [
                {"code": "X", "name": "X", "group": "G", "weight": 50, "formula": "x"},
                {"code": "Y", "name": "Y", "group": "G", "weight": 50, "formula": "y"},
            ],
            "grades": [
                {"name": "优", "min": 80},
                {"name": "良", "min": 60},
                {"name": "中", "min": 0},
            ],
        }
    )


def example_data() -> BaseData:
    return BaseData.from_records(
        [
            {"unit_code": "A", "x": 4, "y": 10},
            {"unit_code": "B", "x": 0, "y": 0},
            {"unit_code": "C", "x": 10, "y": None},  # Y not applicable for C
        ]
    )


EXAMPLE_OPTIONS = RobustnessOptions(
    replicates=1000,
    weight_spread=0.0,
    normalisations=("minmax",),
    sd_kinds=("population",),
    na_policies=("renormalise", "zero"),
)


def test_worked_example_totals_by_hand():
    scheme, data = example_scheme(), example_data()
    model = RobustnessModel(scheme, data, EXAMPLE_OPTIONS)
    draws = model.draw(2, np.random.default_rng(0))
    draws.not_applicable[:] = [0, 1]  # renormalise, then zero
    # min-max: X scores A 40, B 0, C 100; Y scores A 100, B 0 (C has none).
    # renormalise: C = 100 (X alone); zero: C = (100 + 0) / 2 = 50. A = (40 + 100) / 2 = 70.
    assert model.totals(draws).tolist() == [[70.0, 0.0, 100.0], [70.0, 0.0, 50.0]]
    assert model.ranks(draws).tolist() == [[2, 3, 1], [1, 3, 2]]


def test_worked_example_probabilities_are_the_shares_of_the_draws():
    scheme, data = example_scheme(), example_data()
    result = analyse_robustness(scheme, data, EXAMPLE_OPTIONS)
    main, _, _ = random_streams(0)
    draws = RobustnessModel(scheme, data, EXAMPLE_OPTIONS).draw(1000, main)
    renormalised = float(np.mean(draws.not_applicable == 0))
    assert renormalised == 0.496  # the number docs/robustness.md quotes for seed 0
    a, b, c = 0, 1, 2
    # C is 优 (100) exactly when renormalised, else 中 (50); A is always 良; B always 中.
    assert result.tier_probabilities[c].tolist() == [0.496, 0.0, 0.504]
    assert result.tier_probabilities[a].tolist() == [0.0, 1.0, 0.0]
    assert result.tier_probabilities[b].tolist() == [0.0, 0.0, 1.0]
    # C is first in 49.6% of replicates: its median rank is 2, its 5-95% interval 1-2.
    assert result.median_rank.tolist() == [1.0, 3.0, 2.0]
    assert result.p05_rank.tolist() == [1.0, 3.0, 1.0]
    assert result.p95_rank.tolist() == [2.0, 3.0, 2.0]
    assert result.mean_rank[c] == pytest.approx(1 * 0.496 + 2 * 0.504)
    assert result.nominal_ranks.tolist() == [2, 3, 1]


def test_report_summary_is_plain_rows_for_the_round_report():
    result = analyse_robustness(example_scheme(), example_data(), EXAMPLE_OPTIONS)
    summary = result.report_summary("zh")
    assert summary["replicates"] == 1000 and "不适用指标的处理" in summary["method"]
    c = summary["units"][0]
    assert c == {
        "unit_code": "C",
        "unit_name": "C",
        "rank": 1,
        "median_rank": 2.0,
        "rank_low": 1.0,
        "rank_high": 2.0,
        "P(优)": 0.496,
        "P(良)": 0.0,
        "P(中)": 0.504,
    }
    assert [s["factor"] for s in summary["sensitivity"]] == ["不适用指标的处理"]


def test_worked_example_sensitivity_names_the_only_choice():
    result = analyse_robustness(example_scheme(), example_data(), EXAMPLE_OPTIONS)
    [only] = result.sensitivity
    assert only.factor == "not_applicable"
    # With one varying choice, A with that choice from B is B itself: both indices coincide
    # and estimate 1; A and C swap places whenever the policies differ (half the time).
    assert only.first_order == only.total
    assert only.total == pytest.approx(1.0, abs=0.1)
    assert only.mean_rank_shift == pytest.approx(2 / 3 * 1 / 2, abs=0.03)


# --- the fast path against a plain loop over evaluate() ---------------------------------------


def demo_with_gaps() -> tuple[object, BaseData]:
    scheme = load_scheme("mof-2012")
    data = read_base_data(DEMO, scheme)
    # Gaps make indicators not applicable for some units, so the policies matter.
    data.columns["employed_after_training"][[2, 5]] = np.nan
    data.columns["local_fiscal_expenditure"][7] = np.nan
    data.columns["registered_unemployment_rate"][[1, 7]] = np.nan
    return scheme, data


def mixed_scheme() -> object:
    """Three levels, mixed normalisations with parameters, a target, standards, own NA rule."""
    ind = [
        {
            "code": "P",
            "name": "P",
            "group": "G1",
            "weight": 60,
            "formula": "a / b",
            "standards": {
                "minimum": 0.2,
                "minimum_points": 5,
                "excellent": 0.9,
                "excellent_points": 3,
            },
        },
        {
            "code": "Q",
            "name": "Q",
            "group": "G1",
            "weight": 40,
            "formula": "c",
            "normalisation": "efficacy",
            "params": {"floor": 0, "target": 50},
        },
        {
            "code": "R",
            "name": "R",
            "group": "H",
            "weight": 70,
            "formula": "d",
            "direction": "lower",
            "normalisation": "minmax",
        },
        {
            "code": "S",
            "name": "S",
            "group": "H",
            "weight": 30,
            "formula": "a",
            "normalisation": "target",
            "params": {"target": "goal"},
            "missing": "renormalise",
        },
        {"code": "T", "name": "T", "group": "G2", "weight": 45, "formula": "c / d"},
    ]
    return scheme_from_dict(
        {
            "scheme": {"code": "mixed", "name": "mixed", "version": "1"},
            "fields": [{"key": k} for k in ("a", "b", "c", "d", "goal")],
            "groups": [
                {"code": "G1", "name": "G1", "weight": 50},
                {"code": "G2", "name": "G2", "weight": 50},
                {"code": "H", "name": "H", "weight": 55, "parent": "G2"},
            ],
            "indicators": ind,
            "grades": [{"name": "优", "min": 85}, {"name": "良", "min": 70}],
        }
    )


def mixed_data(n: int = 25, seed: int = 3) -> BaseData:
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        records.append(
            {
                "unit_code": f"U{i:02d}",
                "a": float(rng.integers(0, 40)),
                "b": float(rng.integers(0, 4)) * 10,  # some zero denominators
                "c": None if i % 7 == 3 else float(rng.integers(0, 60)),
                "d": float(rng.integers(0, 5)),  # ties and zero denominators in T
                "goal": float(rng.choice([0, 20, 30])),  # a 0 target: S not applicable
            }
        )
    # A unit without any data: unranked when left out, last when counted as 0.
    records[5] = {"unit_code": "U05", "a": None, "b": None, "c": None, "d": None, "goal": None}
    return BaseData.from_records(records)


def slow_loop(scheme, data, model, draws):
    """The reference: each replicate's scheme written out and evaluated from scratch."""
    results = [
        evaluate(scheme_for_choices(scheme, model.choices(draws, r)), data)
        for r in range(len(draws))
    ]
    totals = np.array([r.totals for r in results])
    ranks = np.array([r.ranks for r in results])
    grades = [r.grades for r in results]
    return totals, ranks, grades


@pytest.mark.parametrize(
    ("case", "normalisations"),
    [
        ("mof", ("zscore", "minmax", "efficacy")),
        ("mixed", ("zscore", "minmax", "efficacy", "scheme")),
    ],
)
def test_fast_path_agrees_with_the_slow_loop(case, normalisations):
    scheme, data = demo_with_gaps() if case == "mof" else (mixed_scheme(), mixed_data())
    options = RobustnessOptions(weight_spread=0.4, normalisations=normalisations)
    model = RobustnessModel(scheme, data, options)
    draws = model.draw(48, np.random.default_rng(11))
    slow_totals, slow_ranks, slow_grades = slow_loop(scheme, data, model, draws)
    fast_totals = model.totals(draws)
    assert np.array_equal(np.isnan(fast_totals), np.isnan(slow_totals))
    assert np.allclose(fast_totals, slow_totals, rtol=0, atol=1e-9, equal_nan=True)
    assert np.array_equal(model.ranks(draws), slow_ranks)  # exactly, every replicate
    tiers = TierRule.grades(scheme)
    names = [*tiers.names, None]
    fast_grades = [[names[t] for t in row] for row in tiers.of_totals(fast_totals)]
    assert fast_grades == slow_grades
    # The draws really exercise every choice.
    assert len(set(draws.normalisation.tolist())) == len(normalisations)
    assert len(set(draws.not_applicable.tolist())) == 3


def test_nominal_choices_reproduce_evaluate():
    scheme, data = demo_with_gaps()
    options = RobustnessOptions(
        weight_spread=0,
        normalisations=("zscore",),
        sd_kinds=("population",),
        na_policies=("renormalise",),
    )
    model = RobustnessModel(scheme, data, options)
    draws = model.draw(3, np.random.default_rng(0))
    nominal = evaluate(scheme, data)
    assert np.allclose(model.totals(draws), nominal.totals, atol=1e-9)
    assert (model.ranks(draws) == nominal.ranks).all()


# --- ranking ------------------------------------------------------------------------------------


def test_vectorised_ranks_equal_competition_ranks_row_by_row():
    rng = np.random.default_rng(5)
    totals = np.round(rng.normal(80, 3, (300, 57)), 2)  # many ties at 2 decimals
    totals[rng.random(totals.shape) < 0.05] = np.nan
    totals[7] = np.nan  # a row without any total
    totals[8] = 75.0  # a row where everybody ties
    expected = np.array([competition_ranks(row) for row in totals])
    assert np.array_equal(rank_matrix(totals), expected)
    # Differences below the rounding never separate units; above it they do.
    close = np.array([[80.0, 80.0 + 4e-7, 80.0 + 6e-7]])
    assert rank_matrix(close).tolist() == [competition_ranks(close[0]).tolist()] == [[2, 2, 1]]


def test_ranks_of_totals_too_large_to_pack_use_the_slow_sort():
    totals = np.array([[1e40, -1e40, 1e40, np.nan, 3.0]])
    order, ranks = sorted_ranks(totals)
    assert rank_matrix(totals).tolist() == [competition_ranks(totals[0]).tolist()]
    assert order.tolist() == [[0, 2, 4, 1, 3]] and ranks.tolist() == [[1, 1, 3, 4, 0]]


def test_sorted_ranks_report_labels():
    order, _ = sorted_ranks(np.array([[1.0, 3.0, 2.0]]), labels=np.array([10, 20, 30]))
    assert order.tolist() == [[20, 30, 10]]


# --- weights -------------------------------------------------------------------------------


def test_perturbed_weights_stay_within_the_spread_and_sum_to_one_among_siblings():
    scheme = load_scheme("mof-2012")
    tree = WeightTree.of(scheme)
    model = RobustnessModel(scheme, BaseData.from_records([]), RobustnessOptions())
    weights = model.draw(2000, np.random.default_rng(1)).weights
    for _, kids in tree.families:
        assert np.allclose(weights[:, kids].sum(axis=1), 1.0)
    ratio = weights / tree.nominal
    assert ratio.min() >= 0.75 / 1.25 * (1 - 1e-12) and ratio.max() <= 1.25 / 0.75 * (1 + 1e-12)
    # By hand: two siblings 50/50, the first +20%, the second -20% -> 60/40.
    fam = [(-1, np.array([0, 1]))]
    assert perturb_weights(np.array([0.5, 0.5]), fam, 0.2, [[1.0, -1.0]]).tolist() == [[0.6, 0.4]]


def test_weight_constraints_hold_in_every_draw():
    # The notice's rule C + D > 50% (nominally 60%) breaks for some draws at ±40%.
    scheme = load_scheme("mof-2012")
    model = RobustnessModel(scheme, BaseData.from_records([]), RobustnessOptions(weight_spread=0.4))
    draws = model.draw(5000, np.random.default_rng(2))
    tree = WeightTree.of(scheme)
    c, d = tree.codes.index("C"), tree.codes.index("D")
    assert draws.redrawn > 0
    assert (draws.weights[:, c] + draws.weights[:, d] > 0.5).all()


def test_a_constraint_no_perturbation_can_meet_is_reported():
    scheme = scheme_from_dict(
        {
            "scheme": {"code": "tight", "name": "tight", "version": "1"},
            "constraints": ["A == 50"],
            "fields": [{"key": "x"}],
            "groups": [
                {"code": "A", "name": "A", "weight": 50},
                {"code": "B", "name": "B", "weight": 50},
            ],
            "indicators": [
                {"code": "X", "name": "X", "group": "A", "weight": 100, "formula": "x"},
                {"code": "Y", "name": "Y", "group": "B", "weight": 100, "formula": "x"},
            ],
        }
    )
    data = BaseData.from_records([{"unit_code": str(i), "x": i} for i in range(3)])
    with pytest.raises(KaopingError) as caught:
        analyse_robustness(
            scheme, data, RobustnessOptions(replicates=10, normalisations=("scheme",))
        )
    [problem] = caught.value.problems
    assert problem.code == "robustness.constraints"
    assert "A == 50" in problem.text("zh") and "--weight-spread" in problem.text("zh")


# --- statistics ------------------------------------------------------------------------------


def test_rank_statistics_equal_those_of_the_full_rank_matrix():
    scheme, data = mixed_scheme(), mixed_data(40)
    # Grade bands are offered only when the scale is not varied: the scheme's normalisations.
    options = RobustnessOptions(
        replicates=700, sensitivity_replicates=0, seed=9, normalisations=("scheme",)
    )
    result = analyse_robustness(scheme, data, options)
    model = RobustnessModel(scheme, data, options)
    main, _, _ = random_streams(9)
    draws = model.draw(700, main)
    ranks = model.ranks(draws).astype(float)
    ranked = np.where(ranks > 0, ranks, np.nan)
    for name, q in (("p05_rank", 0.05), ("median_rank", 0.5), ("p95_rank", 0.95)):
        expected = np.nanquantile(ranked, q, axis=0, method="inverted_cdf")
        assert np.array_equal(getattr(result, name), expected, equal_nan=True), name
    assert np.allclose(result.mean_rank, np.nanmean(ranked, axis=0))
    assert np.array_equal(result.unranked_share, (ranks == 0).mean(axis=0))
    assert 0.2 < result.unranked_share[5] < 0.5  # unranked when the policy is renormalise
    tiers = TierRule.for_options(scheme, options).of_totals(model.totals(draws))
    for t in range(2):
        assert np.array_equal(result.tier_probabilities[:, t], (tiers == t).mean(axis=0))


def test_rank_quota_tiers_give_out_exactly_the_quota():
    scheme, data = demo_with_gaps()
    quotas = parse_tier_quotas("一档:20%,二档:30")
    options = RobustnessOptions(replicates=500, tiers=quotas, sensitivity_replicates=0)
    result = analyse_robustness(scheme, data, options)
    # 16 units: the first tier has floor(20% x 16) = 3 places, the next floor(50% x 16) - 3 = 5
    # (a tie across a boundary would add one; these data have none).
    assert result.tier_probabilities.sum(axis=0) == pytest.approx([3.0, 5.0])
    assert result.tiers.names == ("一档", "二档")


def test_parse_tier_quotas():
    assert parse_tier_quotas("20，30%") == (TierQuota("第1档", 20.0), TierQuota("第2档", 30.0))
    with pytest.raises(KaopingError) as caught:
        parse_tier_quotas("一档:二十")
    assert "--tiers" in caught.value.problems[0].text("zh")


def test_a_choice_that_cannot_matter_gets_exactly_zero():
    scheme = load_scheme("mof-2012")
    data = read_base_data(DEMO, scheme)  # complete data: the not-applicable policy is idle
    options = RobustnessOptions(replicates=50, sensitivity_replicates=200)
    result = analyse_robustness(scheme, data, options)
    by_factor = {s.factor: s for s in result.sensitivity}
    idle = by_factor["not_applicable"]
    assert (idle.first_order, idle.total, idle.mean_rank_shift) == (0.0, 0.0, 0.0)
    assert by_factor["weights"].total > 0.3
    assert result.ranked_sensitivity()[0].factor == "weights"


def test_same_seed_same_result_whatever_the_threads():
    scheme, data = mixed_scheme(), mixed_data()
    one = analyse_robustness(scheme, data, RobustnessOptions(replicates=300, workers=1, seed=4))
    three = analyse_robustness(scheme, data, RobustnessOptions(replicates=300, workers=3, seed=4))
    other = analyse_robustness(scheme, data, RobustnessOptions(replicates=300, workers=1, seed=5))
    assert one.to_dict() == three.to_dict()
    assert one.to_dict()["units"] != other.to_dict()["units"]


def test_bad_options_are_named_in_chinese():
    scheme, data = example_scheme(), example_data()
    options = RobustnessOptions(
        replicates=1,
        weight_spread=1.5,
        normalisations=("zscore", "rank"),
        tiers=(TierQuota("a", 80), TierQuota("b", 30)),
    )
    with pytest.raises(KaopingError) as caught:
        analyse_robustness(scheme, data, options)
    texts = [p.text("zh") for p in caught.value.problems]
    assert len(texts) == 4
    assert any("--replicates" in t and "“1”" in t for t in texts)
    assert any("--weight-spread" in t and "1.5" in t for t in texts)
    assert any("--normalisations" in t and "zscore,rank" in t for t in texts)
    assert any("--tiers" in t for t in texts)
    with pytest.raises(KaopingError) as caught:
        analyse_robustness(scheme, example_data().subset([0]), RobustnessOptions())
    assert caught.value.problems[0].code == "robustness.units"
    assert all(code in CATALOGUE for code in ("robustness.bad_option", "robustness.units"))


# --- the command ---------------------------------------------------------------------------------


def test_command_prints_the_chinese_tables():
    result = runner.invoke(
        app, ["robustness", str(DEMO), "-n", "300", "--lang", "zh", "--normalisations", "scheme"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("排名稳健性：") and "模拟 300 次" in lines[0]
    assert all(
        h in lines[2] for h in ("单位编码", "原排名", "中位排名", "5%–95% 排名区间", "P(优)")
    )
    assert any(line.startswith("哪项选择对排名影响最大") for line in lines)
    analysed = analyse_robustness(
        load_scheme("mof-2012"),
        read_base_data(DEMO, load_scheme("mof-2012")),
        RobustnessOptions(replicates=300, normalisations=("scheme",)),
    )
    first = analysed.unit_rows()[0]
    assert lines[4].split()[:3] == [first["code"], first["name"], "1"]


def test_command_json_csv_and_xlsx(tmp_path):
    args = ["robustness", str(DEMO), "-n", "200", "--sensitivity-replicates", "100", "--seed", "3"]
    doc = json.loads(runner.invoke(app, [*args, "-f", "json", "--lang", "en"]).stdout)
    assert doc["options"]["seed"] == 3 and len(doc["units"]) == 16
    # The normalisation varies, so grade bands (thresholds on one scale) are not offered.
    assert doc["options"]["tier_names"] == [] and doc["options"]["tiers"] == "none"
    assert {s["factor"] for s in doc["sensitivity"]} == {
        "weights",
        "normalisation",
        "sd",
        "not_applicable",
    }
    text = runner.invoke(app, [*args, "-f", "csv", "--lang", "zh"]).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["单位编码", "单位名称", "原排名", "中位排名"] and len(rows) == 17
    assert rows[1][0] == doc["units"][0]["code"]
    out = tmp_path / "robust.xlsx"
    assert runner.invoke(app, [*args, "-f", "xlsx", "-o", str(out)]).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["排名稳健性", "敏感性", "说明"]
    assert wb["排名稳健性"].max_row == 17


def test_command_rejects_bad_input_with_exit_2(tmp_path):
    bad = runner.invoke(
        app, ["robustness", str(DEMO), "--normalisations", "zscore,rank", "--lang", "zh"]
    )
    assert bad.exit_code == 2
    assert "--normalisations" in bad.stderr and "zscore,rank" in bad.stderr
    assert "Traceback" not in bad.output
    tiers = runner.invoke(app, ["robustness", str(DEMO), "--tiers", "60,50", "--lang", "zh"])
    assert tiers.exit_code == 2 and "合计不超过 100" in tiers.stderr
    no_file = runner.invoke(app, ["robustness", str(DEMO), "-f", "xlsx", "--lang", "zh"])
    assert no_file.exit_code == 2 and "-o" in no_file.stderr
    assert not list(tmp_path.iterdir())


def test_docstring_examples_hold():
    import doctest
    import importlib
    import pkgutil

    import kaoping.scoring.robustness as package

    attempted = failed = 0
    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        outcome = doctest.testmod(importlib.import_module(info.name))
        attempted, failed = attempted + outcome.attempted, failed + outcome.failed
    assert attempted >= 10 and failed == 0
