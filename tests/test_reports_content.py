"""The content model of reports: sections, numbers equal to the engine's, drafts, texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kaoping.reports.analysis import unit_facts
from kaoping.reports.model import Paragraph, Table
from kaoping.reports.round_report import build_round_report, without_field_keys
from kaoping.reports.text import SECTION_TITLES, fmt_score, fmt_z
from kaoping.reports.unit_report import build_unit_report

ROOT = Path(__file__).resolve().parent.parent
DRAFT = "（系统生成初稿，请评价机构审核修改）"
SIX = [zh for zh, _ in SECTION_TITLES.values()]


# ``rounds``: the demo evaluated once for the whole run (tests/conftest.py).


def table(doc, key: str) -> Table:
    return next(t for t in doc.tables() if t.key == key)


def test_unit_report_has_the_six_parts_in_order(rounds):
    result, previous = rounds
    doc = build_unit_report(result, "110101", previous=previous, charts=False)
    titles = [s.title for s in doc.sections]
    assert titles == [f"{n}、{t}" for n, t in zip("一二三四五六", SIX, strict=True)]


def test_indicator_table_numbers_equal_the_engine(rounds):
    result, previous = rounds
    doc = build_unit_report(result, "110101", previous=previous, charts=False)
    u = result.index("110101")
    rows = {r[0]: r for r in table(doc, "indicator_scores").rows}
    for j, ind in enumerate(result.scheme.indicators):
        row = rows[ind.code]
        assert row[4] == fmt_z(result.z[u, j])
        assert row[5] == fmt_score(result.scores[u, j])
        # rank among the units: 1 + number of units with a strictly higher score
        column = result.scores[:, j]
        valid = column[~np.isnan(column)]
        expected_rank = 1 + int((np.round(valid, 6) > round(column[u], 6)).sum())
        assert row[6] == f"{expected_rank}/{valid.size}"
    # Hand-checked against the demo data: 东城区 2024 scores 77.60, rank 13 of 16, grade 中.
    assert fmt_score(result.totals[u]) == "77.60"
    text = doc.plain_text()
    assert "东城区综合得分 77.60 分，在 16 个单位中排名第 13 位，等级为“中”" in text


def test_d5_not_applicable_unit_is_ranked_among_fewer_units(rounds):
    result, _ = rounds
    j = result.column("D5")
    assert int((~np.isnan(result.scores[:, j])).sum()) == 15
    facts = unit_facts(result, "110101")
    assert next(f for f in facts.indicators if f.code == "D5").ranked == 15


def test_year_on_year_changes_equal_the_difference_of_totals(rounds):
    result, previous = rounds
    doc = build_unit_report(result, "110105", previous=previous, charts=False)
    u = result.index("110105")
    v = previous.index("110105")
    total_row = table(doc, "changes").rows[0]
    assert total_row[1] == fmt_score(result.totals[u])
    assert total_row[2] == fmt_score(previous.totals[v])
    assert total_row[3] == f"{result.totals[u] - previous.totals[v]:+.2f}"
    rank_row = table(doc, "changes").rows[1]
    assert rank_row[1:4] == ["1", "5", "上升 4 位"]  # 朝阳区: 5th in 2023, 1st in 2024


def test_weaknesses_are_drafted_with_gap_and_rank(rounds):
    result, previous = rounds
    facts = unit_facts(result, "110101", previous=previous)
    d1 = next(f for f in facts.indicators if f.code == "D1")
    assert d1 in facts.weaknesses
    doc = build_unit_report(result, "110101", previous=previous, charts=False)
    problems = doc.section("problems")
    text = "\n".join(b.text for b in problems.blocks if isinstance(b, Paragraph))
    gap = d1.mean_value - d1.value  # in the value's own unit, never in relative percent
    assert f"D1 每万元职业介绍补贴促进就业人数为 {d1.value:.2f}人/万元，低于参评单位平均" in text
    assert f"平均 {gap:.2f}人/万元，得分 {d1.score:.2f}，排名第 16/16" in text
    assert problems.blocks[0].note == DRAFT


def test_agency_text_replaces_the_draft(rounds):
    result, _ = rounds
    texts = {
        "problems": "资金拨付进度偏慢。\n\n部分项目台账不全。",
        "measures": "建立了资金管理办法。",
    }
    doc = build_unit_report(result, "110101", narratives=texts, charts=False)
    problems = [b for b in doc.section("problems").blocks if isinstance(b, Paragraph)]
    assert [p.text for p in problems] == ["资金拨付进度偏慢。", "部分项目台账不全。"]
    assert all(not p.draft and not p.note for p in problems)
    assert doc.section("suggestions").blocks[0].note == DRAFT  # still a draft


def test_round_report_lists_ranking_method_and_every_assumption(rounds):
    result, previous = rounds
    awards = [{"unit_code": "110105", "tier": "一等奖", "reason": "综合得分第一"}]
    criticism = [{"unit_code": "110119", "tier": "通报批评", "reason": "综合得分末位"}]
    doc = build_round_report(
        result, previous=previous, awards=awards, criticism=criticism, charts=False
    )
    assert [s.title.split("、")[1] for s in doc.sections] == SIX
    text = doc.plain_text()
    for assumption in result.scheme.assumptions:  # in Chinese words: no field keys
        assert without_field_keys(assumption, result.scheme, "zh") in text
    assert "price_factor" not in text
    ranking = table(doc, "ranking")
    assert [r[1] for r in ranking.rows] == [result.codes[u] for u in result.order()]
    assert ranking.rows[0][:3] == ["1", "110105", "朝阳区"]
    assert ranking.rows[0][7] == fmt_score(result.totals[result.index("110105")])
    assert table(doc, "awards").rows == [["一等奖", "110105", "朝阳区", "综合得分第一"]]
    assert table(doc, "criticism").rows[0][2] == "延庆区"
    grades = {r[0]: int(r[2]) for r in table(doc, "grades").rows}
    assert grades == {"优": 0, "良": 10, "中": 6, "差": 0}
    not_applicable = table(doc, "not_applicable").rows
    assert len(not_applicable) == int((result.reasons != 0).sum()) == 1


def test_english_report(rounds):
    result, previous = rounds
    doc = build_unit_report(result, "110101", previous=previous, lang="en", charts=False)
    assert doc.sections[0].title == "1. Basic information"
    assert "ranking 13 of 16" in doc.plain_text()


def test_unknown_unit_is_a_clear_error(rounds):
    from kaoping.scoring import DataError

    with pytest.raises(DataError) as info:
        build_unit_report(rounds[0], "999999", charts=False)
    assert "999999" in info.value.render("zh")


def test_round_report_subsections_are_numbered_without_gaps(rounds):
    """Without the rank uncertainty (五), the award part is (五), not (六)."""
    result, previous = rounds
    awards = [{"unit_code": "110105", "tier": "一等奖", "reason": "综合得分第一"}]
    doc = build_round_report(result, previous=previous, awards=awards, charts=False)
    for section in doc.sections:
        numbers = [
            sub.title[: sub.title.index("）") + 1]
            for sub in section.subsections
            if sub.title.startswith("（")
        ]
        assert numbers == [f"（{n}）" for n in "一二三四五六七八九十"[: len(numbers)]], numbers
    achievement = next(s for s in doc.sections if s.key == "achievement")
    assert any(sub.title == "（五）奖励和通报批评" for sub in achievement.subsections)
