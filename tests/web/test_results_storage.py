"""A run stores the engine's numbers in bulk and rebuilds explanations from frozen inputs."""

from __future__ import annotations

import math

import pytest
from django.urls import reverse

from kaoping.scoring import evaluate, explain, load_scheme
from kaoping.tables import read_base_data
from kaoping.web.common import ActionError
from kaoping.web.results.frozen import forget, frozen_results, unit_explanation
from kaoping.web.results.models import RunSnapshot, ScoringRun, UnitResult
from kaoping.web.submissions.models import Submission

from .conftest import EXAMPLES

# On PostgreSQL too: bulk insert of a run's numbers and the frozen inputs.
pytestmark = pytest.mark.postgres


def engine(year: int, previous=None):
    scheme = load_scheme("mof-2012")
    return evaluate(
        scheme, read_base_data(EXAMPLES / f"mof-2012-demo-{year}.csv", scheme), previous=previous
    )


def without_origin(explanation: dict) -> dict:
    """The explanation minus where the data came from (a file and row vs the database)."""
    return {k: v for k, v in explanation.items() if k not in ("source", "row")}


def same(stored, computed) -> bool:
    """Exactly equal, None standing for the engine's NaN."""
    if stored is None:
        return math.isnan(computed)
    return stored == float(computed)


def test_stored_numbers_are_the_engines_for_every_unit_and_indicator(world):
    round = world.scored()
    run = ScoringRun.latest_done(round)
    forget()  # evaluated again from the snapshot, not the run's own result kept in memory
    fresh = frozen_results(run)[0]
    from_csv = engine(2024)
    codes = [i["code"] for i in run.summary["indicators"]]
    assert codes == list(fresh.scheme.indicator_codes)
    rows = {r.unit.code: r for r in UnitResult.objects.filter(run=run).select_related("unit")}
    assert len(rows) == 16
    for u, code in enumerate(fresh.codes):
        n = rows[code].numbers
        for j in range(len(codes)):
            assert same(n["values"][j], fresh.values[u, j])
            assert same(n["z"][j], fresh.z[u, j])
            assert same(n["scores"][j], fresh.scores[u, j])
            assert n["reasons"][j] == int(fresh.reasons[u, j])
            # and the same as the engine on the example file (different route, same data)
            csv_score = float(from_csv.scores[u, j])
            assert same(n["scores"][j], csv_score) or abs(n["scores"][j] - csv_score) < 1e-9
        assert same(rows[code].total, fresh.totals[u])
        assert rows[code].rank == int(fresh.ranks[u])
        assert same(n["base_total"], fresh.base_totals[u]) and same(n["bonus"], fresh.bonus[u])
        for g, scores in fresh.group_scores.items():
            assert same(rows[code].groups[g], scores[u])


def test_the_explanation_is_built_on_demand_and_equals_the_engines(world):
    round = world.scored()
    run = ScoringRun.latest_done(round)
    forget()
    expected = explain(engine(2024), "110105")
    built = unit_explanation(run, "110105")
    assert without_origin(built.to_dict()) == without_origin(expected.to_dict())
    result = UnitResult.objects.select_related("unit", "run").get(run=run, unit__code="110105")
    # rebuilt from what the stored row names (its run and unit), as the unit page does
    text = unit_explanation(result.run, result.unit.code).render("zh")
    assert text == built.render("zh")
    # The totals and every indicator's derivation, as the engine writes them (the file's
    # "基础数据：<file> 第 n 行" line has no counterpart for data from the database).
    from_file = [ln for ln in expected.render("zh").splitlines() if not ln.startswith("基础数据")]
    assert text.splitlines()[2:] == from_file[2:]
    assert "总分 84.119，排名 第 1 名 / 共 16 个单位" in text
    page = (
        world.client(world.office)
        .get(reverse("results:unit", args=[round.pk, result.unit.pk]))
        .content.decode()
    )
    assert "标准得分 z = (0.721909 − 0.770542) / 0.084241 = −0.577305" in page


def test_the_frozen_inputs_survive_a_change_of_the_submissions(world):
    round = world.scored()
    run = ScoringRun.latest_done(round)
    forget()
    before = unit_explanation(run, "110101").to_dict()
    # Data changed after the run (e.g. reopened and corrected): the run keeps its inputs.
    Submission.objects.filter(round=round).update(values={})
    forget()
    assert unit_explanation(run, "110101").to_dict() == before


def test_a_tampered_snapshot_is_refused_by_its_fingerprint(world):
    round = world.scored()
    run = ScoringRun.latest_done(round)
    snapshot = RunSnapshot.objects.get(run=run)
    first = next(iter(snapshot.data["columns"]))
    snapshot.data["columns"][first][0] = 123456.0
    snapshot.save()
    forget()
    with pytest.raises(ActionError, match=r"指纹|fingerprint"):
        frozen_results(run)


def test_year_on_year_is_frozen_with_last_years_data(world):
    previous = world.scored(2023)
    round = world.scored(2024, previous=previous)
    run = ScoringRun.latest_done(round)
    forget()
    result, last_year = frozen_results(run)
    stored = dict(UnitResult.objects.filter(run=run).values_list("unit__code", "total"))
    assert stored == dict(zip(result.codes, result.totals.tolist(), strict=True))
    expected = engine(2024, previous=engine(2023))
    assert last_year is not None and last_year.totals.tolist() == expected.previous.totals.tolist()
    i = expected.codes.index("110101")
    ex = unit_explanation(run, "110101").to_dict()
    assert without_origin(ex) == without_origin(explain(expected, "110101").to_dict())
    row = UnitResult.objects.get(run=run, unit__code="110101")
    assert row.previous_total == float(expected.previous.totals[i])


def test_group_averages_are_stored_with_the_run(world):
    round = world.scored()
    run = ScoringRun.latest_done(round)
    expected = engine(2024)
    for g, scores in expected.group_scores.items():
        assert abs(run.summary["group_averages"][g] - float(scores.mean())) < 1e-9
