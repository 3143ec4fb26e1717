"""The reward fund: exact sums by the largest remainder method, never to individuals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaoping.scoring.allocation import Recipient, allocate, total_of
from kaoping.scoring.errors import DataError

# docs/beijing.md: the tier example's winners (1 first, 4 second, 3 third prizes).
WINNERS = (
    [Recipient("U1", "一", 1.5, tier="一等奖")]
    + [Recipient(f"U{k}", "二", 1.2, tier="二等奖") for k in (3, 4, 5, 6)]
    + [Recipient(f"U{k}", "三", 1.0, tier="三等奖") for k in (7, 8, 9)]
)


def test_worked_example_in_whole_yuan():
    shares = allocate(100000, WINNERS)
    assert [s.minor_units for s in shares] == [16129] + [12903] * 4 + [10753] * 3
    assert total_of(shares) == Decimal(100000)


def test_fen_precision():
    shares = allocate("100.00", [Recipient(c, c, 1) for c in "ABC"], precision="fen")
    assert [str(s.amount) for s in shares] == ["33.34", "33.33", "33.33"]
    with pytest.raises(DataError) as err:
        allocate("100.5", [Recipient("A", "A", 1)])
    assert err.value.problems[0].code == "allocation.fractional_total"


def test_weighted_by_score():
    shares = allocate(
        1000,
        [Recipient("A", "A", 1.0, score=90), Recipient("B", "B", 1.0, score=60)],
        by_score=True,
    )
    assert [s.minor_units for s in shares] == [600, 400]


def test_an_individual_never_receives_money():
    people = [
        Recipient("110108", "海淀区", 1),
        Recipient("P1", "张某某", 1, kind="individual", source="honours.csv", row=3),
    ]
    with pytest.raises(DataError) as err:
        allocate(5000, people)
    [problem] = err.value.problems
    assert problem.code == "allocation.individual"
    assert "张某某" in problem.render("zh") and "第二十三条" in problem.render("zh")
    assert "第 3 行" in problem.render("zh")


def test_negative_total_and_other_bad_input():
    with pytest.raises(DataError) as err:
        allocate(-1, WINNERS)
    assert err.value.problems[0].code == "allocation.negative_total"
    for total, recipients, code in [
        (100, [], "allocation.no_recipients"),
        (100, [Recipient("A", "A", 0)], "allocation.zero_weight"),
        (100, [Recipient("A", "A", -1)], "allocation.bad_coefficient"),
        ("一百", WINNERS, "assessment.not_a_number"),
    ]:
        with pytest.raises(DataError) as err:
            allocate(total, recipients)
        assert err.value.problems[0].code == code
    assert allocate(0, []) == []


@given(
    total=st.integers(min_value=0, max_value=10**9),
    coefficients=st.lists(st.sampled_from([0.5, 1.0, 1.2, 1.5, 2.0]), min_size=1, max_size=40),
)
def test_amounts_always_sum_exactly_and_stay_within_one_of_the_exact_share(total, coefficients):
    recipients = [Recipient(str(i), str(i), c) for i, c in enumerate(coefficients)]
    shares = allocate(total, recipients)
    assert sum(s.minor_units for s in shares) == total
    assert all(0 <= s.minor_units - s.exact < 1 or 0 <= s.exact - s.minor_units < 1 for s in shares)


def test_remainders_are_broken_on_the_decimals_shown_not_on_float_noise():
    # 216305 × 0.3 = 64891.5 and × 0.7 = 151413.5: an exact tie, which goes to the larger
    # weight. As binary floats 0.3 reads as 0.2999999999999999889, which used to hand the
    # last yuan to A.
    shares = allocate(216305, [Recipient("A", "甲", 0.3), Recipient("B", "乙", 0.7)])
    assert [s.amount for s in shares] == [64891, 151414]
    # With scores, the score counts as shown (two decimals): 90.004999 is 90.00.
    by_score = allocate(
        3,
        [
            Recipient("A", "甲", 1, score=90.004999),
            Recipient("B", "乙", 1, score=90.0),
            Recipient("C", "丙", 1, score=90.0),
        ],
        by_score=True,
    )
    assert [s.amount for s in by_score] == [1, 1, 1]
    assert len({s.weight for s in by_score}) == 1


def test_only_units_of_the_register_receive_money():
    from kaoping.scoring.errors import DataError

    with pytest.raises(DataError) as err:
        allocate(
            1000,
            [Recipient("110108", "海淀区", 1), Recipient("P001", "张某某", 1)],
            register=["110108", "110105"],
        )
    assert [p.code for p in err.value.problems] == ["allocation.not_in_register"]
    assert "P001" in err.value.problems[0].render("zh")
