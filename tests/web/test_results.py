"""Scoring on verified data, the ranking, a unit's page, approval, publication, exports."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from kaoping.scoring import evaluate, load_scheme
from kaoping.tables import read_base_data
from kaoping.web.results.models import Publication, RunStatus, ScoringRun, UnitResult

from .conftest import EXAMPLES


def engine(year: int, previous=None):
    scheme = load_scheme("mof-2012")
    return evaluate(
        scheme, read_base_data(EXAMPLES / f"mof-2012-demo-{year}.csv", scheme), previous=previous
    )


@pytest.mark.postgres
def test_the_scoring_run_gives_the_engines_numbers_for_every_unit(world):
    round = world.scored()
    run = ScoringRun.latest_done(round)
    expected = engine(2024)
    assert run.status == RunStatus.DONE and run.progress == 100
    stored = {r.unit.code: r for r in UnitResult.objects.filter(run=run).select_related("unit")}
    for i, code in enumerate(expected.codes):
        assert abs(stored[code].total - float(expected.totals[i])) < 1e-9
        assert stored[code].rank == int(expected.ranks[i])
    assert run.scheme_sha256 == round.scheme_sha256 and len(run.input_sha256) == 64


@pytest.mark.postgres
def test_year_on_year_uses_the_previous_rounds_verified_data(world):
    previous = world.scored(2023)
    round = world.scored(2024, previous=previous)
    expected = engine(2024, previous=engine(2023))
    run = ScoringRun.latest_done(round)
    result = UnitResult.objects.get(run=run, unit__code="110101")
    i = expected.codes.index("110101")
    assert abs(result.previous_total - float(expected.previous.totals[i])) < 1e-9
    assert (
        abs(result.change - (float(expected.totals[i]) - float(expected.previous.totals[i]))) < 1e-9
    )


@pytest.mark.postgres
def test_the_ranking_page_lists_units_in_rank_order_with_a_chart(world):
    round = world.scored()
    page = (
        world.client(world.office).get(reverse("results:ranking", args=[round.pk])).content.decode()
    )
    expected = engine(2024)
    order = [expected.data.units[u].name for u in expected.order()]
    positions = [page.index(f">{name}<") for name in order]
    assert positions == sorted(positions)
    assert "<svg" in page


def test_the_unit_page_shows_every_indicator_and_the_engines_derivation(world):
    round = world.scored()
    page = (
        world.client(world.office)
        .get(reverse("results:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    expected = engine(2024)
    i = expected.codes.index("110101")
    assert f"{float(expected.totals[i]):.2f}" in page
    for code in ("A1", "B1", "C1", "D5"):
        assert f'<span class="mono">{code}</span>' in page
    assert "标准得分" in page  # the engine's Chinese derivation text
    assert page.count("<svg") == 2  # radar of group scores + trend


@pytest.mark.postgres
def test_publication_creates_a_version_and_a_rerun_never_overwrites(world):
    round = world.published()
    publication = Publication.current(round)
    assert publication.version == 1 and publication.run.version == 1
    assert publication.run.approved_by == world.committee
    assert ScoringRun.objects.filter(round=round).count() == 1


def test_scoring_runs_only_in_the_scoring_state_and_not_by_units(world):
    round = world.collecting()
    assert (
        world.client(world.agency).post(reverse("results:start_run", args=[round.pk])).status_code
        == 403
    )
    round = world.scored(2023)
    assert (
        world.client(world.dong_user)
        .post(reverse("results:start_run", args=[round.pk]))
        .status_code
        == 403
    )
    assert (
        world.client(world.office).post(reverse("results:start_run", args=[round.pk])).status_code
        == 302
    )
    assert ScoringRun.objects.filter(round=round).count() == 2


def test_the_progress_page_reports_the_run(world):
    round = world.scored()
    response = world.client(world.office).get(
        reverse("results:progress", args=[round.pk, 1]) + "?format=json"
    )
    assert response.json() == {"status": "done", "progress": 100, "message": ""}


def test_the_ranking_exports_to_excel_with_the_same_numbers(world):
    round = world.scored()
    response = world.client(world.office).get(
        reverse("results:ranking", args=[round.pk]) + "?format=xlsx"
    )
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    expected = engine(2024)
    first = expected.order()[0]
    assert rows[1][0] == 1 and rows[1][1] == expected.codes[first]
    assert abs(rows[1][-4] - float(expected.totals[first])) < 1e-9
    assert len(rows) == 17


def test_a_chosen_run_of_one_round_does_not_hide_the_unit_page_behind_another_round(world):
    """``?run=2`` names this round's version; the trend's other rounds have no version 2."""
    from kaoping.web.results.actions import do_start_scoring_run

    world.scored(2023)
    later = world.scored(2024)
    do_start_scoring_run(later, acting_user=world.agency)  # version 2 exists only here
    url = reverse("results:unit", args=[later.pk, world.dongcheng.pk])
    page = world.client(world.office).get(url + "?run=2")
    assert page.status_code == 200
    assert page.content.decode().count("<svg") == 2  # radar + a trend over both years
