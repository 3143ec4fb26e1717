"""Evaluation: values -> scores -> standards -> not-applicable policies -> groups -> total,
rank, grade; the comparison with an earlier round; and the JSON document.

Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from kaoping.scoring import (
    Adjustment,
    BaseData,
    DataError,
    competition_ranks,
    evaluate,
    result_to_dict,
    scheme_from_dict,
    weighted_mean,
)
from kaoping.scoring.evaluation import MISSING, OK, ZERO_DENOMINATOR, aggregate

GRADES = [
    {"name": "优", "min": 90},
    {"name": "良", "min": 80},
    {"name": "中", "min": 60},
    {"name": "差", "min": 0},
]


def make_scheme(
    indicators: list[dict[str, Any]],
    groups: list[dict[str, Any]] | None = None,
    fields: list[str] = ("x", "y", "z"),
    scoring: dict[str, Any] | None = None,
    extra_fields: list[dict[str, Any]] = (),
):
    raw = {
        "scheme": {"code": "t", "name": "测试方案", "version": "1"},
        "fields": [{"key": f, "label": f"字段{f}"} for f in fields] + list(extra_fields),
        "groups": groups or [{"code": "G", "name": "组", "weight": 100}],
        "indicators": indicators,
        "grades": GRADES,
    }
    if scoring:
        raw["scoring"] = scoring
    return scheme_from_dict(raw, path="t.toml")


def ind(code: str, formula: str, weight: float = 100, group: str = "G", **more: Any) -> dict:
    return {
        "code": code,
        "name": f"指标{code}",
        "group": group,
        "weight": weight,
        "formula": formula,
        **more,
    }


def data_of(rows: list[dict[str, Any]]) -> BaseData:
    return BaseData.from_records(
        [{"unit_code": f"u{n + 1}", "unit_name": f"单位{n + 1}", **r} for n, r in enumerate(rows)]
    )


def r4(values) -> list:
    return [None if math.isnan(v) else round(float(v), 4) for v in np.ravel(values)]


# --- a tree three levels deep ----------------------------------------------------------------

TREE_GROUPS = [
    {"code": "T", "name": "顶层一", "weight": 60},
    {"code": "S", "name": "顶层二", "weight": 40},
    {"code": "P", "name": "中层", "parent": "T", "weight": 70},
]
TREE_INDICATORS = [
    ind("P1", "x", 50, "P"),
    ind("P2", "y", 50, "P"),
    ind("Q1", "z", 30, "T"),
    ind("S1", "x + y", 100, "S"),
]
TREE_ROWS = [
    {"x": 1, "y": 3, "z": 1},
    {"x": 3, "y": 3, "z": 3},
    {"x": 1, "y": 1, "z": 3},
    {"x": 3, "y": 1, "z": 1},
]


def test_tree_of_depth_three_by_hand():
    result = evaluate(make_scheme(TREE_INDICATORS, TREE_GROUPS), data_of(TREE_ROWS))
    # P1 = x = 1,3,1,3: mean 2, sd 1, z -1,1,-1,1 -> 70, 90, 70, 90
    # P2 = y = 3,3,1,1 -> 90, 90, 70, 70;  Q1 = z = 1,3,3,1 -> 70, 90, 90, 70
    # S1 = x + y = 4,6,2,4: mean 4, sd sqrt(2), z 0, 1.4142, -1.4142, 0
    #   -> 80, 94.1421, 65.8579, 80
    assert r4(result.scores[:, 0]) == [70.0, 90.0, 70.0, 90.0]
    assert r4(result.scores[:, 3]) == [80.0, 94.1421, 65.8579, 80.0]
    # P = (P1 + P2) / 2 = 80, 90, 70, 80
    assert r4(result.group_scores["P"]) == [80.0, 90.0, 70.0, 80.0]
    # T = 0.7 P + 0.3 Q1 = 77, 90, 76, 77
    assert r4(result.group_scores["T"]) == [77.0, 90.0, 76.0, 77.0]
    assert list(result.group_scores) == ["T", "S", "P"]  # the scheme's order
    # total = 0.6 T + 0.4 S = 78.2, 54 + 37.6569, 45.6 + 26.3431, 78.2
    assert r4(result.totals) == [78.2, 91.6569, 71.9431, 78.2]
    assert result.totals[1] == pytest.approx(54 + 0.4 * (80 + 10 * math.sqrt(2)))
    # ties share a rank and the next is skipped
    assert result.ranks.tolist() == [2, 1, 4, 2]
    assert result.grades == ["中", "优", "中", "中"]
    assert result.stats["S1"]["absolute_weight"] == pytest.approx(0.4)
    assert result.stats["P1"]["absolute_weight"] == pytest.approx(0.6 * 0.7 * 0.5)
    assert result.warnings == []


def test_aggregate_keeps_leading_axes():
    scheme = make_scheme(TREE_INDICATORS, TREE_GROUPS)
    single = evaluate(scheme, data_of(TREE_ROWS))
    stacked = np.stack([single.used_scores, single.used_scores[::-1]])  # 2 x 4 x 4
    groups, totals = aggregate(scheme, stacked)
    assert totals.shape == (2, 4)
    assert r4(totals[0]) == r4(single.totals)
    assert r4(totals[1]) == r4(single.totals[::-1])
    assert groups["P"].shape == (2, 4)


# --- not applicable ------------------------------------------------------------------------

NA_ROWS = [
    {"x": 2, "y": 1},
    {"x": 4, "y": 1},
    {"x": 3, "y": 0},  # x / y: zero denominator
    {"x": 3, "y": None},  # x / y: empty cell
]
# G1 = x / y over u1, u2 only: 2, 4 -> mean 3, sd 1 -> 70, 90
# G2 = x = 2,4,3,3: mean 3, sd sqrt(0.5) -> z -1.4142, 1.4142, 0, 0 -> 65.8579, 94.1421, 80, 80
G2_SCORES = [80 - 10 * math.sqrt(2), 80 + 10 * math.sqrt(2), 80.0, 80.0]


def na_result(policy: str | None = None, indicator_policy: str | None = None):
    more = {"missing": indicator_policy} if indicator_policy else {}
    scheme = make_scheme(
        [ind("G1", "x / y", 60, **more), ind("G2", "x", 40)],
        scoring={"not_applicable": policy} if policy else None,
    )
    return evaluate(scheme, data_of(NA_ROWS))


def test_not_applicable_reasons_are_kept():
    result = na_result()
    assert result.reasons[:, 0].tolist() == [OK, OK, ZERO_DENOMINATOR, MISSING]
    assert result.stats["G1"]["n"] == 2
    assert (result.stats["G1"]["mean"], result.stats["G1"]["sd"]) == (3.0, 1.0)
    doc = result_to_dict(result)
    by_code = {u["code"]: u for u in doc["units"]}
    assert by_code["u3"]["indicators"]["G1"]["status"] == "not_applicable"
    assert by_code["u3"]["indicators"]["G1"]["reason"] == "分母为零，不适用"
    assert by_code["u4"]["indicators"]["G1"]["reason"] == "基础数据缺失，不适用"
    assert by_code["u1"]["indicators"]["G1"] == {
        "value": 2.0,
        "z": -1.0,
        "score": 70.0,
        "adjustment": 0.0,
        "status": "ok",
        "reason": None,
    }
    en = {u["code"]: u for u in result_to_dict(result, "en")["units"]}
    assert en["u3"]["indicators"]["G1"]["reason"] == "zero denominator: not applicable"


def test_policy_renormalise_leaves_the_indicator_out():
    result = na_result("renormalise")
    assert r4(result.used_scores[:, 0]) == [70.0, 90.0, None, None]
    # u1: 0.6 * 70 + 0.4 * 65.8579; u3, u4: G2 alone (weight 40 renormalised to 100%) = 80
    assert r4(result.totals) == r4([42 + 0.4 * G2_SCORES[0], 54 + 0.4 * G2_SCORES[1], 80, 80])


def test_policy_zero_counts_zero_points():
    result = na_result("zero")
    assert r4(result.used_scores[:, 0]) == [70.0, 90.0, 0.0, 0.0]
    assert r4(result.totals[2:]) == [32.0, 32.0]  # 0.6 * 0 + 0.4 * 80


def test_policy_mean_counts_the_mean_score_of_applicable_units():
    result = na_result("mean")
    assert r4(result.used_scores[:, 0]) == [70.0, 90.0, 80.0, 80.0]  # (70 + 90) / 2
    assert r4(result.totals[2:]) == [80.0, 80.0]  # 0.6 * 80 + 0.4 * 80
    # an indicator's own ``missing`` wins over the scheme's policy
    zero_here = na_result("mean", indicator_policy="zero")
    assert r4(zero_here.used_scores[:, 0]) == [70.0, 90.0, 0.0, 0.0]


def test_unit_with_everything_not_applicable():
    rows = [*NA_ROWS, {"x": None, "y": None}]
    scheme = make_scheme([ind("G1", "x / y", 60), ind("G2", "x", 40)])
    result = evaluate(scheme, data_of(rows))
    assert math.isnan(result.totals[4]) and result.ranks[4] == 0 and result.grades[4] is None
    # G1 (x / y) applies to two units only: z-scores of two units warn too
    assert [w.code for w in result.warnings] == ["eval.few_units", "eval.unit_all_na"]
    assert result.warnings[-1].render() == "单位“u5”没有任何可计算的指标"
    doc = result_to_dict(result)
    assert doc["units"][-1]["code"] == "u5"  # unranked units come last
    assert doc["units"][-1]["total"] is None and doc["units"][-1]["rank"] is None
    assert doc["warnings"][-1] == "单位“u5”没有任何可计算的指标"


def test_indicator_applicable_to_nobody_warns():
    scheme = make_scheme([ind("G1", "x / y", 60), ind("G2", "x", 40)])
    result = evaluate(scheme, data_of([{"x": 1, "y": 0}, {"x": 2, "y": 0}]))
    assert [w.code for w in result.warnings] == ["eval.no_applicable", "eval.few_units"]
    assert r4(result.totals) == [70.0, 90.0]  # G2 alone


def test_all_equal_values_warn_and_score_80_even_with_float_noise():
    scheme = make_scheme([ind("G1", "x + y")])
    result = evaluate(
        scheme, data_of([{"x": 0.1, "y": 0.2}, {"x": 0.3, "y": 0}, {"x": 0, "y": 0.3}])
    )
    assert result.values[0, 0] != result.values[1, 0]  # 0.30000000000000004 vs 0.3
    assert result.totals.tolist() == [80.0, 80.0, 80.0]
    assert result.ranks.tolist() == [1, 1, 1]
    assert result.stats["G1"]["sd"] == 0.0
    assert [w.code for w in result.warnings] == ["eval.sd_zero"]


def test_sample_sd_from_the_scheme():
    scheme = make_scheme([ind("G1", "x")], scoring={"sd": "sample"})
    result = evaluate(scheme, data_of([{"x": 1}, {"x": 2}, {"x": 3}, {"x": 4}]))
    assert result.stats["G1"]["sd"] == pytest.approx(math.sqrt(5 / 3))
    assert r4(result.z[:, 0]) == [-1.1619, -0.3873, 0.3873, 1.1619]


# --- standards (最低标准 / 优异标准) ----------------------------------------------------------------


def test_standards_deduct_add_and_clamp_on_values():
    standards = {"minimum": 60, "minimum_points": 5, "excellent": 90, "excellent_points": 3}
    scheme = make_scheme([ind("G1", "x", normalisation="direct", standards=standards)])
    result = evaluate(scheme, data_of([{"x": v} for v in [50, 60, 75, 90, 99, 100]]))
    # below 60: -5; exactly 60 or 90: nothing (strict); above 90: +3, clamped at 100
    assert result.standard_points[:, 0].tolist() == [-5, 0, 0, 0, 3, 3]
    assert result.scores[:, 0].tolist() == [45, 60, 75, 90, 100, 100]
    assert result.raw_scores[:, 0].tolist() == [50, 60, 75, 90, 99, 100]
    doc = {u["code"]: u for u in result_to_dict(result)["units"]}
    assert doc["u1"]["indicators"]["G1"]["adjustment"] == -5.0
    assert doc["u1"]["indicators"]["G1"]["score"] == 45.0


def test_standards_of_a_lower_is_better_indicator():
    standards = {"minimum": 8, "minimum_points": 5, "excellent": 2, "excellent_points": 5}
    scheme = make_scheme([ind("G1", "x", direction="lower", standards=standards)])
    result = evaluate(scheme, data_of([{"x": v} for v in [1, 2, 5, 8, 9]]))
    # above 8 is worse: -5; below 2 is better: +5; 2 and 8 themselves: nothing
    assert result.standard_points[:, 0].tolist() == [5, 0, 0, 0, -5]
    # mean 5, sd sqrt(10); lower is better: 80 - 10 z
    raw = [80 - 10 * (v - 5) / math.sqrt(10) for v in [1, 2, 5, 8, 9]]
    assert r4(result.raw_scores[:, 0]) == r4(raw)
    assert r4(result.scores[:, 0]) == r4([raw[0] + 5, raw[1], raw[2], raw[3], raw[4] - 5])


def test_standards_on_the_score_and_clamping_at_the_floor():
    standards = {"basis": "score", "minimum": 70, "minimum_points": 80}
    scheme = make_scheme([ind("G1", "x", standards=standards)])
    result = evaluate(scheme, data_of([{"x": 1}, {"x": 2}, {"x": 3}]))
    # scores 67.7526, 80, 92.2474; only the first is below 70: 67.75 - 80 -> clamped to 0
    assert result.standard_points[:, 0].tolist() == [-80, 0, 0]
    assert r4(result.scores[:, 0]) == [0.0, 80.0, 92.2474]


def test_standards_leave_not_applicable_units_alone():
    standards = {"minimum": 3, "minimum_points": 5}
    scheme = make_scheme([ind("G1", "x / y", standards=standards)])
    result = evaluate(scheme, data_of([{"x": 1, "y": 1}, {"x": 5, "y": 1}, {"x": 1, "y": 0}]))
    assert result.standard_points[:, 0].tolist() == [-5, 0, 0]


# --- ranks and grades ------------------------------------------------------------------------


def test_competition_ranks():
    assert competition_ranks(np.array([90.0, 85.0, 85.0, 70.0])).tolist() == [1, 2, 2, 4]
    assert competition_ranks(np.array([70.0, np.nan, 85.0, 85.0])).tolist() == [3, 0, 1, 1]
    # float noise never separates equal totals
    assert competition_ranks(np.array([80.0, 80.0 + 1e-12, 79.0])).tolist() == [1, 1, 3]
    rows = competition_ranks(np.array([[1.0, 3.0, 3.0], [np.nan, 2.0, 1.0]]))
    assert rows.tolist() == [[3, 1, 1], [0, 1, 2]]


def test_grades_at_the_exact_boundaries():
    scheme = make_scheme([ind("G1", "x", normalisation="direct")])
    values = [100, 90, 89.9999, 80, 79.9999, 60, 59.9999, 0]
    result = evaluate(scheme, data_of([{"x": v} for v in values]))
    assert result.totals.tolist() == values
    assert result.grades == ["优", "优", "良", "良", "中", "中", "差", "差"]


# --- base data -------------------------------------------------------------------------------


PRICE = [
    {
        "key": "price_factor",
        "label": "物价矫正系数",
        "type": "factor",
        "required": False,
        "default": 1,
        "min": 0.5,
        "max": 2,
    }
]


def test_price_factor_defaults_to_one_when_absent_or_empty():
    scheme = make_scheme([ind("G1", "x * price_factor")], fields=["x"], extra_fields=PRICE)
    absent = evaluate(scheme, data_of([{"x": 1}, {"x": 2}]))
    assert absent.values[:, 0].tolist() == [1.0, 2.0]
    empty = evaluate(
        scheme, data_of([{"x": 1, "price_factor": ""}, {"x": 2, "price_factor": None}])
    )
    assert empty.values[:, 0].tolist() == [1.0, 2.0]
    given = evaluate(scheme, data_of([{"x": 1, "price_factor": 1.5}, {"x": 2, "price_factor": ""}]))
    assert given.values[:, 0].tolist() == [1.5, 2.0]


def test_missing_required_column_is_reported_not_raised_as_a_traceback():
    scheme = make_scheme([ind("G1", "x / y")])
    with pytest.raises(DataError) as info:
        evaluate(scheme, data_of([{"x": 1}]))
    assert info.value.render() == "缺少列“字段y”（y）"


def test_no_units():
    with pytest.raises(DataError) as info:
        evaluate(make_scheme([ind("G1", "x")]), BaseData.from_records([]))
    assert "没有被评价单位" in info.value.render()


# --- bonus / deduction, previous round -------------------------------------------------------


def test_adjustments_change_totals_and_ranks():
    scheme = make_scheme([ind("G1", "x")])
    data = data_of([{"x": 1}, {"x": 3}])  # 70, 90
    result = evaluate(
        scheme,
        data,
        adjustments=[Adjustment("u1", 25, "专项工作"), Adjustment("u2", -2, "通报批评")],
    )
    assert result.base_totals.tolist() == [70.0, 90.0]
    assert result.totals.tolist() == [95.0, 88.0]
    assert result.ranks.tolist() == [1, 2]
    assert result.grades == ["优", "良"]
    doc = result_to_dict(result)
    assert [(u["code"], u["base_total"], u["bonus"]) for u in doc["units"]] == [
        ("u1", 70.0, 25.0),
        ("u2", 90.0, -2.0),
    ]
    with pytest.raises(DataError):
        evaluate(scheme, data, adjustments=[Adjustment("nobody", 1, "?")])


def test_previous_round_gives_change_and_rank_change():
    scheme = make_scheme([ind("G1", "x")])
    before = evaluate(
        scheme,
        BaseData.from_records(
            [
                {"unit_code": "a", "year": 2023, "x": 1},
                {"unit_code": "b", "year": 2023, "x": 3},
            ]
        ),
    )  # a 70 (rank 2), b 90 (rank 1)
    now = evaluate(
        scheme,
        BaseData.from_records(
            [
                {"unit_code": "a", "year": 2024, "x": 5},
                {"unit_code": "b", "year": 2024, "x": 1},
                {"unit_code": "c", "year": 2024, "x": 3},
            ]
        ),
        previous=before,
    )
    # now: mean 3, sd sqrt(8/3) = 1.633; a 92.2474 (1), b 67.7526 (3), c 80 (2)
    assert now.previous is not None and now.previous.year == 2023
    assert r4(now.previous.totals) == [70.0, 90.0, None]
    assert now.previous.ranks.tolist() == [2, 1, 0]
    doc = {u["code"]: u for u in result_to_dict(now)["units"]}
    assert doc["a"]["previous"]["previous_total"] == 70.0
    assert doc["a"]["previous"]["change"] == pytest.approx(22.2474, abs=1e-4)
    assert doc["a"]["previous"]["rank_change"] == 1  # from 2nd to 1st: up one
    assert doc["b"]["previous"]["rank_change"] == -2
    assert doc["c"]["previous"] == {
        "previous_total": None,
        "previous_rank": None,
        "change": None,
        "rank_change": None,
    }


# --- the JSON document -------------------------------------------------------------------------


def test_result_to_dict_shape_exactly():
    result = evaluate(make_scheme(TREE_INDICATORS, TREE_GROUPS), data_of(TREE_ROWS))
    doc = result_to_dict(result)
    assert set(doc) == {"scheme", "input_sha256", "units", "indicators", "warnings"}
    assert doc["scheme"] == {"code": "t", "version": "1", "sha256": result.scheme.sha256}
    assert doc["input_sha256"] == result.data.sha256 and len(doc["input_sha256"]) == 64
    assert [u["code"] for u in doc["units"]] == ["u2", "u1", "u4", "u3"]  # rank order
    unit = doc["units"][0]
    assert set(unit) == {"code", "name", "year", "total", "rank", "grade", "groups", "indicators"}
    assert (unit["name"], unit["year"], unit["rank"], unit["grade"]) == ("单位2", None, 1, "优")
    assert set(unit["groups"]) == {"T", "S", "P"}
    assert set(unit["indicators"]) == {"P1", "P2", "Q1", "S1"}
    for entry in unit["indicators"].values():
        assert set(entry) == {"value", "z", "score", "adjustment", "status", "reason"}
    # numbers are not rounded
    assert unit["total"] == result.totals[1]
    assert unit["indicators"]["S1"]["z"] == result.z[1, 3] == pytest.approx(math.sqrt(2))
    stats = doc["indicators"]["S1"]
    assert {"name", "group", "weight", "mean", "sd", "n"} <= set(stats)
    assert (stats["name"], stats["group"], stats["weight"], stats["mean"], stats["n"]) == (
        "指标S1",
        "S",
        1.0,
        4.0,
        4,
    )
    assert stats["sd"] == result.stats["S1"]["sd"] == pytest.approx(math.sqrt(2), rel=1e-15)
    assert doc["warnings"] == []
    json.dumps(doc, allow_nan=False)  # valid JSON: no NaN, no infinities


def test_result_to_dict_is_valid_json_with_not_applicable_everywhere():
    scheme = make_scheme(
        [
            ind("G1", "x / y", 50, normalisation="minmax"),
            ind("G2", "x", 50, normalisation="efficacy"),
        ]
    )
    result = evaluate(scheme, data_of([{"x": None, "y": 0}, {"x": None, "y": 1}]))
    doc = result_to_dict(result)
    text = json.dumps(doc, allow_nan=False)
    assert doc["indicators"]["G1"]["min"] is None and "Infinity" not in text


def test_weighted_mean_renormalises_over_present_children():
    out = weighted_mean(
        [np.array([90.0, 90.0, np.nan]), np.array([70.0, np.nan, np.nan])], [0.6, 0.4]
    )
    assert r4(out) == [82.0, 90.0, None]


def test_standardising_fewer_than_three_units_warns_and_says_what_the_scores_mean():
    from kaoping.scoring import BaseData, scheme_from_dict

    scheme = scheme_from_dict(
        {
            "scheme": {"code": "t", "name": "t", "version": "1"},
            "fields": [{"key": "x"}],
            "groups": [{"code": "G", "name": "G", "weight": 100}],
            "indicators": [{"code": "X", "name": "X", "group": "G", "weight": 100, "formula": "x"}],
        }
    )
    two = evaluate(
        scheme, BaseData.from_records([{"unit_code": "1", "x": 1}, {"unit_code": "2", "x": 5}])
    )
    assert sorted(two.totals.tolist()) == [70.0, 90.0]  # every z is ±1, whatever the gap
    warning = next(w for w in two.warnings if w.code == "eval.few_units")
    assert "2 个单位" in warning.text("zh") and "90 或 70" in warning.text("zh")
    assert "who is ahead, not by how much" in warning.text("en")
    three = evaluate(
        scheme,
        BaseData.from_records(
            [{"unit_code": c, "x": v} for c, v in [("1", 1), ("2", 5), ("3", 2)]]
        ),
    )
    assert not [w for w in three.warnings if w.code == "eval.few_units"]
