"""The one assessment of the core (kaoping.scoring.assessment) and its file builder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kaoping.scoring import load_scheme
from kaoping.scoring.adjustments import AdjustmentEntry
from kaoping.scoring.assessment import Assessment, RewardFund, assess
from kaoping.scoring.errors import DataError
from kaoping.scoring.experts import ExpertScore, Recusal
from kaoping.tables import read_base_data
from kaoping.tables.inputs import read_assessment, read_price_factors

BEIJING = Path(__file__).parent.parent / "examples" / "beijing"
DISTRICT = "beijing-district-comprehensive"


@pytest.fixture(scope="module")
def beijing():
    return read_assessment(
        BEIJING / "district-2024.csv",
        DISTRICT,
        experts=BEIJING / "experts-2024.xlsx",
        recusals=BEIJING / "recusals.csv",
        adjustments=BEIJING / "adjustments-2024.csv",
        targets=BEIJING / "targets-2024.csv",
    )


def test_builder_reads_every_input(beijing):
    assert len(beijing.data) == 16
    assert beijing.expert_scores and beijing.recusals and beijing.adjustments
    assert beijing.targets
    assert beijing.period_label == "2024"


def test_totals_include_experts_and_bonus(beijing):
    result = assess(beijing)
    haidian = result.unit("110108")
    # 海淀区 has +2 and +1.5 in the adjustments file
    assert haidian.bonus == pytest.approx(3.5)
    assert haidian.total == pytest.approx(haidian.base_total + 3.5)
    # every expert-scored item has a value for every unit
    for ind in result.scheme.qualitative_indicators:
        j = result.evaluation.column(ind.code)
        assert not np.isnan(result.evaluation.scores[:, j]).any()


def test_ranks_follow_the_committee_tie_rule(beijing):
    result = assess(beijing)
    # the award decisions' overall rank is the result's rank for every unit
    for u in result.units():
        assert result.decision(u.code).overall_rank == u.rank
    assert sorted(u.rank for u in result.units()) == list(range(1, 17))


def test_tie_broken_by_the_group_score():
    scheme = load_scheme(DISTRICT)
    base = assess(
        read_assessment(
            BEIJING / "district-2024.csv",
            scheme,
            experts=BEIJING / "experts-2024.xlsx",
            recusals=BEIJING / "recusals.csv",
        )
    )
    a, b = base.units()[4], base.units()[5]
    # a bonus that brings b level with a: the tie rule (group A) decides, not input order
    gap = round(a.total - b.total, 6)
    entry = AdjustmentEntry(b.code, gap, "任务", "文号")
    tied = assess(base.assessment.replace(adjustments=(entry,)))
    ta, tb = tied.unit(a.code), tied.unit(b.code)
    assert ta.total == pytest.approx(tb.total)
    group = tied.group_scores["A"]
    ev = tied.evaluation
    better = a.code if group[ev.index(a.code)] > group[ev.index(b.code)] else b.code
    assert tied.unit(better).rank < tied.unit(a.code if better == b.code else b.code).rank


def test_unscored_expert_item_is_refused():
    scheme = load_scheme(DISTRICT)
    data = read_base_data(BEIJING / "district-2024.csv", scheme)
    with pytest.raises(DataError) as err:
        assess(Assessment(scheme, data))
    text = str(err.value)
    assert "A2" in text and "110101" in text and "--experts" in text


def test_item_unscored_for_one_unit_names_it(beijing):
    scores = tuple(
        s for s in beijing.expert_scores if not (s.unit_code == "110105" and s.item == "B1")
    )
    with pytest.raises(DataError) as err:
        assess(beijing.replace(expert_scores=scores))
    assert "B1" in str(err.value) and "110105" in str(err.value)


def test_score_from_another_panel_is_refused(beijing):
    first = beijing.expert_scores[0]
    wrong = ExpertScore(
        first.expert, first.unit_code, "B1", 10, panel="jobs", source="x.xlsx", row=9
    )
    kept = [
        s
        for s in beijing.expert_scores
        if (s.expert, s.unit_code, s.item) != (first.expert, first.unit_code, "B1")
    ]
    scores = (*kept, wrong)
    with pytest.raises(DataError) as err:
        assess(beijing.replace(expert_scores=scores))
    assert err.value.problems[0].code == "experts.wrong_panel"


def test_recusals_always_apply(beijing):
    s = beijing.expert_scores[0]
    with pytest.raises(DataError) as err:
        assess(beijing.replace(recusals=(*beijing.recusals, Recusal(s.expert, s.unit_code))))
    assert any(p.code == "experts.recused" for p in err.value.problems)


def test_fund_allocated_to_winners_and_sums(beijing):
    result = assess(beijing.replace(fund=RewardFund("1000000")))
    assert sum(s.amount for s in result.allocation) == 1000000
    winners = {d.unit_code for d in result.awards.winners}
    assert {s.code for s in result.allocation} == winners
    assert all(u.amount is None for u in result.units() if u.code not in winners)


def test_previous_period_gives_change_and_comparison(beijing):
    scheme = beijing.scheme
    with_previous = read_assessment(
        BEIJING / "district-2024.csv",
        scheme,
        experts=BEIJING / "experts-2024.xlsx",
        recusals=BEIJING / "recusals.csv",
        previous=[BEIJING / "district-2023.csv"],
        previous_experts=[BEIJING / "experts-2023.xlsx"],
    )
    result = assess(with_previous)
    assert [p.label for p in result.comparison.periods] == ["2023", "2024"]
    earlier = result.previous[0]
    assert result.evaluation.previous.ranks.tolist() == earlier.ranks.tolist()


def test_previous_without_its_expert_sheet_is_refused():
    with pytest.raises(DataError) as err:
        read_assessment(
            BEIJING / "district-2024.csv",
            DISTRICT,
            experts=BEIJING / "experts-2024.xlsx",
            recusals=BEIJING / "recusals.csv",
            previous=[BEIJING / "district-2023.csv"],
            previous_experts=[BEIJING / "experts-2023.xlsx", BEIJING / "experts-2024.xlsx"],
        )
    assert err.value.problems[0].code == "assessment.previous_experts"


def test_price_factors_come_from_the_evaluator(tmp_path):
    scheme = load_scheme("mof-2012")
    data_path = Path(__file__).parent.parent / "examples" / "mof-2012-demo-2024.csv"
    data = read_base_data(data_path, scheme)
    plain = assess(Assessment(scheme, data))
    table = tmp_path / "factors.csv"
    table.write_text(f"单位编码,物价矫正系数\n{data.codes[0]},1.3\n", encoding="utf-8")
    factors = read_price_factors(table)
    corrected = assess(Assessment(scheme, data, price_factors=factors))
    assert corrected.data.columns["price_factor"][0] == 1.3
    assert corrected.unit(data.codes[0]).total > plain.unit(data.codes[0]).total
    table.write_text("单位编码,物价矫正系数\n999999,1.1\n", encoding="utf-8")
    with pytest.raises(DataError):
        assess(Assessment(scheme, data, price_factors=read_price_factors(table)))


def test_assessment_is_frozen(beijing):
    with pytest.raises(AttributeError):
        beijing.period = "2025"  # type: ignore[misc]


def test_robustness_starts_from_the_assessment(beijing):
    from kaoping.scoring.robustness import RobustnessOptions, analyse_assessment

    result = assess(beijing)
    analysis = analyse_assessment(
        result,
        RobustnessOptions(
            replicates=50,
            weight_spread=0.0,
            normalisations=("scheme",),
            sd_kinds=("population",),
            na_policies=("renormalise",),
            sensitivity_replicates=0,
        ),
    )
    assert np.allclose(analysis.nominal_totals, result.totals)  # bonus points included
    assert analysis.nominal_ranks.tolist() == result.ranks.tolist()
    # nothing varies: every replicate gives the assessment's own ranks
    assert analysis.median_rank.tolist() == result.ranks.astype(float).tolist()


def test_robustness_refuses_indicators_nobody_has():
    from kaoping.scoring import KaopingError
    from kaoping.scoring.robustness import analyse_assessment

    scheme = load_scheme("mof-2012")
    data = read_base_data(
        Path(__file__).parent.parent / "examples" / "mof-2012-demo-2024.csv", scheme
    )
    emptied = dict(data.columns)
    emptied["employed_after_training"] = np.full(len(data), np.nan)
    hollow = type(data)(units=data.units, columns=emptied, source=data.source)
    with pytest.raises(KaopingError) as err:
        analyse_assessment(Assessment(scheme, hollow))
    assert err.value.problems[0].code == "robustness.not_applicable"


def test_an_expert_item_no_panel_covers_is_refused(beijing):
    import copy

    from kaoping.scoring import scheme_from_dict

    raw = copy.deepcopy(dict(beijing.scheme.raw))
    del raw["experts"]["panels"]["jobs"]  # A2 is left without a professional group
    scheme = scheme_from_dict(raw)
    scores = tuple(s for s in beijing.expert_scores if s.item != "A2")
    with pytest.raises(DataError) as err:
        assess(beijing.replace(scheme=scheme, expert_scores=scores))
    codes = [p.code for p in err.value.problems]
    assert "assessment.item_without_panel" in codes and "assessment.item_unscored" in codes
    assert "A2" in err.value.render("zh")
