"""Normalisations: values to 100-point scores, by hand-computed numbers.

zscore (the notice's), minmax, efficacy (功效系数法), target (completion) and direct; each in
both directions, with NaN (not applicable) cells, on 2-D input (replicates x units) and in
their degenerate cases.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaoping.scoring import NORMALISATIONS, BaseData, evaluate, normalisation, normalise
from kaoping.scoring.normalisation import (
    PARAMS,
    REQUIRED,
    Context,
    Normalised,
    mean_and_sd,
    validate_params,
)
from kaoping.scoring.schemes import scheme_from_dict

NAN = float("nan")


def r4(values) -> list:
    return [None if math.isnan(v) else round(float(v), 4) for v in np.ravel(values)]


# --- zscore ----------------------------------------------------------------------------------


def test_zscore_by_hand():
    # mean 20, population sd sqrt((100 + 0 + 100) / 3) = 8.1650
    out = normalise("zscore", np.array([10.0, 20.0, 30.0]))
    assert out.stats["mean"] == 20.0
    assert out.stats["sd"] == pytest.approx(math.sqrt(200 / 3))
    assert out.stats["n"] == 3
    assert r4(out.z) == [-1.2247, 0.0, 1.2247]
    assert r4(out.scores) == [67.7526, 80.0, 92.2474]


def test_zscore_leaves_not_applicable_units_out_of_mean_and_sd():
    out = normalise("zscore", np.array([1.0, NAN, 3.0]))
    assert (out.stats["mean"], out.stats["sd"], out.stats["n"]) == (2.0, 1.0, 2)
    assert r4(out.z) == [-1.0, None, 1.0]
    assert r4(out.scores) == [70.0, None, 90.0]


def test_zscore_lower_is_better_mirrors_the_score_not_z():
    out = normalise("zscore", np.array([1.0, 3.0]), ctx=Context(direction="lower"))
    assert r4(out.z) == [-1.0, 1.0]
    assert r4(out.scores) == [90.0, 70.0]


def test_zscore_clamps_at_both_ends():
    # Nine zeros and a 100: mean 10, sd 30, z of the 100 is 3 -> 110 -> 100.
    high = normalise("zscore", np.array([0.0] * 9 + [100.0]))
    assert high.z[-1] == pytest.approx(3.0)
    assert high.scores[-1] == 100.0
    assert high.scores[0] == pytest.approx(80 - 10 / 3)
    # 99 units at 100 and one at 0: mean 99, sd sqrt(99) = 9.9499, z = -9.9499 -> 0.
    low = normalise("zscore", np.array([100.0] * 99 + [0.0]))
    assert low.z[-1] == pytest.approx(-99 / math.sqrt(99))
    assert low.scores[-1] == 0.0


def test_zscore_all_equal_gives_z_zero_and_reports_sd_zero():
    out = normalise("zscore", np.array([5.0, 5.0, NAN, 5.0]))
    assert r4(out.z) == [0.0, 0.0, None, 0.0]
    assert r4(out.scores) == [80.0, 80.0, None, 80.0]
    assert out.stats["sd"] == 0.0


def test_zscore_float_noise_counts_as_equal():
    noisy = np.array([0.1 + 0.2, 0.3, 0.3])  # 0.30000000000000004 vs 0.3
    assert mean_and_sd(noisy)[1] > 0  # numerically not 0 ...
    out = normalise("zscore", noisy)
    assert out.z.tolist() == [0.0, 0.0, 0.0]  # ... but treated as equal values
    assert out.scores.tolist() == [80.0, 80.0, 80.0]
    assert out.stats["sd"] == 0.0


def test_zscore_single_unit_and_no_unit():
    one = normalise("zscore", np.array([NAN, 7.0]))
    assert r4(one.scores) == [None, 80.0]
    none = normalise("zscore", np.array([NAN, NAN]))
    assert r4(none.scores) == [None, None]
    assert none.stats["n"] == 0 and math.isnan(none.stats["mean"])


def test_sample_versus_population_sd():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert mean_and_sd(x, "population")[1] == pytest.approx(math.sqrt(1.25))
    assert mean_and_sd(x, "sample")[1] == pytest.approx(math.sqrt(5 / 3))
    pop = normalise("zscore", x, ctx=Context(sd="population"))
    smp = normalise("zscore", x, ctx=Context(sd="sample"))
    assert r4(pop.z) == [-1.3416, -0.4472, 0.4472, 1.3416]
    assert r4(smp.z) == [-1.1619, -0.3873, 0.3873, 1.1619]


def test_zscore_two_dimensional_rows_are_independent():
    x = np.array([[1.0, 2.0, 3.0], [10.0, 10.0, 10.0], [4.0, NAN, 8.0]])
    out = normalise("zscore", x)
    assert out.scores.shape == (3, 3)
    assert r4(out.z[0]) == [-1.2247, 0.0, 1.2247]
    assert r4(out.z[1]) == [0.0, 0.0, 0.0]
    assert r4(out.z[2]) == [-1.0, None, 1.0]
    assert r4(out.stats["mean"]) == [2.0, 10.0, 6.0]
    assert r4(out.stats["sd"]) == [0.8165, 0.0, 2.0]
    assert out.stats["n"].tolist() == [3, 3, 2]
    # the same numbers as row-by-row 1-D calls
    for row in range(3):
        one = normalise("zscore", x[row])
        assert r4(one.scores) == r4(out.scores[row])


def test_zscore_base_scale_floor_cap_from_context():
    out = normalise(
        "zscore", np.array([1.0, 3.0]), ctx=Context(base=60, scale=20, floor=50, cap=70)
    )
    assert out.scores.tolist() == [50.0, 70.0]  # 40 and 80, clamped to [50, 70]


# --- minmax ----------------------------------------------------------------------------------


def test_minmax_both_directions_and_range():
    x = np.array([10.0, 20.0, NAN, 30.0])
    assert r4(normalise("minmax", x).scores) == [0.0, 50.0, None, 100.0]
    lower = normalise("minmax", x, ctx=Context(direction="lower"))
    assert r4(lower.scores) == [100.0, 50.0, None, 0.0]
    ranged = normalise("minmax", x, {"low": 60, "high": 100})
    assert r4(ranged.scores) == [60.0, 80.0, None, 100.0]
    assert (ranged.stats["min"], ranged.stats["max"]) == (10.0, 30.0)


def test_minmax_degenerate_and_empty():
    assert r4(normalise("minmax", np.array([4.0, 4.0])).scores) == [50.0, 50.0]
    empty = normalise("minmax", np.array([NAN, NAN]))
    assert r4(empty.scores) == [None, None]
    assert math.isnan(empty.stats["min"]) and math.isnan(empty.stats["max"])  # not infinities


def test_minmax_two_dimensional():
    out = normalise("minmax", np.array([[0.0, 5.0, 10.0], [3.0, 1.0, 2.0]]))
    assert r4(out.scores) == [0.0, 50.0, 100.0, 100.0, 0.0, 50.0]
    assert r4(out.stats["min"]) == [0.0, 1.0]


# --- efficacy (功效系数法) ---------------------------------------------------------------------


def test_efficacy_with_floor_and_target():
    # 60 + 40 * (x - 40) / (80 - 40)
    out = normalise(
        "efficacy", np.array([60.0, 80.0, 100.0, 20.0, NAN]), {"floor": 40, "target": 80}
    )
    assert r4(out.scores) == [80.0, 100.0, 100.0, 40.0, None]  # 120 clamped to 100
    assert (out.stats["floor"], out.stats["target"]) == (40.0, 80.0)


def test_efficacy_lower_is_better_with_explicit_values():
    # unemployment: 10% is the 不允许值, 2% the 满意值: 60 + 40 * (6 - 10) / (2 - 10) = 80
    out = normalise(
        "efficacy",
        np.array([6.0, 2.0, 10.0]),
        {"floor": 10, "target": 2},
        Context(direction="lower"),
    )
    assert r4(out.scores) == [80.0, 100.0, 60.0]


def test_efficacy_observed_defaults_both_directions():
    x = np.array([10.0, 20.0, 30.0])
    assert r4(normalise("efficacy", x).scores) == [60.0, 80.0, 100.0]
    lower = normalise("efficacy", x, ctx=Context(direction="lower"))
    assert r4(lower.scores) == [100.0, 80.0, 60.0]
    assert (lower.stats["floor"], lower.stats["target"]) == (30.0, 10.0)


def test_efficacy_degenerate_and_two_dimensional():
    assert r4(normalise("efficacy", np.array([5.0, 5.0])).scores) == [100.0, 100.0]
    out = normalise("efficacy", np.array([[10.0, 20.0, 30.0], [0.0, 4.0, 2.0]]))
    assert r4(out.scores) == [60.0, 80.0, 100.0, 60.0, 100.0, 80.0]
    assert r4(out.stats["floor"]) == [10.0, 0.0]


# --- target ----------------------------------------------------------------------------------


def test_target_as_number_capped():
    x = np.array([50.0, 100.0, 150.0, NAN])
    assert r4(normalise("target", x, {"target": 100}).scores) == [50.0, 100.0, 100.0, None]
    generous = normalise("target", x, {"target": 100, "cap_ratio": 1.2}, Context(cap=120))
    assert r4(generous.scores) == [50.0, 100.0, 120.0, None]


def test_target_from_a_field_with_missing_and_zero_targets():
    ctx = Context(columns={"goal": np.array([200.0, 0.0, NAN, 40.0])})
    out = normalise("target", np.array([50.0, 50.0, 50.0, 30.0]), {"target": "goal"}, ctx)
    assert r4(out.scores) == [25.0, None, None, 75.0]


def test_target_lower_is_better():
    ctx = Context(direction="lower")
    out = normalise("target", np.array([10.0, 5.0, 4.0, 0.0]), {"target": 5}, ctx)
    assert r4(out.scores) == [50.0, 100.0, 100.0, 100.0]  # 0 is the best there is


def test_target_two_dimensional():
    out = normalise("target", np.array([[50.0, 100.0], [25.0, 10.0]]), {"target": 100})
    assert r4(out.scores) == [50.0, 100.0, 25.0, 10.0]


# --- direct ----------------------------------------------------------------------------------


def test_direct_rescales_and_clamps():
    assert r4(normalise("direct", np.array([95.0, NAN, 120.0])).scores) == [95.0, None, 100.0]
    out = normalise("direct", np.array([5.0, 10.0, 12.0]), {"max": 10})
    assert r4(out.scores) == [50.0, 100.0, 100.0]


# --- registry and parameters -----------------------------------------------------------------


def test_validate_params_reasons():
    assert validate_params("zscore", {}, []) == []
    reasons = validate_params("minmax", {"low": "x", "top": 1}, [])
    assert ("参数“low”应为数字", "the parameter “low” should be a number") in reasons
    assert any("没有参数“top”" in zh for zh, _ in reasons)
    assert validate_params("target", {"target": "goal"}, ["goal"]) == []
    assert validate_params("target", {}, []) == [
        ("“target”必须给出参数“target”", "“target” needs the parameter “target”")
    ]


def test_adding_a_normalisation_with_the_decorator():
    @normalisation("share_of_best", params={"points": "number"})
    def share_of_best(x, params, ctx):
        best = np.nanmax(x, axis=-1, keepdims=True)
        return Normalised(scores=float(params.get("points", 100)) * x / best, stats={"best": best})

    try:
        assert "share_of_best" in NORMALISATIONS
        scheme = scheme_from_dict(
            {
                "scheme": {"code": "t", "name": "t", "version": "1"},
                "fields": [{"key": "x", "label": "x"}],
                "groups": [{"code": "G", "name": "G", "weight": 100}],
                "indicators": [
                    {
                        "code": "G1",
                        "name": "G1",
                        "group": "G",
                        "weight": 100,
                        "formula": "x",
                        "normalisation": "share_of_best",
                        "params": {"points": 90},
                    }
                ],
            }
        )
        data = BaseData.from_records([{"unit_code": "a", "x": 5}, {"unit_code": "b", "x": 10}])
        assert evaluate(scheme, data).totals.tolist() == [45.0, 90.0]
    finally:
        NORMALISATIONS.pop("share_of_best", None)
        PARAMS.pop("share_of_best", None)
        REQUIRED.pop("share_of_best", None)
