"""Expert scoring: the sheet, its validation, the aggregation rules, dispersion, ties."""

from __future__ import annotations

import numpy as np
import pytest
from openpyxl import load_workbook

from kaoping.scoring import BaseData, load_scheme, scheme_from_dict
from kaoping.scoring.errors import DataError, SchemeError
from kaoping.scoring.experts import (
    ExpertRules,
    ExpertScore,
    Recusal,
    aggregate_experts,
    aggregate_values,
    committee_ranks,
    expert_rules,
    spread,
    trimmed_mean,
)
from kaoping.tables.assessment import Expert, read_expert_scores, write_expert_sheet

SCHEME = "beijing-small-loan"  # items M1, M2, each out of 10; trimmed mean from 5 experts


def scores(unit, item, values, **kw):
    return [ExpertScore(f"专家{k}", unit, item, v, **kw) for k, v in enumerate(values, 1)]


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five():
    assert trimmed_mean([8, 9, 6, 10, 7]) == 8.0  # docs/beijing.md: (8 + 9 + 7) / 3
    assert trimmed_mean([8, 9, 6, 7]) == 7.5  # four experts: the plain mean


def test_rules_mean_and_median():
    assert aggregate_values([6, 9, 7, 8, 10], ExpertRules(rule="mean")) == 8.0
    assert aggregate_values([6, 9, 7, 8], ExpertRules(rule="median")) == 7.5


def test_spread_measures():
    assert spread([8, 9, 6, 10, 7], "range") == 4.0
    assert spread([6, 8], "sd") == 1.0


def test_aggregation_fills_the_fields_and_flags_disagreement():
    scheme = load_scheme(SCHEME)
    agg = aggregate_experts(
        scheme, scores("I1", "M1", [8, 9, 6, 10, 7]) + scores("I1", "M2", [8, 8, 9, 8, 9])
    )
    assert agg.value("I1", "M1") == 8.0
    assert agg.value("I1", "M2") == pytest.approx(25 / 3)  # drops one 9 and one 8
    # M1 range 4 > 30% of 10: flagged; M2 range 1: not
    assert [(a.item, a.flagged) for a in agg.aggregates] == [("M1", True), ("M2", False)]
    assert len(agg.warnings) == 1 and "极差 4 超过阈值 3" in agg.warnings[0].text("zh")
    data = BaseData.from_records([dict(unit_code="I1", unit_name="甲")])
    filled = agg.apply_to(data)
    assert filled.columns["daily_management"].tolist() == [8.0]


def test_score_above_the_maximum_is_rejected_with_its_place():
    scheme = load_scheme(SCHEME)
    bad = scores("I1", "M1", [8, 11], source="评分.xlsx", row=5, column="M1 日常管理")
    with pytest.raises(DataError) as err:
        aggregate_experts(scheme, bad)
    [problem] = err.value.problems
    assert problem.code == "experts.score_range" and problem.row == 5
    text = problem.render("zh")
    assert "评分.xlsx" in text and "第 5 行" in text and "11" in text and "0～10" in text


def test_negative_score_is_rejected():
    with pytest.raises(DataError) as err:
        aggregate_experts(load_scheme(SCHEME), scores("I1", "M1", [-1]))
    assert err.value.problems[0].code == "experts.score_range"


def test_recused_expert_cannot_score_the_unit():
    scheme = load_scheme(SCHEME)
    tie = [Recusal("专家2", "I1", "曾在该机构任职")]
    with pytest.raises(DataError) as err:
        aggregate_experts(scheme, scores("I1", "M1", [8, 9]), tie)
    [problem] = err.value.problems
    assert problem.code == "experts.recused"
    assert "专家2" in problem.text("zh") and "曾在该机构任职" in problem.text("zh")
    # the same expert may score another unit
    assert aggregate_experts(scheme, scores("I2", "M1", [8, 9]), tie).value("I2", "M1") == 8.5


def test_duplicate_and_unknown_items_are_reported_together():
    scheme = load_scheme(SCHEME)
    entries = scores("I1", "M1", [8]) * 2 + scores("I1", "L1", [5])
    with pytest.raises(DataError) as err:
        aggregate_experts(scheme, entries)
    assert sorted(p.code for p in err.value.problems) == [
        "experts.duplicate",
        "experts.unknown_item",
    ]


def test_bad_experts_section_is_a_scheme_error():
    raw = dict(load_scheme(SCHEME).raw)
    raw["experts"] = {"rule": "average", "dispersion_threshold": -3}
    with pytest.raises(SchemeError) as err:
        expert_rules(scheme_from_dict(raw))
    assert len(err.value.problems) == 2


def test_committee_ties_share_a_rank_or_are_broken_by_a_group():
    totals = np.array([90.0, 85.0, 85.0, 70.0])
    assert committee_ranks(totals).tolist() == [1, 2, 2, 4]
    tie = np.array([50.0, 60.0, 70.0, 80.0])
    assert committee_ranks(totals, tie).tolist() == [1, 3, 2, 4]
    assert committee_ranks(totals, np.array([0, 60.0, 60.0, 0])).tolist() == [1, 2, 2, 4]
    assert committee_ranks(np.array([np.nan, 80.0])).tolist() == [0, 1]


def test_district_scheme_breaks_ties_by_new_jobs():
    assert expert_rules(load_scheme("beijing-district-comprehensive")).tie_break == "A"


def test_sheet_round_trip_with_recusal_and_panels(tmp_path):
    scheme = load_scheme("beijing-district-comprehensive")
    path = tmp_path / "sheet.xlsx"
    experts = [Expert("王专家", "policy"), Expert("李专家", "services")]
    units = [("110101", "东城区"), ("110102", "西城区")]
    rows = write_expert_sheet(scheme, path, experts, units, [Recusal("王专家", "110102")])
    assert rows == 3  # 王 x 东城, 李 x 东城, 李 x 西城
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[2]]
    assert "B1 政策整体落实情况（满分 20）" in headers
    b1 = headers.index("B1 政策整体落实情况（满分 20）") + 1
    assert any(dv.formula2 == "20" for dv in ws.data_validations.dataValidation)
    ws.cell(4, b1, 18)
    ws.cell(5, b1, 25)  # 李专家 is not of the policy panel, and 25 is over the maximum
    wb.save(path)
    with pytest.raises(DataError) as err:
        aggregate_experts(scheme, read_expert_scores(scheme, path))
    [problem] = err.value.problems
    assert (problem.row, problem.value) == (5, 25.0)
    assert problem.column.startswith("B1")


def test_text_in_a_score_cell_is_reported(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("专家,单位编码,M1,M2\n甲,I1,八,7\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_expert_scores(load_scheme(SCHEME), path)
    [problem] = err.value.problems
    assert problem.code == "assessment.not_a_number" and problem.row == 2
    assert problem.column == "M1" and "八" in problem.render("zh")
