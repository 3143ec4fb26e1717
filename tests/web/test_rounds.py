"""The round's state machine through the web: every transition, every refusal, the history."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import ActionError
from kaoping.web.rounds.actions import do_set_scheme_text
from kaoping.web.rounds.models import Round, RoundState, RoundTransition
from kaoping.web.workflow.actions import do_transition
from kaoping.web.workflow.changes import do_decide, do_request_reopen


def act(world, user, round, action, **data):
    return world.client(user).post(reverse("workflow:transition", args=[round.pk, action]), data)


def state_of(round) -> str:
    return Round.objects.get(pk=round.pk).state


def test_office_creates_a_round_of_the_districts_under_beijing(world):
    response = world.client(world.office).post(
        reverse("rounds:create"),
        {
            "name": "北京市2024年度评价",
            "year": 2024,
            "scheme_code": "mof-2012",
            "parent": world.beijing.pk,
        },
    )
    round = Round.objects.get(name="北京市2024年度评价")
    assert response.status_code == 302
    assert sorted(round.units.values_list("code", flat=True)) == sorted(
        u.code for u in world.districts
    )
    assert round.state == RoundState.DRAFT
    assert AuditEntry.objects.filter(action="round.create", round=round).count() == 1


def test_only_the_office_creates_rounds(world):
    for user in (world.agency, world.dong_user, world.expert1, world.committee):
        assert world.client(user).get(reverse("rounds:create")).status_code == 403


@pytest.mark.postgres
def test_the_whole_path_through_the_web_records_who_when_and_why(world):
    round = world.round()
    steps = [
        (world.office, "publish_scheme", RoundState.SCHEME_PUBLISHED),
        (world.office, "open_collection", RoundState.COLLECTION),
    ]
    for user, action, expected in steps:
        assert act(world, user, round, action, reason="按通知").status_code == 302
        assert state_of(round) == expected
    world.submit_all(round)
    for user, action, expected in [
        (world.office, "start_verification", RoundState.VERIFICATION),
        (world.office, "start_scoring", RoundState.SCORING),
    ]:
        act(world, user, round, action)
        assert state_of(round) == expected
    world.client(world.agency).post(reverse("results:start_run", args=[round.pk]))
    for user, action, expected in [
        (world.office, "submit_for_review", RoundState.REVIEW),
        (world.committee, "approve", RoundState.APPROVED),
        (world.office, "publish_results", RoundState.PUBLISHED),
        (world.office, "close", RoundState.CLOSED),
    ]:
        act(world, user, round, action, reason="同意")
        assert state_of(round) == expected, action
    history = list(
        RoundTransition.objects.filter(round=round).values_list("action", "actor__username")
    )
    assert history == [
        ("publish_scheme", "office"),
        ("open_collection", "office"),
        ("start_verification", "office"),
        ("start_scoring", "office"),
        ("submit_for_review", "office"),
        ("approve", "committee"),
        ("publish_results", "office"),
        ("close", "office"),
    ]
    assert RoundTransition.objects.get(round=round, action="approve").reason == "同意"
    assert AuditEntry.objects.filter(round=round, action="round.close").exists()


@pytest.mark.parametrize(
    "action",
    [
        "open_collection",
        "start_verification",
        "start_scoring",
        "submit_for_review",
        "approve",
        "publish_results",
        "close",
        "return_to_scoring",
    ],
)
def test_a_draft_round_refuses_every_action_but_publishing_its_scheme(world, action):
    round = world.round()
    with pytest.raises(ActionError):
        do_transition(round, action, acting_user=world.office, reason="x")
    assert state_of(round) == RoundState.DRAFT
    assert not RoundTransition.objects.filter(round=round).exists()


def test_wrong_state_through_the_web_shows_a_message_and_changes_nothing(world):
    round = world.round()
    client = world.client(world.office)
    response = client.post(reverse("workflow:transition", args=[round.pk, "close"]), follow=True)
    assert response.redirect_chain[-1][1] == 302
    assert "不能执行" in response.content.decode()
    assert state_of(round) == RoundState.DRAFT


@pytest.mark.parametrize("username", ["agency", "committee", "expert1", "u110101", "nobody"])
def test_only_the_office_publishes_a_scheme(world, username):
    round = world.round()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    response = act(world, user, round, "publish_scheme")
    assert response.status_code in (403, 404)
    assert state_of(round) == RoundState.DRAFT


def test_only_the_committee_approves(world):
    round = world.scored()
    do_transition(round, "submit_for_review", acting_user=world.office)
    assert act(world, world.office, round, "approve").status_code == 403
    assert act(world, world.agency, round, "approve").status_code == 403
    assert state_of(round) == RoundState.REVIEW
    act(world, world.committee, round, "approve")
    assert state_of(round) == RoundState.APPROVED


def test_returning_to_scoring_needs_a_reason(world):
    round = world.scored()
    do_transition(round, "submit_for_review", acting_user=world.office)
    with pytest.raises(ActionError):
        do_transition(round, "return_to_scoring", acting_user=world.committee, reason="  ")
    do_transition(round, "return_to_scoring", acting_user=world.committee, reason="复核B2指标")
    assert state_of(round) == RoundState.SCORING


def test_scoring_cannot_start_before_every_unit_is_verified(world):
    round = world.collecting()
    world.submit_all(round, verify=False)
    do_transition(round, "start_verification", acting_user=world.office)
    with pytest.raises(ActionError, match="16"):
        do_transition(round, "start_scoring", acting_user=world.office)


def test_review_needs_a_scoring_run(world):
    round = world.collecting()
    world.submit_all(round)
    do_transition(round, "start_verification", acting_user=world.office)
    do_transition(round, "start_scoring", acting_user=world.office)
    with pytest.raises(ActionError):
        do_transition(round, "submit_for_review", acting_user=world.office)


def test_publishing_the_scheme_freezes_and_fingerprints_it(world):
    round = world.round()
    do_transition(round, "publish_scheme", acting_user=world.office)
    round.refresh_from_db()
    assert round.scheme_sha256 == hashlib.sha256(round.scheme_text.encode("utf-8")).hexdigest()
    with pytest.raises(ActionError):
        do_set_scheme_text(
            round, round.scheme_text.replace("2012.1", "2012.2"), acting_user=world.office
        )
    round.scheme_text += "\n# changed"
    with pytest.raises(ValueError):
        round.save()


def test_a_draft_scheme_may_still_change_but_must_load(world):
    round = world.round()
    with pytest.raises(ActionError):
        do_set_scheme_text(round, "[scheme]\ncode = 1", acting_user=world.office)
    do_set_scheme_text(
        round,
        round.scheme_text.replace('version = "2012.1"', 'version = "2012.9"'),
        acting_user=world.office,
    )
    assert Round.objects.get(pk=round.pk).scheme().version == "2012.9"


def test_units_see_the_published_scheme_before_collecting_data_but_not_a_draft(world):
    round = world.round()
    url = reverse("rounds:scheme", args=[round.pk])
    assert world.client(world.dong_user).get(url).status_code == 403
    do_transition(round, "publish_scheme", acting_user=world.office)
    page = world.client(world.dong_user).get(url).content.decode()
    assert "就业专项资金筹集" in page and Round.objects.get(pk=round.pk).scheme_sha256 in page


@pytest.mark.postgres
def test_reopening_keeps_the_history_and_requires_an_earlier_state(world):
    round = world.published()
    with pytest.raises(ActionError):
        do_transition(round, "reopen", acting_user=world.office, reason="", target="scoring")
    with pytest.raises(ActionError):
        do_transition(round, "reopen", acting_user=world.office, reason="x", target="closed")
    with pytest.raises(ActionError, match="评审委员会"):  # published: the committee decides
        do_transition(round, "reopen", acting_user=world.office, reason="x", target="scoring")
    change = do_request_reopen(
        round, target="verification", reason="发现数据错误", acting_user=world.office
    )
    do_decide(change, approve=True, note="同意", acting_user=world.committee)
    assert state_of(round) == RoundState.VERIFICATION
    actions = list(RoundTransition.objects.filter(round=round).values_list("action", flat=True))
    assert actions[-1] == "reopen" and "publish_results" in actions
    assert RoundTransition.objects.get(round=round, action="reopen").reason == "发现数据错误"


def test_the_round_page_offers_only_the_actions_the_user_may_take(world):
    round = world.round()
    office_page = (
        world.client(world.office).get(reverse("rounds:detail", args=[round.pk])).content.decode()
    )
    agency_page = (
        world.client(world.agency).get(reverse("rounds:detail", args=[round.pk])).content.decode()
    )
    assert 'data-action="publish_scheme"' in office_page
    assert 'data-action="publish_scheme"' not in agency_page


def test_the_history_names_each_action_in_the_users_language(world):
    round = world.round()
    act(world, world.office, round, "publish_scheme", reason="评价前公布")
    page = world.client(world.office).get(reverse("rounds:detail", args=[round.pk]))
    history = page.content.decode().split("历史记录")[1]
    assert "公布评价方案" in history and "publish_scheme</td>" not in history


def test_the_archives_page_is_in_the_navigation_and_only_it_is_marked(world):
    page = world.client(world.office).get(reverse("workflow:archives")).content.decode()
    nav = page.split("<nav")[1].split("</nav>")[0]
    active = [chunk for chunk in nav.split("<a ")[1:] if 'class="active"' in chunk]
    assert len(active) == 1 and "评价档案" in active[0]
