"""Year-on-year (同比) and sequential (环比) comparisons across rounds."""

from __future__ import annotations

import math

import pytest

from kaoping.scoring import BaseData, evaluate, load_scheme
from kaoping.scoring.comparison import compare_results, parse_period
from kaoping.scoring.errors import DataError

SCHEME = load_scheme("member-unit-targets")


def round_of(values):
    """A round where target_completion is the only difference (key work, cooperation 10)."""
    records = [
        dict(unit_code=c, unit_name=c, target_completion=v, key_work=10, cooperation=10)
        for c, v in values.items()
    ]
    return evaluate(SCHEME, BaseData.from_records(records))


def test_annual_rounds_changes_and_movers():
    cmp = compare_results(
        {
            2024: round_of({"A": 100, "B": 90, "C": 60}),
            2022: round_of({"A": 80, "B": 90}),
            2023: round_of({"A": 90, "B": 100, "C": 80}),
        }
    )
    assert [p.label for p in cmp.periods] == ["2022", "2023", "2024"]
    i = {c: k for k, c in enumerate(cmp.codes)}
    seq = cmp.total_change("sequential")
    # total = 70% x completion + 30: every completion point is 0.7 of a total point
    assert seq[i["A"]].round(6).tolist()[1:] == [7.0, 7.0]
    assert math.isnan(seq[i["C"], 1])  # C absent in 2022
    assert cmp.total_change("overall")[i["A"], 2] == pytest.approx(14.0)
    assert cmp.total_change("year_on_year")[i["B"], 2] == pytest.approx(-7.0)
    assert cmp.rank_change()[i["A"]].tolist()[1:] == [0.0, 1.0]  # 2nd, 2nd, then 1st
    assert cmp.group_change("T")[i["C"], 2] == pytest.approx(-20.0)
    up, down = cmp.movers(n=1)
    assert up == [("A", "A", pytest.approx(7.0))]
    assert down == [("C", "C", pytest.approx(-14.0))]


def test_quarterly_year_on_year_skips_to_the_same_quarter():
    cmp = compare_results(
        {
            "2023-Q2": round_of({"A": 50}),
            "2024-Q1": round_of({"A": 70}),
            "2024-Q2": round_of({"A": 80}),
        }
    )
    assert cmp.total_change("sequential")[0].round(6).tolist()[2] == 7.0
    assert cmp.total_change("year_on_year")[0].round(6).tolist()[2] == 21.0
    assert math.isnan(cmp.total_change("year_on_year")[0, 1])


def test_bad_periods():
    with pytest.raises(DataError) as err:
        compare_results({2024: round_of({"A": 1})})
    assert err.value.problems[0].code == "comparison.too_few"
    with pytest.raises(DataError) as err:
        compare_results({"2024": round_of({"A": 1}), 2024: round_of({"A": 2})})
    assert err.value.problems[0].code == "comparison.duplicate_period"
    for label in ("24", "2024-Q5", "2024-13", "明年"):
        with pytest.raises(DataError):
            parse_period(label)
    assert parse_period("2024年第三季度").number == 3
