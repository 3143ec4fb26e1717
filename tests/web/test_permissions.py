"""Every visibility rule, attacked through the web as the wrong user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.accounts.models import Membership, Role
from kaoping.web.experts.models import Assignment, ExpertGroup, ExpertScore
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission, SubmissionStatus

from .conftest import days, demo_rows, numbers


def data_url(name, round, unit):
    return reverse(f"submissions:{name}", args=[round.pk, unit.pk])


def test_a_unit_cannot_open_or_change_another_units_data(world):
    round = world.collecting()
    client = world.client(world.dong_user)
    assert client.get(data_url("unit", round, world.xicheng)).status_code == 404
    assert client.get(data_url("template", round, world.xicheng)).status_code == 404
    assert (
        client.post(data_url("save", round, world.xicheng), {"local_raised": "1"}).status_code
        == 404
    )
    assert client.post(data_url("submit", round, world.xicheng)).status_code == 404
    assert not Submission.objects.filter(unit=world.xicheng).exists()
    assert client.get(reverse("submissions:list", args=[round.pk])).status_code == 403


def test_a_unit_outside_the_round_does_not_see_it(world):
    round = world.round()
    round.units.remove(world.dongcheng)
    assert (
        world.client(world.dong_user).get(reverse("rounds:detail", args=[round.pk])).status_code
        == 404
    )
    assert (
        world.client(world.outsider).get(reverse("rounds:detail", args=[round.pk])).status_code
        == 404
    )


def test_a_unit_sees_its_results_only_once_published(world):
    round = world.scored()
    client = world.client(world.dong_user)
    unit_page = reverse("results:unit", args=[round.pk, world.dongcheng.pk])
    ranking = reverse("results:ranking", args=[round.pk])
    assert client.get(unit_page).status_code == 404
    assert client.get(ranking).status_code == 403
    from kaoping.web.workflow.actions import do_transition

    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    assert client.get(unit_page).status_code == 404  # approved is not yet published
    do_transition(round, "publish_results", acting_user=world.office)
    assert client.get(unit_page).status_code == 200
    assert client.get(ranking).status_code == 200
    assert client.get(reverse("results:unit", args=[round.pk, world.xicheng.pk])).status_code == 404


def test_the_agency_is_independent_a_unit_member_cannot_verify_his_unit(world):
    round = world.collecting()
    s = sub.submission_for(round, world.dongcheng)
    sub.do_save_draft(s, numbers(demo_rows(2024)[0]), acting_user=world.dong_user)
    sub.do_submit(s, acting_user=world.dong_user)
    Membership.objects.create(user=world.dong_user, role=Role.AGENCY)
    client = world.client(world.dong_user)
    assert client.post(data_url("verify", round, world.dongcheng)).status_code == 403
    assert (
        client.post(
            data_url("return", round, world.dongcheng),
            {"general": "x", "deadline": days(3).isoformat()},
        ).status_code
        == 403
    )
    s.refresh_from_db()
    assert s.status == SubmissionStatus.SUBMITTED
    # ...but as agency he may verify another unit's data.
    t = sub.submission_for(round, world.xicheng)
    sub.do_save_draft(t, numbers(demo_rows(2024)[1]), acting_user=world.xi_user)
    sub.do_submit(t, acting_user=world.xi_user)
    assert client.post(data_url("verify", round, world.xicheng)).status_code == 302
    t.refresh_from_db()
    assert t.status == SubmissionStatus.VERIFIED


def test_only_the_agency_verifies_not_the_office_or_the_unit(world):
    round = world.collecting()
    s = sub.submission_for(round, world.dongcheng)
    sub.do_save_draft(s, numbers(demo_rows(2024)[0]), acting_user=world.dong_user)
    sub.do_submit(s, acting_user=world.dong_user)
    for user in (world.office, world.dong_user, world.committee):
        assert (
            world.client(user).post(data_url("verify", round, world.dongcheng)).status_code == 403
        )


@pytest.fixture
def expert_round(world):
    round = world.collecting()
    world.submit_all(round, verify=False)
    group = ExpertGroup.objects.create(round=round, name="政策落实考核小组")
    group.members.set([world.expert1, world.expert2])
    Assignment.objects.create(group=group, expert=world.expert1, unit=world.dongcheng)
    Assignment.objects.create(group=group, expert=world.expert2, unit=world.xicheng)
    ExpertScore.objects.create(
        group=group, expert=world.expert1, unit=world.dongcheng, indicator="Q1", score=8
    )
    ExpertScore.objects.create(
        group=group, expert=world.expert2, unit=world.xicheng, indicator="Q1", score=6.5
    )
    return round, group


def test_an_expert_sees_only_the_units_assigned_to_him(world, expert_round):
    round, _group = expert_round
    client = world.client(world.expert1)
    assert client.get(data_url("unit", round, world.dongcheng)).status_code == 200
    assert client.get(data_url("unit", round, world.xicheng)).status_code == 404
    assert client.get(reverse("submissions:list", args=[round.pk])).status_code == 403


def test_an_expert_never_sees_another_experts_scores_before_the_group_closes(world, expert_round):
    _round, group = expert_round
    page = (
        world.client(world.expert1).get(reverse("experts:group", args=[group.pk])).content.decode()
    )
    assert "expert1" in page and "6.5" not in page
    group.closed = True
    group.save()
    page = (
        world.client(world.expert1).get(reverse("experts:group", args=[group.pk])).content.decode()
    )
    assert "6.5" in page


def test_anonymous_users_are_sent_to_the_login_page(world):
    round = world.round()
    from django.test import Client

    response = Client().get(reverse("rounds:detail", args=[round.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
