"""The JSON API: token or session, and the same rules as the pages."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kaoping.web.accounts.models import ApiToken


def bearer(user) -> dict:
    _token, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_api_needs_authentication(world):
    world.round()
    assert Client().get(reverse("api:rounds")).status_code == 401
    assert Client().get(reverse("api:rounds"), HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_a_token_gives_the_users_rounds_and_only_his_units_data(world):
    round = world.collecting()
    world.submit_all(round, verify=False)
    client = Client()
    data = client.get(reverse("api:rounds"), **bearer(world.dong_user)).json()
    assert [r["id"] for r in data["rounds"]] == [round.pk]
    subs = client.get(reverse("api:submissions", args=[round.pk]), **bearer(world.dong_user)).json()
    assert [s["unit"] for s in subs["submissions"]] == ["110101"]
    office = client.get(reverse("api:submissions", args=[round.pk]), **bearer(world.office)).json()
    assert len(office["submissions"]) == 16


def test_results_reach_a_unit_only_after_publication(world):
    round = world.scored()
    client = world.client(world.dong_user)  # session authentication
    assert client.get(reverse("api:results", args=[round.pk])).json()["results"] == []
    from kaoping.web.workflow.actions import do_transition

    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    do_transition(round, "publish_results", acting_user=world.office)
    results = client.get(reverse("api:results", args=[round.pk])).json()
    assert results["version"] == 1 and len(results["results"]) == 16


def test_a_round_the_user_may_not_see_is_not_found(world):
    round = world.round()
    response = Client().get(reverse("api:units", args=[round.pk]), **bearer(world.outsider))
    assert response.status_code == 404
