"""The JSON API's results come from the run's stored numbers, the same as the engine's."""

from __future__ import annotations

import math

import pytest
from django.urls import reverse

from kaoping.scoring import evaluate, load_scheme
from kaoping.tables import read_base_data

from .conftest import EXAMPLES

# On PostgreSQL too: results read back from the stored rows.
pytestmark = pytest.mark.postgres


def test_the_api_gives_every_units_indicator_numbers(world):
    round = world.scored()
    data = world.client(world.office).get(reverse("api:results", args=[round.pk])).json()
    scheme = load_scheme("mof-2012")
    expected = evaluate(scheme, read_base_data(EXAMPLES / "mof-2012-demo-2024.csv", scheme))
    assert data["indicators"] == list(scheme.indicator_codes)
    by_code = {r["unit"]: r for r in data["results"]}
    assert [r["unit"] for r in data["results"]] == [expected.codes[u] for u in expected.order()]
    for u, code in enumerate(expected.codes):
        row = by_code[code]
        assert abs(row["total"] - float(expected.totals[u])) < 1e-9
        assert row["rank"] == int(expected.ranks[u])
        for j, indicator in enumerate(data["indicators"]):
            score = float(expected.scores[u, j])
            got = row["indicators"][indicator]["score"]
            assert (got is None and math.isnan(score)) or abs(got - score) < 1e-9
            z = float(expected.z[u, j])
            got_z = row["indicators"][indicator]["z"]
            assert (got_z is None and math.isnan(z)) or abs(got_z - z) < 1e-9


def test_a_unit_gets_only_its_own_numbers_through_the_api(world):
    round = world.published()
    data = world.client(world.dong_user).get(reverse("api:results", args=[round.pk])).json()
    # a unit sees the published ranking (totals), as on the ranking page, but the indicator
    # numbers only of itself, as only its own unit page opens
    assert len(data["results"]) == 16
    with_details = [r["unit"] for r in data["results"] if "indicators" in r]
    assert with_details == ["110101"]
    assert "indicators" not in next(r for r in data["results"] if r["unit"] == "110102")
