"""The four built-in Beijing schemes load, and score the hand-worked examples of
docs/beijing.md exactly."""

from __future__ import annotations

import pytest

from kaoping.scoring import BaseData, evaluate, explain, load_scheme
from kaoping.scoring.awards import award_rules, decide_awards
from kaoping.scoring.schemes import OBJECT_KINDS
from kaoping.scoring.targets import Target, completion_column, with_columns

BEIJING = [
    "beijing-district-comprehensive",
    "beijing-fund-performance",
    "beijing-small-loan",
    "member-unit-targets",
]

# docs/beijing.md, "区县综合考核": districts X (good), Y (full marks), Z (weak).
DISTRICTS = [
    dict(
        unit_code="X",
        unit_name="甲区",
        new_jobs=9000,
        new_jobs_target=10000,
        job_creation_innovation=8,
        policy_overall=16,
        policy_innovation=7,
        complaint_cases=1,
        administrative_supervision_cases=1,
        judicial_supervision_cases=0,
        job_referral_registered=1000,
        job_referral_placed=500,
        trained=1000,
        trained_employed=800,
        unemployment_insurance=9,
        labour_service_enterprises=8,
        service_innovation=6,
        hard_to_employ_registered=1000,
        hard_to_employ_placed=760,
        minimum_living_link=9,
        assistance_innovation=5,
    ),
    dict(
        unit_code="Y",
        unit_name="乙区",
        new_jobs=12000,
        new_jobs_target=10000,
        job_creation_innovation=10,
        policy_overall=20,
        policy_innovation=10,
        complaint_cases=0,
        administrative_supervision_cases=0,
        judicial_supervision_cases=0,
        job_referral_registered=1000,
        job_referral_placed=800,
        trained=1000,
        trained_employed=900,
        unemployment_insurance=10,
        labour_service_enterprises=10,
        service_innovation=10,
        hard_to_employ_registered=1000,
        hard_to_employ_placed=950,
        minimum_living_link=10,
        assistance_innovation=10,
    ),
    dict(
        unit_code="Z",
        unit_name="丙区",
        new_jobs=5000,
        new_jobs_target=10000,
        job_creation_innovation=5,
        policy_overall=10,
        policy_innovation=5,
        complaint_cases=3,
        administrative_supervision_cases=2,
        judicial_supervision_cases=1,
        job_referral_registered=1000,
        job_referral_placed=300,
        trained=1000,
        trained_employed=500,
        unemployment_insurance=5,
        labour_service_enterprises=5,
        service_innovation=5,
        hard_to_employ_registered=1000,
        hard_to_employ_placed=475,
        minimum_living_link=5,
        assistance_innovation=5,
    ),
]


def district_result(**kwargs):
    scheme = load_scheme("beijing-district-comprehensive")
    return evaluate(scheme, BaseData.from_records(DISTRICTS), **kwargs)


@pytest.mark.parametrize("code", BEIJING)
def test_builtin_scheme_loads_with_applies_to_and_assumptions(code):
    scheme = load_scheme(code)
    assert scheme.applies_to and set(scheme.applies_to) <= set(OBJECT_KINDS)
    assert len(scheme.assumptions) >= 4
    for ind in scheme.qualitative_indicators:
        assert ind.normalisation == "direct" and ind.params["max"] > 0
        assert ind.formula.names == (ind.formula.text,)
        assert not scheme.field(ind.formula.text).required  # filled from the expert sheet
    award_rules(scheme)  # the award / veto sections are valid


def test_applies_to_matches_the_measures():
    assert load_scheme("beijing-district-comprehensive").applies_to == ("district",)
    assert load_scheme("beijing-small-loan").applies_to == ("loan_institution",)
    assert load_scheme("member-unit-targets").applies_to == ("member_unit",)
    assert "project" in load_scheme("beijing-fund-performance").applies_to


def test_district_worked_example_groups_and_totals():
    result = district_result()
    groups = {code: [round(float(x), 6) for x in v] for code, v in result.group_scores.items()}
    assert groups["A"] == [88.0, 100.0, 50.0]
    assert groups["B"] == [78.0, 100.0, 47.0]
    assert groups["C"] == [81.5, 100.0, 55.0]
    assert groups["D"] == [77.0, 100.0, 50.0]
    assert [round(float(t), 6) for t in result.totals] == [81.675, 100.0, 50.5]
    assert result.ranks.tolist() == [2, 1, 3]


def test_district_new_jobs_scored_against_the_letter_target_and_capped():
    result = district_result()
    a1 = result.column("A1")
    assert [round(float(s), 6) for s in result.scores[:, a1]] == [90.0, 100.0, 50.0]


def test_supervision_cases_count_against_the_unit():
    result = district_result()
    b3 = result.column("B3")
    # 2 cases -> 80; none -> 100; 6 cases -> 40
    assert [round(float(s), 6) for s in result.scores[:, b3]] == [80.0, 100.0, 40.0]


def test_district_awards_of_the_worked_example():
    decisions = decide_awards(district_result())
    # Y alone is eligible: the quotas of 20% and 50% of one unit round down to 0 places,
    # so Y gets the tier without a quota (三等奖) although its 100 points are in every band.
    assert decisions.decision("Y").tier == "三等奖"
    x = decisions.decision("X")
    assert x.tier is None and not x.criticised  # passed, but missed the new-jobs target
    assert "未完成年度新增就业目标" in x.reason_text()
    z = decisions.decision("Z")
    assert z.criticised and "低于合格线 60" in z.reason_text()


def test_fund_performance_worked_example():
    scheme = load_scheme("beijing-fund-performance")
    record = dict(
        unit_code="P",
        unit_name="项目甲",
        goal_soundness=8,
        decision_procedure=6,
        local_budget_planned=1000,
        local_budget_arranged=900,
        superior_allocated=500,
        superior_received=500,
        budget_available=2000,
        budget_released=1600,
        fund_expenditure=1520,
        people_helped_into_work=3800,
        opportunity_increase=10,
        income_increase=7.5,
        stability_increase=20,
        living_allowance_relief=5,
        satisfaction=95,
        financial_rules=9,
        regular_inspection=8,
        financial_information=7,
    )
    result = evaluate(scheme, BaseData.from_records([record]))
    groups = {c: round(float(v[0]), 6) for c, v in result.group_scores.items()}
    assert groups == {"DEC": 70.0, "EXE": 88.0, "RES": 88.0, "SUP": 81.0}
    assert round(float(result.totals[0]), 6) == 84.25
    decision = decide_awards(result).decision("P")
    assert decision.tier == "就业资金绩效评估专项奖"


def test_small_loan_worked_example_with_minimum_standard():
    scheme = load_scheme("beijing-small-loan")
    records = [
        dict(
            unit_code="I1",
            unit_name="担保中心",
            loans_issued=900,
            loans_planned=1000,
            borrowers_supported=120,
            borrowers_planned=100,
            loans_due=500,
            loans_recovered=490,
            daily_management=8,
            risk_control=9,
        ),
        dict(
            unit_code="I2",
            unit_name="信用社区",
            loans_issued=600,
            loans_planned=1000,
            borrowers_supported=50,
            borrowers_planned=100,
            loans_due=500,
            loans_recovered=450,
            daily_management=5,
            risk_control=6,
        ),
    ]
    result = evaluate(scheme, BaseData.from_records(records))
    r1 = result.column("R1")
    assert round(float(result.scores[0, r1]), 6) == 100.0
    # 90% recovery: 60 + 40 * 10/18, then 10 points off for being below 95%
    assert round(float(result.scores[1, r1]), 6) == round(60 + 400 / 18 - 10, 6)
    assert [round(float(t), 4) for t in result.totals] == [94.6, 62.2889]
    assert [d.tier for d in decide_awards(result).decisions] == ["小额担保贷款专项奖"] * 2
    text = explain(result, "I2").render("zh")
    assert "R1" in text


def test_member_unit_worked_example_from_the_letters():
    scheme = load_scheme("member-unit-targets")
    targets = [
        Target("M01", "new_jobs", 260000, actual=268000),
        Target("M01", "training", 300000, actual=285000),
        Target("M02", "fund_release", 95, actual=97, weight=2),
        Target("M02", "audit_issues", 3, actual=4, direction="lower"),
    ]
    data = BaseData.from_records(
        [
            dict(unit_code="M01", unit_name="市人力社保局", key_work=9, cooperation=8),
            dict(unit_code="M02", unit_name="市财政局", key_work=9, cooperation=8),
        ]
    )
    data = with_columns(data, {"target_completion": completion_column(targets, data.codes)})
    assert [round(float(x), 4) for x in data.columns["target_completion"]] == [97.5, 91.6667]
    result = evaluate(scheme, data)
    assert round(float(result.totals[0]), 6) == 94.25
    assert decide_awards(result).decision("M01").tier == "完成目标责任单位"
