"""Targets of the responsibility letters: plans, progress, completion, import."""

from __future__ import annotations

import math

import pytest

from kaoping.scoring import BaseData
from kaoping.scoring.errors import DataError
from kaoping.scoring.targets import (
    Target,
    check_targets,
    completion_rate,
    expected_to_date,
    letter_completion,
    months_elapsed,
    plan_share,
    progress,
    target_column,
    validate_targets,
    with_columns,
)
from kaoping.tables.assessment import read_targets

T = Target("110101", "new_jobs", 12000, plan=(2000, 4000, 3000, 3000))


def test_worked_example_progress_at_mid_year():
    # docs/beijing.md: 12,000 new jobs planned 2,000 / 4,000 / 3,000 / 3,000; 5,400 by June
    p = progress(T, actual=5400, through="Q2")
    assert p.expected == 6000
    assert p.completion == pytest.approx(0.45)
    assert p.schedule == pytest.approx(0.9)
    assert not p.on_track and p.gap == -600


def test_expected_within_a_quarter_is_linear():
    assert expected_to_date(T, 4) == pytest.approx(2000 + 4000 / 3)
    assert expected_to_date(T, None) == 12000


def test_monthly_plan_and_no_plan():
    monthly = Target("u", "k", 1200, plan=tuple([100.0] * 12))
    assert expected_to_date(monthly, "Q1") == pytest.approx(300)
    assert plan_share((), 6) == 0.5


def test_periods():
    assert [months_elapsed(x) for x in ("Q1", "q4", "7", "7月", 12, None)] == [3, 12, 7, 7, 12, 12]
    with pytest.raises(DataError) as err:
        months_elapsed("Q5")
    assert err.value.problems[0].code == "targets.bad_period"


def test_completion_rates_and_lower_is_better():
    assert completion_rate(10800, 12000) == pytest.approx(0.9)
    assert completion_rate(8, 4, "lower") == 0.5
    assert completion_rate(3, 4, "lower") == 1.0
    assert math.isnan(completion_rate(5, 0))


def test_letter_completion_caps_each_target():
    letter = [Target("M", "a", 100, actual=150), Target("M", "b", 100, actual=50)]
    assert letter_completion(letter) == 75.0  # 150% counts as 100%
    assert letter_completion([Target("M", "a", 100)]) == 0.0  # no actual reported


def test_validation_of_plans_and_duplicates():
    bad = [
        Target("u", "k", 100, plan=(10, 20, 30), row=2),
        Target("u", "j", 100, plan=(10, 20, 30, 30), row=3),
        Target("u", "j", 100, row=4),
        Target("v", "k", -1, row=5),
    ]
    with pytest.raises(DataError) as err:
        check_targets(bad)
    codes = [p.code for p in err.value.problems]
    assert codes == [
        "targets.plan_periods",
        "targets.plan_sum",
        "targets.plan_sum",
        "targets.duplicate",
        "targets.not_positive",
    ]
    assert "合计 90" in err.value.problems[2].text("zh")


def test_target_column_fills_the_base_data_field():
    data = BaseData.from_records([dict(unit_code="a", unit_name="甲", new_jobs=5)])
    column = target_column([Target("a", "new_jobs", 10)], "new_jobs", data.codes)
    filled = with_columns(data, {"new_jobs_target": column})
    assert filled.columns["new_jobs_target"].tolist() == [10.0]
    assert filled.sha256 != data.sha256
    with pytest.raises(DataError) as err:
        target_column([], "new_jobs", data.codes)
    assert err.value.problems[0].code == "targets.missing"


def test_import_from_csv_with_plan_and_errors(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(
        "单位编码,目标代码,目标名称,目标值,第一季度,第二季度,第三季度,第四季度,实际完成,截至期\n"
        "0101,new_jobs,新增就业,12000,2000,4000,3000,3000,5400,Q2\n"
        "0102,new_jobs,新增就业,一万,,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_targets(path)
    [problem] = err.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "目标值", "一万")
    path.write_text(path.read_text(encoding="utf-8").replace("一万", "8000"), encoding="utf-8")
    first, second = read_targets(path)
    assert first.unit_code == "0101" and first.plan == (2000, 4000, 3000, 3000)
    assert progress(first).schedule == pytest.approx(0.9)
    assert second.plan == () and second.actual is None


def test_a_level_target_is_never_pro_rated():
    """3.2% against a 3.5% cap is on target in June (not "54.69% of plan")."""
    cap = Target("110101", "registered_unemployment_rate", 3.5, direction="lower", kind="level")
    for through in ("Q1", "Q2", "7", None):
        p = progress(cap, actual=3.2, through=through)
        assert p.expected == 3.5 and p.on_track and p.schedule == 1.0
    assert not progress(cap, actual=3.6, through="Q2").on_track
    floor = Target("M03", "graduates", 95, kind="level")
    assert progress(floor, actual=96, through="Q1").on_track
    assert not progress(floor, actual=94, through="Q4").on_track


def test_a_level_target_has_no_plan_and_kinds_are_checked():
    problems = validate_targets(
        [
            Target("u", "rate", 3.5, direction="lower", kind="level", plan=(1, 1, 1, 0.5)),
            Target("u", "jobs", 100, kind="monthly"),
        ]
    )
    assert [p.code for p in problems] == ["targets.level_plan", "targets.bad_kind"]


def test_rates_are_read_as_level_targets(tmp_path):
    from kaoping.tables.assessment import read_targets

    path = tmp_path / "t.csv"
    path.write_text(
        "单位编码,目标代码,目标名称,目标值,目标类型\n"
        "A,rate,城镇登记失业率（%）,3.5,\nA,jobs,新增就业,100,\n"
        "A,x,某项比率,1,累计\n",
        encoding="utf-8",
    )
    assert [t.kind for t in read_targets(path)] == ["level", "cumulative", "cumulative"]
