"""Composite-indicator options (imputation, outlier treatment, geometric aggregation): each
against a plain, slow reference written from its definition (COINr's R code for the
treatment), on small cases; and the scheme options that turn them on."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from kaoping.scoring import BaseData, evaluate, load_scheme, scheme_from_dict
from kaoping.scoring import composite as c
from kaoping.scoring.data import UnitRef
from kaoping.scoring.errors import DataError, SchemeError

# --- plain references -----------------------------------------------------------------------


def ref_impute(column, groups, stat):
    out = list(column)
    for i, v in enumerate(column):
        if math.isnan(v):
            same = [
                w
                for w, g in zip(column, groups, strict=True)
                if g == groups[i] and not math.isnan(w)
            ]
            if same:
                s = sorted(same)
                m = len(s)
                median = s[m // 2] if m % 2 else (s[m // 2 - 1] + s[m // 2]) / 2
                out[i] = sum(same) / m if stat == "group_mean" else median
    return out


def ref_skew(x):  # COINr's skew(), from e1071
    n = len(x)
    mu = sum(x) / n
    d = [v - mu for v in x]
    y = math.sqrt(n) * sum(v**3 for v in d) / sum(v**2 for v in d) ** 1.5
    return y * math.sqrt(n * (n - 1)) / (n - 2)


def ref_kurt(x):  # COINr's kurt(), from e1071
    n = len(x)
    mu = sum(x) / n
    d = [v - mu for v in x]
    r = n * sum(v**4 for v in d) / sum(v**2 for v in d) ** 2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def ref_pass(x, skew_max=2.0, kurt_max=3.5):
    return abs(ref_skew(x)) < skew_max or ref_kurt(x) < kurt_max


def ref_winsorise(x, winmax):
    """COINr 1.1.14's winsorise(), line by line."""
    x = list(x)
    passing = ref_pass(x)
    nwin = 0
    imax: list[int] = []
    imin: list[int] = []
    below = nwin < winmax
    while not passing and below:
        if ref_skew(x) >= 0:
            top = max(x)
            imax = [i for i, v in enumerate(x) if v == top]
            inner = max(v for i, v in enumerate(x) if i not in imax)
            for i in imax:
                x[i] = inner
        else:
            bottom = min(x)
            imin = [i for i, v in enumerate(x) if v == bottom]
            inner = min(v for i, v in enumerate(x) if i not in imin)
            for i in imin:
                x[i] = inner
        nwin = len(imax) + len(imin)
        below = nwin < winmax
        passing = ref_pass(x)
    return x


def ref_treat(x, winmax):
    """COINr's Treat.numeric with its defaults: winsorise, else log_CT of the original."""
    if ref_pass(x):
        return list(x)
    w = ref_winsorise(x, winmax)
    if ref_pass(w):
        return w
    lo, hi = min(x), max(x)
    return [math.log(v - lo + 0.01 * (hi - lo)) for v in x]


def skewed_columns(seed: int, n: int = 20, k: int = 12) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0, 1.2, (n, k))
    x[:, 1] = -x[:, 1]  # a long low tail
    x[0, 2] = 200.0  # one far outlier
    x[:3, 3] = 150.0  # tied outliers
    x[:, 4] = rng.normal(size=n)  # passes as it is
    return np.round(x, 3)


# --- imputation ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["group_mean", "group_median"])
def test_imputation_equals_the_reference(method):
    rng = random.Random(1)
    for _ in range(30):
        n, k = rng.randint(3, 12), rng.randint(1, 4)
        groups = [rng.choice("ab") for _ in range(n)]
        x = np.array(
            [[rng.choice([math.nan, rng.uniform(0, 9)]) for _ in range(k)] for _ in range(n)]
        )
        got = c.impute(x, groups, method)
        for j in range(k):
            want = ref_impute(x[:, j].tolist(), groups, method)
            np.testing.assert_allclose(got[:, j], want, rtol=1e-12, equal_nan=True)


def test_imputation_none_and_unknown():
    x = np.array([[1.0], [np.nan]])
    assert np.isnan(c.impute(x, None, "none")[1, 0])
    with pytest.raises(ValueError):
        c.impute(x, None, "hot_deck")


# --- outlier treatment ----------------------------------------------------------------------


def test_skewness_and_kurtosis_equal_coinr_formulas():
    x = skewed_columns(0)
    for j in range(x.shape[1]):
        col = x[:, j].tolist()
        assert c.skewness(x)[j] == pytest.approx(ref_skew(col), rel=1e-10)
        assert c.kurtosis(x)[j] == pytest.approx(ref_kurt(col), rel=1e-10)


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 8])
def test_winsorisation_equals_coinr_line_by_line(limit):
    for seed in range(6):
        x = skewed_columns(seed)
        got = c.treat(x, "winsorise", limit=limit)
        for j in range(x.shape[1]):
            np.testing.assert_allclose(got[:, j], ref_treat(x[:, j].tolist(), limit), rtol=1e-12)


def test_all_limits_in_one_pass_equal_each_limit_alone():
    x = skewed_columns(7)
    together = c.treat_limits(x, (1, 2, 3, 4, 5))
    for limit, got in zip((1, 2, 3, 4, 5), together, strict=True):
        np.testing.assert_array_equal(got, c.treat(x, "winsorise", limit=limit))


def test_log_treatment_only_touches_failing_columns():
    x = skewed_columns(2)
    got = c.treat(x, "log")
    for j in range(x.shape[1]):
        col = x[:, j].tolist()
        if ref_pass(col):
            assert got[:, j].tolist() == col
        else:
            lo, hi = min(col), max(col)
            want = [math.log(v - lo + 0.01 * (hi - lo)) for v in col]
            np.testing.assert_allclose(got[:, j], want, rtol=1e-12)


# --- geometric aggregation through the evaluation --------------------------------------------


def two_level_scheme(**scoring) -> object:
    return scheme_from_dict(
        {
            "scheme": {"code": "geo", "name": "几何", "version": "1"},
            "scoring": {"normalisation": "minmax", **scoring},
            "fields": [{"key": "x"}, {"key": "y"}, {"key": "z"}, {"key": "grp", "type": "text"}],
            "groups": [
                {"code": "G", "name": "G", "weight": 60},
                {"code": "H", "name": "H", "weight": 40, "aggregation": "arithmetic"},
            ],
            "indicators": [
                {
                    "code": "X",
                    "name": "X",
                    "group": "G",
                    "weight": 70,
                    "formula": "x",
                    "params": {"low": 1, "high": 100},
                },
                {
                    "code": "Y",
                    "name": "Y",
                    "group": "G",
                    "weight": 30,
                    "formula": "y",
                    "params": {"low": 1, "high": 100},
                },
                {
                    "code": "Z",
                    "name": "Z",
                    "group": "H",
                    "weight": 100,
                    "formula": "z",
                    "params": {"low": 1, "high": 100},
                },
            ],
        }
    )


def units_data(rows, groups=None) -> BaseData:
    data = BaseData.from_records(
        [{"unit_code": f"{i:02d}", "x": x, "y": y, "z": z} for i, (x, y, z) in enumerate(rows)]
    )
    if groups is not None:
        data.extras["grp"] = list(groups)
    return data


def test_geometric_aggregation_at_a_chosen_level_equals_the_product_formula():
    rows = [(3.0, 10.0, 1.0), (5.0, 2.0, 4.0), (9.0, 7.0, 2.0), (4.0, 4.0, 8.0)]
    result = evaluate(two_level_scheme(aggregation="geometric"), units_data(rows))
    s = result.scores
    for u in range(len(rows)):
        g = s[u, 0] ** 0.7 * s[u, 1] ** 0.3  # geometric within G
        h = s[u, 2]  # H says arithmetic
        total = g**0.6 * h**0.4  # the top level follows scoring.aggregation
        assert result.group_scores["G"][u] == pytest.approx(g, rel=1e-12)
        assert result.totals[u] == pytest.approx(total, rel=1e-12)


def test_geometric_needs_positive_scores():
    scheme = two_level_scheme(aggregation="geometric")
    raw = dict(scheme.raw)
    for ind in raw["indicators"]:
        ind["params"] = {"low": 0, "high": 100}
    with pytest.raises(DataError) as err:
        evaluate(scheme_from_dict(raw), units_data([(1.0, 2.0, 3.0), (2.0, 1.0, 1.0)]))
    assert "几何平均" in str(err.value.problems[0].text("zh"))


def test_imputation_and_treatment_through_the_evaluation():
    rows = [(1.0, 2.0, 1.0), (np.nan, 3.0, 2.0), (5.0, np.nan, 3.0), (7.0, 1.0, 4.0)]
    scheme = two_level_scheme(imputation="group_mean", imputation_group="grp")
    result = evaluate(scheme, units_data(rows, ["a", "a", "b", "b"]))
    assert result.treated_values[1, 0] == 1.0  # group a's mean of x
    assert result.treated_values[2, 1] == 1.0  # group b's mean of y
    assert result.imputed.tolist() == [
        [False] * 3,
        [True, False, False],
        [False, True, False],
        [False] * 3,
    ]
    assert result.values[1, 0] != result.values[1, 0]  # the formula's value stays missing
    plain = two_level_scheme()
    filled = units_data([(1.0, 2.0, 1.0), (1.0, 3.0, 2.0), (5.0, 1.0, 3.0), (7.0, 1.0, 4.0)])
    np.testing.assert_allclose(result.totals, evaluate(plain, filled).totals, rtol=1e-12)


def test_treatment_through_the_evaluation_equals_treating_the_data_first():
    x = skewed_columns(4, n=15)[:, :3]
    rows = [tuple(r) for r in x.tolist()]
    treated = evaluate(two_level_scheme(treatment="winsorise", winsorise_limit=2), units_data(rows))
    by_hand = c.treat(x, "winsorise", limit=2)
    np.testing.assert_allclose(treated.treated_values, by_hand)
    plain = evaluate(two_level_scheme(), units_data([tuple(r) for r in by_hand.tolist()]))
    np.testing.assert_allclose(treated.totals, plain.totals, rtol=1e-12)


# --- the scheme options --------------------------------------------------------------------


def test_mof_2012_keeps_the_notice_method():
    rules = load_scheme("mof-2012").scoring
    assert (rules.imputation, rules.treatment, rules.aggregation) == ("none", "none", "arithmetic")
    assert all(g.aggregation is None for g in load_scheme("mof-2012").groups)


@pytest.mark.parametrize(
    "scoring",
    [
        {"imputation": "hot_deck"},
        {"treatment": "trim"},
        {"aggregation": "harmonic"},
        {"winsorise_limit": 0},
        {"imputation_group": "nowhere"},
    ],
)
def test_bad_composite_options_are_refused(scoring):
    with pytest.raises(SchemeError):
        two_level_scheme(**scoring)


def test_unit_groups_from_a_missing_field_are_a_clear_error():
    scheme = two_level_scheme(imputation="group_mean", imputation_group="grp")
    data = BaseData(
        units=[UnitRef("1", "1"), UnitRef("2", "2")],
        columns={"x": np.array([1.0, np.nan]), "y": np.ones(2), "z": np.ones(2)},
    )
    with pytest.raises(DataError):
        evaluate(scheme, data)
