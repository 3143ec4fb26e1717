"""Award tiers, pass line, requirements, veto and the criticism list (articles 20-22)."""

from __future__ import annotations

import tomllib

import pytest

from kaoping.scoring import BaseData, evaluate, scheme_from_dict
from kaoping.scoring.awards import award_rules, decide_awards, decisions_to_rows
from kaoping.scoring.errors import SchemeError

# docs/beijing.md, "奖励档次": one indicator whose value is the total.
TIER_DEMO = """
[scheme]
code = "tier-demo"
name = "档次示例"
version = "1"
applies_to = ["district"]

[scoring]
normalisation = "direct"

[[fields]]
key = "score"
label = "得分"
type = "score"
min = 0
max = 100

[[fields]]
key = "incidents"
label = "不良影响事件数"
type = "count"
required = false
default = 0

[[groups]]
code = "G"
name = "总分"
weight = 100

[[indicators]]
code = "S"
group = "G"
weight = 100
name = "得分"
formula = "score"
normalisation = "direct"
params = { max = 100 }

[awards]
pass_line = 60
method = "both"

[[awards.tiers]]
name = "一等奖"
min = 90
share = 20
coefficient = 1.5

[[awards.tiers]]
name = "二等奖"
min = 80
share = 30
coefficient = 1.2

[[awards.tiers]]
name = "三等奖"
min = 60
coefficient = 1.0

[[veto]]
condition = "incidents > 0"
label = "因疏于管理造成不良影响"
"""
SCORES = [
    ("U1", 98),
    ("U2", 95),
    ("U3", 91),
    ("U4", 88),
    ("U5", 85),
    ("U6", 85),
    ("U7", 79),
    ("U8", 72),
    ("U9", 65),
    ("U10", 55),
]


def demo(method="both", incidents=("U2",), raw_changes=None):
    raw = tomllib.loads(TIER_DEMO)
    raw["awards"]["method"] = method
    raw.update(raw_changes or {})
    scheme = scheme_from_dict(raw)
    records = [
        dict(unit_code=c, unit_name=c, score=s, incidents=int(c in incidents)) for c, s in SCORES
    ]
    return decide_awards(evaluate(scheme, BaseData.from_records(records)))


def tiers(decisions):
    return {d.unit_code: d.tier for d in decisions.decisions}


def test_worked_example_bands_and_quotas():
    decisions = demo()
    assert tiers(decisions) == {
        "U1": "一等奖",
        "U2": None,
        "U3": "二等奖",
        "U4": "二等奖",
        "U5": "二等奖",
        "U6": "二等奖",
        "U7": "三等奖",
        "U8": "三等奖",
        "U9": "三等奖",
        "U10": None,
    }
    assert decisions.counts() == {"一等奖": 1, "二等奖": 4, "三等奖": 3}
    # U5 and U6 tie at the edge of the 50% quota (4 of 8 eligible): both are admitted
    assert [decisions.decision(c).rank for c in ("U5", "U6", "U7")] == [4, 4, 6]


def test_criticism_list_with_reasons():
    decisions = demo()
    criticised = {d.unit_code: d.reason_text("zh") for d in decisions.criticised}
    assert set(criticised) == {"U2", "U10"}
    assert criticised["U2"] == "一票否决：因疏于管理造成不良影响"
    assert criticised["U10"] == "综合考核不合格：总分 55 低于合格线 60"
    assert "veto" in decisions.decision("U2").reason_text("en")


def test_bands_only_and_quota_only():
    bands = tiers(demo("bands"))
    assert bands["U3"] == "一等奖" and bands["U7"] == "三等奖"
    quota = tiers(demo("quota", incidents=()))
    # 9 eligible: 20% -> 1 place, 50% -> 4 places (ranks 1..4)
    assert [quota[c] for c in ("U1", "U2", "U3", "U4", "U5")] == [
        "一等奖",
        "二等奖",
        "二等奖",
        "二等奖",
        "三等奖",
    ]


def test_overall_rank_keeps_vetoed_units():
    decisions = demo()
    assert [d.unit_code for d in decisions.decisions][:3] == ["U1", "U2", "U3"]
    assert decisions.decision("U2").overall_rank == 2
    rows = decisions_to_rows(decisions)
    assert rows[1]["criticised"] is True and rows[1]["tier"] is None


def test_missing_value_never_vetoes():
    raw = tomllib.loads(TIER_DEMO)
    scheme = scheme_from_dict(raw)
    data = BaseData.from_records([dict(unit_code="A", unit_name="A", score=95)])
    data.columns["incidents"] = data.columns["score"] * float("nan")
    decision = decide_awards(evaluate(scheme, data)).decision("A")
    assert decision.tier is not None and not decision.criticised


def test_bad_award_sections():
    raw = tomllib.loads(TIER_DEMO)
    raw["awards"]["method"] = "lottery"
    raw["awards"]["tiers"][0]["share"] = 150
    raw["veto"] = [{"condition": "nonexistent > 0", "label": "x"}]
    with pytest.raises(SchemeError) as err:
        award_rules(scheme_from_dict(raw))
    codes = [p.code for p in err.value.problems]
    # the method, the share of 150% and the shares summing above 100%
    assert codes.count("assessment.section") == 3 and "assessment.condition" in codes
    raw = tomllib.loads(TIER_DEMO)
    raw["awards"]["tiers"] = raw["awards"]["tiers"][::-1]  # worst first
    with pytest.raises(SchemeError):
        award_rules(scheme_from_dict(raw))
