"""Bonus and deduction points (article 11): bounds, reasons, and their place in results."""

from __future__ import annotations

import pytest

from kaoping.scoring import BaseData, evaluate, explain, load_scheme, scheme_from_dict
from kaoping.scoring.adjustments import AdjustmentEntry, adjustment_rules, validate_adjustments
from kaoping.scoring.errors import DataError, SchemeError
from kaoping.tables.assessment import read_adjustments

SCHEME = load_scheme("beijing-district-comprehensive")


def entry(unit, points, reason="临时任务", reference="京就领办〔2024〕1号", row=None):
    return AdjustmentEntry(unit, points, reason, reference, source="加减分.csv", row=row)


def test_scheme_bounds():
    rules = adjustment_rules(SCHEME)
    assert (rules.max_total, rules.require_reason, rules.require_reference) == (5, True, True)


def test_bonuses_and_deductions_each_bounded_by_five():
    ok = validate_adjustments(SCHEME, [entry("A", 3), entry("A", 2), entry("A", -5)])
    assert [a.points for a in ok] == [3.0, 2.0, -5.0]
    with pytest.raises(DataError) as err:
        validate_adjustments(SCHEME, [entry("A", 4), entry("A", 2), entry("B", -5.5)])
    problems = err.value.problems
    assert [p.params["unit"] for p in problems] == ["A", "B"]
    assert "合计 6 分" in problems[0].text("zh") and "±5" in problems[0].text("zh")


def test_reason_reference_and_zero_points_are_required(tmp_path):
    with pytest.raises(DataError) as err:
        validate_adjustments(
            SCHEME, [entry("A", 1, reason=" ", reference="", row=2), entry("A", 0, row=3)]
        )
    assert [(p.code, p.row) for p in err.value.problems] == [
        ("adjustments.no_reason", 2),
        ("adjustments.no_reference", 2),
        ("adjustments.zero", 3),
    ]


def test_unknown_unit_is_rejected():
    with pytest.raises(DataError) as err:
        validate_adjustments(SCHEME, [entry("Q", 1)], unit_codes=["X", "Y"])
    assert err.value.problems[0].code == "assessment.unknown_unit"


def test_item_limit_and_bad_section():
    raw = dict(SCHEME.raw)
    raw["adjustments"] = {"max_total": 5, "max_item": 2}
    scheme = scheme_from_dict(raw)
    with pytest.raises(DataError) as err:
        validate_adjustments(scheme, [entry("A", 3)])
    assert err.value.problems[0].code == "adjustments.item_limit"
    raw["adjustments"] = {"max_total": -1, "require_reason": "yes"}
    with pytest.raises(SchemeError) as err:
        adjustment_rules(scheme_from_dict(raw))
    assert len(err.value.problems) == 2


def test_points_enter_the_total_and_every_explanation():
    from test_beijing_schemes import DISTRICTS

    data = BaseData.from_records(DISTRICTS)
    adjustments = validate_adjustments(SCHEME, [entry("X", 2)], data.codes)
    result = evaluate(SCHEME, data, adjustments=adjustments)
    assert round(float(result.totals[0]), 6) == 83.675  # 81.675 + 2 (docs/beijing.md)
    assert float(result.base_totals[0]) == pytest.approx(81.675)
    text = explain(result, "X").render("zh")
    assert "+2" in text and "京就领办〔2024〕1号" in text


def test_read_adjustments_reports_bad_points(tmp_path):
    path = tmp_path / "adj.csv"
    path.write_text(
        "单位编码,分值,事由,依据文件\n110101,加两分,冬奥保障,文1\n110102,-1,逾期,文2\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_adjustments(path)
    [problem] = err.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "分值", "加两分")
