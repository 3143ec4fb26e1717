"""explain(): the whole derivation of one unit's total, as data and as text (zh / en)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kaoping.scoring import (
    Adjustment,
    BaseData,
    DataError,
    evaluate,
    explain,
    load_scheme,
    scheme_from_dict,
)
from kaoping.scoring.explanation import operand, signed, substitute

ROOT = Path(__file__).resolve().parent.parent
WORKED = ROOT / "docs" / "examples" / "mof-2012-worked.csv"


def worked_result(**kwargs):
    # The worked example's units with the evaluator's price factors (a table of the round).
    with WORKED.with_name("mof-2012-worked-price-factors.csv").open(encoding="utf-8") as handle:
        factors = {r["单位编码"]: r["物价矫正系数"] for r in csv.DictReader(handle)}
    with WORKED.open(encoding="utf-8", newline="") as handle:
        rows = [
            dict(r, price_factor=factors.get(r["unit_code"], "")) for r in csv.DictReader(handle)
        ]
    data = BaseData.from_records(rows, source=WORKED.name)
    data.rows = [2, 3, 4, 5]
    return evaluate(load_scheme("mof-2012"), data, **kwargs)


def tree_scheme(missing: str | None = None):
    more = {"missing": missing} if missing else {}
    return scheme_from_dict(
        {
            "scheme": {"code": "t", "name": "测试方案", "version": "1"},
            "fields": [{"key": k, "label": f"字段{k}", "unit": "万元"} for k in "xyz"],
            "groups": [
                {"code": "T", "name": "顶层一", "weight": 60},
                {"code": "S", "name": "顶层二", "weight": 40},
                {"code": "P", "name": "中层", "parent": "T", "weight": 70},
            ],
            "indicators": [
                {
                    "code": "P1",
                    "name": "比率",
                    "group": "P",
                    "weight": 50,
                    "formula": "x / y",
                    **more,
                },
                {"code": "P2", "name": "差额", "group": "P", "weight": 50, "formula": "y - z"},
                {
                    "code": "Q1",
                    "name": "数量",
                    "group": "T",
                    "weight": 30,
                    "formula": "z",
                    "normalisation": "minmax",
                },
                {"code": "S1", "name": "合计", "group": "S", "weight": 100, "formula": "x + y"},
            ],
            "grades": [{"name": "合格", "min": 60}, {"name": "不合格", "min": 0}],
        }
    )


TREE_ROWS = [
    {"unit_code": "a", "unit_name": "甲", "year": 2024, "x": 2, "y": 1, "z": 5},
    {"unit_code": "b", "unit_name": "乙", "year": 2024, "x": 4, "y": 1, "z": 3},
    {"unit_code": "c", "unit_name": "丙", "year": 2024, "x": 3, "y": 0, "z": 1},
]


def test_contributions_add_up_to_the_total_in_a_renormalised_tree():
    result = evaluate(tree_scheme(), BaseData.from_records(TREE_ROWS))
    ex = explain(result, "c")  # P1 = 3 / 0: not applicable
    p1 = next(s for s in ex.indicators if s.code == "P1")
    p2 = next(s for s in ex.indicators if s.code == "P2")
    assert p1.status == "not_applicable" and p1.reason == "eval.zero_denominator"
    assert p1.effective_weight == 0 and p2.effective_weight == 1.0  # P2 carries all of P
    groups = {g.code: g for g in ex.groups}
    assert groups["P"].score == pytest.approx(p2.used_score)
    top = sum(g.contribution for g in ex.groups if g.parent is None)
    assert top == pytest.approx(ex.total, abs=1e-12)
    assert ex.check["sum_of_contributions"] == pytest.approx(ex.base_total, abs=1e-12)
    assert ex.check["difference"] < 1e-12
    # every group's score is the sum of its children's contributions
    by_code = {s.code: s for s in ex.indicators} | groups
    for g in ex.groups:
        assert sum(by_code[c].contribution for c in g.children) == pytest.approx(g.score)


def test_chinese_text_shows_formula_values_mean_sd_z_and_effective_weight():
    result = evaluate(tree_scheme(), BaseData.from_records(TREE_ROWS))
    text = explain(result, "a").render()
    # P1 = x / y over a, b: 2, 4 -> mean 3, sd 1, z = -1 -> 70
    assert "P1 比率（权重 50%，有效权重 50%）" in text
    assert "公式：x / y" in text
    assert "原始数据：x（字段x）= 2万元；y（字段y）= 1万元" in text
    assert "指标值 = 2 / 1 = 2" in text
    assert "均值 3，标准差 1（总体标准差，2 个单位可计算）" in text
    assert "标准得分 z = (2 − 3) / 1 = −1" in text
    assert "得分 = 80 + 10 × (−1) = 70（限定 0～100）" in text
    assert "指标得分 70，贡献 = 50% × 70 = 35" in text
    # subtraction and a minmax indicator
    assert "指标值 = 1 − 5 = −4" in text
    assert "得分（minmax）= 100；min 1, max 5" in text
    assert text.splitlines()[0] == "a 甲（2024年度）"
    assert "总分 = Σ 一级指标有效权重 × 一级指标得分 = 60% × " in text


def test_not_applicable_indicator_shows_reason_and_its_own_policy():
    result = evaluate(tree_scheme(), BaseData.from_records(TREE_ROWS))
    text = explain(result, "c").render()
    assert "不适用：分母为零；不计入，同组其余指标权重重新归一" in text
    assert "P2 差额（权重 50%，有效权重 100%）" in text
    zero = evaluate(tree_scheme(missing="zero"), BaseData.from_records(TREE_ROWS))
    text = explain(zero, "c").render()
    assert "不适用：分母为零；按 0 分计" in text  # the indicator's policy, not the scheme's
    assert "P2 差额（权重 50%，有效权重 50%）" in text


def test_negative_numbers_read_clearly_in_formulas():
    text = explain(worked_result(), "110101").render()
    assert "指标值 = 1.5 * (−1) = −1.5" in text
    assert "标准得分 z = (−1.5 − (−2)) / 0.935414 = 0.534522" in text
    chaoyang = explain(worked_result(), "110105").render()
    assert "指标值 = (400 − 500) / 500 = −0.2" in chaoyang
    assert "得分 = 80 + 10 × (−1.47391) = 65.2609" in chaoyang
    # no ASCII minus left in any computed line (the formula as written is shown as written)
    computed = [line for line in chaoyang.splitlines() if "=" in line and "公式" not in line]
    assert computed and not any(" -" in line or "(-" in line for line in computed)


def test_english_rendering():
    result = worked_result()
    text = explain(result, "110106").render("en")
    assert "Scheme: " in text and "Base data: mof-2012-worked.csv, row 5" in text
    assert "Total 84.8136, rank 1 of 4, grade good" in text
    assert "Formula: employed_after_job_referral / job_referral_subsidy * price_factor" in text
    assert "Not applicable: zero denominator; left out, siblings' weights renormalised" in text
    assert "mean 2.25, sd 0.433013 (population sd, 4 units applicable)" in text
    assert "z = (2 − 2.25) / 0.433013 = −0.57735" in text
    assert "(weight 20%, effective 25%)" in text
    assert (
        "Raw cells: employed_after_training = 800 (people); vocational_training_subsidy = 400 (10,000 yuan)"
        in text
    )
    assert "（" not in text.split("Raw cells:")[1].splitlines()[0]


def test_to_dict_is_json_ready_and_complete():
    ex = explain(worked_result(), "110106")
    doc = ex.to_dict()
    json.dumps(doc, ensure_ascii=False, allow_nan=False)
    assert doc["unit_code"] == "110106" and doc["rank"] == 1 and doc["ranked_units"] == 4
    assert doc["scheme"]["code"] == "mof-2012" and len(doc["scheme"]["sha256"]) == 64
    assert doc["row"] == 5 and doc["source"] == "mof-2012-worked.csv"
    d1 = next(s for s in doc["indicators"] if s["code"] == "D1")
    assert (
        d1["status"] == "not_applicable" and d1["value"] is None and d1["policy"] == "renormalise"
    )
    assert [c["key"] for c in d1["cells"]] == [
        "employed_after_job_referral",
        "job_referral_subsidy",
        "price_factor",
    ]
    assert d1["cells"][1]["value"] == 0.0


def test_all_equal_values_explained_as_z_zero():
    scheme = load_scheme("mof-2012")
    with WORKED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["registered_unemployment_rate"] = "2.5"
    text = explain(evaluate(scheme, BaseData.from_records(rows)), "110101").render()
    assert "各单位取值相同（标准差为 0），z = 0" in text
    assert "得分 = 80 + 10 × 0 = 80" in text


def test_standards_adjustments_and_previous_in_the_text(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[scheme]\nextends = "mof-2012"\ncode = "s"\nversion = "1"\n'
        "[standards.C2]\nminimum = -3\nminimum_points = 2\n",
        encoding="utf-8",
    )
    with WORKED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    scheme = load_scheme(path)
    before = evaluate(scheme, BaseData.from_records(rows))
    now = evaluate(
        scheme,
        BaseData.from_records(rows),
        previous=before,
        adjustments=[Adjustment("110105", -1.5, "未按期报送", "京人社〔2024〕1号")],
    )
    ex = explain(now, "110105")
    text = ex.render()
    assert "标准：最低 -3（低于扣 2 分），优异 —（高于加 0 分）；本单位 -2 分" in text
    assert "加减分：-1.5 分，未按期报送（京人社〔2024〕1号）" in text
    assert f"总分 = {ex.base_total:.6g} + 加减分 -1.5 = {ex.total:.6g}" in text
    assert ex.previous == {
        "year": 2024,
        "total": before.totals[2],
        "rank": 4,
        "change": pytest.approx(-1.5),
        "rank_change": 0,
    }
    assert "变化 -1.5，名次变化 0" in text


def test_unknown_unit():
    with pytest.raises(DataError) as info:
        explain(worked_result(), "999999")
    assert info.value.render() == "找不到单位“999999”"


def test_substitute_operand_signed():
    assert substitute("a / (a + b)", {"a": 1200.0, "b": 800.0}) == "1200 / (1200 + 800)"
    assert substitute("a - b", {"a": -1.58, "b": None}) == "(−1.58) − 空"
    assert substitute("sum(a, -2) * -1", {"a": 3.0}) == "sum(3, (−2)) * (−1)"
    assert substitute("-a + 1e-5", {"a": 2.0}) == "−2 + 1e-5"
    assert operand(-1.58, first=True) == "−1.58" and operand(-1.59312) == "(−1.59312)"
    assert operand(None) == "—" and signed(-0.5) == "−0.5" and signed(3.0) == "3"


def test_a_clamp_is_shown_as_a_clamp():
    from kaoping.tables import read_base_data

    scheme = load_scheme("mof-2012")
    data = read_base_data(ROOT / "examples" / "mof-2012-demo-2024.csv", scheme)
    result = evaluate(scheme, data)
    text = explain(result, "110105").render()
    assert "得分 = 80 + 10 × 2.4431 = 104.431，超过上限，按 100 计" in text
    assert "score = 80 + 10 × 2.4431 = 104.431, capped at 100" in explain(result, "110105").render(
        "en"
    )
    assert "（限定 0～100）" in text  # an unclamped score still says its bounds


def test_target_and_efficacy_items_show_their_target_and_formula():
    from kaoping.scoring import Assessment, assess
    from kaoping.tables import read_base_data
    from kaoping.tables.inputs import read_assessment

    beijing = ROOT / "examples" / "beijing"
    district = assess(
        read_assessment(
            beijing / "district-2024.csv",
            "beijing-district-comprehensive",
            experts=beijing / "experts-2024.xlsx",
            recusals=beijing / "recusals.csv",
            targets=beijing / "targets-2024.csv",
        )
    )
    text = explain(district.evaluation, "110108").render()
    assert "得分 = 100 × min(55433 / 55500, 1) = 99.8793" in text
    assert "目标值 55500 取自 new_jobs_target" in text
    scheme = load_scheme("beijing-small-loan")
    loans = assess(Assessment(scheme, read_base_data(beijing / "small-loan-2024.csv", scheme)))
    step = next(
        s for s in explain(loans.evaluation, "G01").indicators if s.normalisation == "efficacy"
    )
    rendered = explain(loans.evaluation, "G01").render()
    assert f"60 + 40 × ({step.value:g} − 不允许值" in rendered.replace(
        f"{step.value:.6g}", f"{step.value:g}"
    )
    assert step.target is not None and step.low is not None
    assert step.unclamped == pytest.approx(
        60 + 40 * (step.value - step.low) / (step.target - step.low)
    )
