"""The API for the Beijing year: responsibility letters, bonus / deduction points and the award
decision; the same permissions and numbers as the pages, writes through the same actions."""

from __future__ import annotations

import json
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from kaoping.web.audit.models import AuditEntry
from kaoping.web.awards.actions import (
    do_decision_transition,
    do_nominate,
    do_propose_awards,
    do_set_reward_fund,
)
from kaoping.web.letters.models import Target
from kaoping.web.workflow.actions import do_transition

from . import test_beijing_year
from .test_api import bearer
from .test_beijing_year import new_round

# The Beijing year's fixtures, shared with test_beijing_year: the leading group's member and
# the 2024 district round approved by the committee.
leader, year = test_beijing_year.leader, test_beijing_year.year


def post(url, data, user, raw=None):
    body = raw if raw is not None else json.dumps(data)
    return Client().post(url, body, content_type="application/json", **bearer(user))


def collecting(world):
    round = new_round(world)
    do_transition(round, "publish_scheme", acting_user=world.office)
    do_transition(round, "open_collection", acting_user=world.office)
    return round


def test_targets_set_by_the_office_and_progress_reported_by_the_unit(world):
    round = collecting(world)
    url = reverse("api:round_targets", args=[round.pk])
    target = {
        "unit": "110101",
        "key": "new_jobs",
        "name": "城镇新增就业",
        "value": 20000,
        "weight": 1,
        "direction": "higher",
    }
    assert post(url, target, world.dong_user).status_code == 403  # a unit sets no targets
    assert world.client(world.office).post(url, target).status_code == 403  # session: no writes
    created = post(url, target, world.office)
    assert created.status_code == 201, created.content
    saved = Target.objects.get(round=round, unit=world.dongcheng, key="new_jobs")
    assert (
        saved.value == 20000 and AuditEntry.objects.filter(action__startswith="letters.").exists()
    )
    # Every problem at once, in Chinese, nothing saved.
    bad = post(
        url,
        {"unit": "999999", "key": "新 增", "value": -1, "weight": 1, "direction": "sideways"},
        world.office,
    ).json()
    assert set(bad["errors"]) == {"unit", "key", "value", "direction"}
    assert Target.objects.filter(round=round).count() == 1
    assert post(url, None, world.office, raw="{not json").status_code == 400
    # The unit reports progress on its own target, not on another unit's.
    progress = reverse("api:target_progress", args=[round.pk, saved.pk])
    assert post(progress, {"actual": 9000, "through": "Q2"}, world.xi_user).status_code == 403
    reported = post(progress, {"actual": 9000, "through": "Q2"}, world.dong_user)
    assert reported.status_code == 200, reported.content
    saved.refresh_from_db()
    assert reported.json()["completion"] == saved.completion == 9000 / 20000
    assert reported.json()["expected_to_date"] == saved.progress.expected
    # Each unit sees its own letter; the office sees all.
    assert [t["unit"] for t in Client().get(url, **bearer(world.xi_user)).json()["targets"]] == []
    assert len(Client().get(url, **bearer(world.dong_user)).json()["targets"]) == 1
    assert len(Client().get(url, **bearer(world.office)).json()["targets"]) == 1


def test_bonus_points_through_the_api_are_bounded_like_the_page(world):
    round = collecting(world)
    url = reverse("api:round_adjustments", args=[round.pk])
    entry = {
        "unit": "110102",
        "points": 2,
        "reason": "重大活动保障",
        "reference": "京就办〔2024〕3号",
    }
    assert post(url, entry, world.agency).status_code == 403
    assert post(url, entry, world.office).status_code == 201
    too_much = post(url, entry | {"points": 500}, world.office)
    assert too_much.status_code == 400 and too_much.json()["error"]
    listed = Client().get(url, **bearer(world.office)).json()["adjustments"]
    assert [(a["unit"], a["points"], a["reference"]) for a in listed] == [
        ("110102", 2.0, "京就办〔2024〕3号")
    ]
    assert Client().get(url, **bearer(world.dong_user)).json()["adjustments"] == []
    assert len(Client().get(url, **bearer(world.xi_user)).json()["adjustments"]) == 1


def test_the_award_decision_reaches_units_only_once_published_with_the_pages_numbers(
    world, year, leader
):
    decision = do_propose_awards(year, acting_user=world.office)
    do_nominate(
        decision,
        kind="individual",
        person="张某某",
        title="就业工作先进个人",
        reason="全年推荐就业 1,200 人",
        acting_user=world.office,
    )
    do_decision_transition(decision, "review", acting_user=world.committee)
    do_set_reward_fund(decision, "1000000.50", acting_user=leader)
    url = reverse("api:round_awards", args=[year.pk])
    assert Client().get(url, **bearer(world.dong_user)).json()["decision"] is None
    staff = Client().get(url, **bearer(world.committee)).json()["decision"]
    assert staff["state"] == "reviewed" and staff["fund_total"] == "1000000.50"
    amounts = [(a["unit"], Decimal(a["amount"])) for a in staff["allocation"]]
    assert amounts == [(a.unit.code, a.amount) for a in decision.allocations.all()]
    assert sum(a for _u, a in amounts) == Decimal("1000000.50")
    criticised = {ln.unit.code for ln in decision.lines.filter(kind="criticism")}
    assert {c["unit"] for c in staff["criticism"]} == criticised
    assert [h["recipient"] for h in staff["honours"]] == ["张某某"]
    do_decision_transition(decision, "approve", acting_user=leader)
    do_transition(year, "publish_results", acting_user=world.office)
    do_decision_transition(decision, "publish", acting_user=world.office)
    published = Client().get(url, **bearer(world.dong_user)).json()["decision"]
    assert published["state"] == "published"
    assert [s["action"] for s in published["steps"]] == [
        "propose",
        "review",
        "fund",
        "approve",
        "publish",
    ]
    assert Client().get(url, **bearer(world.dong_user)).json()["superseded"] == []
    # The year's honours register, as its page: every award line and the nomination.
    register = (
        Client().get(reverse("api:honours_register", args=[2024]), **bearer(world.dong_user)).json()
    )
    awarded = decision.lines.exclude(kind="criticism")
    assert sorted(a["unit"] for a in register["awards"]) == sorted(ln.unit.code for ln in awarded)
    assert [h["recipient"] for h in register["honours"]] == ["张某某"]
    assert Client().get(reverse("api:honours_register", args=[2024])).status_code == 401
