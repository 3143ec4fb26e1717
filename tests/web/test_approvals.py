"""Changes after publication go through the committee; units keep the published version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import ActionError
from kaoping.web.results.models import Publication
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.workflow.actions import do_transition
from kaoping.web.workflow.changes import do_decide, do_request_reopen
from kaoping.web.workflow.models import ChangeRequest, RequestStatus


def state(round) -> str:
    return Round.objects.get(pk=round.pk).state


def unit_sees_results(world, round) -> bool:
    url = reverse("results:unit", args=[round.pk, world.dongcheng.pk])
    return world.client(world.dong_user).get(url).status_code == 200


def test_the_office_alone_cannot_reopen_published_results(world):
    round = world.published()
    with pytest.raises(ActionError):
        do_transition(round, "reopen", acting_user=world.office, reason="改数", target="collection")
    world.client(world.office).post(
        reverse("workflow:transition", args=[round.pk, "reopen"]),
        {"reason": "改数", "target": "collection"},
    )
    assert state(round) == RoundState.PUBLISHED


def test_reopening_waits_for_the_committee_and_units_keep_the_published_version(world):
    round = world.published()
    world.client(world.office).post(
        reverse("approvals:request_reopen", args=[round.pk]),
        {"target": "collection", "reason": "某区数据有误"},
    )
    change = ChangeRequest.objects.get(round=round)
    assert change.status == RequestStatus.PENDING and state(round) == RoundState.PUBLISHED
    assert "审定" in world.client(world.committee).get(reverse("home")).content.decode()
    with pytest.raises(ActionError):  # the one who asked does not decide
        do_decide(change, approve=True, note="", acting_user=world.office)
    world.client(world.committee).post(
        reverse("approvals:decide", args=[round.pk, change.pk]),
        {"approve": "1", "note": "同意重新采集"},
    )
    assert state(round) == RoundState.COLLECTION
    assert unit_sees_results(world, round)  # the published version until a new one replaces it
    assert Publication.current(round).version == 1
    transition = AuditEntry.objects.filter(action="round.reopen").get()
    assert transition.data["approval"]["approved_by"] == "committee"
    assert AuditEntry.objects.filter(action="approvals.decide", round=round).exists()


def test_a_rejection_needs_a_reason_and_changes_nothing(world):
    round = world.published()
    change = do_request_reopen(round, target="scoring", reason="复核", acting_user=world.office)
    with pytest.raises(ActionError):
        do_decide(change, approve=False, note="", acting_user=world.committee)
    do_decide(change, approve=False, note="理由不充分", acting_user=world.committee)
    change.refresh_from_db()
    assert change.status == RequestStatus.REJECTED and state(round) == RoundState.PUBLISHED
    with pytest.raises(ActionError):
        do_decide(change, approve=True, note="", acting_user=world.committee)


def test_only_the_committee_decides_and_one_request_waits_at_a_time(world):
    round = world.published()
    change = do_request_reopen(round, target="scoring", reason="复核", acting_user=world.office)
    with pytest.raises(ActionError):
        do_request_reopen(round, target="collection", reason="又一个", acting_user=world.office)
    response = world.client(world.agency).post(
        reverse("approvals:decide", args=[round.pk, change.pk]), {"approve": "1"}
    )
    assert response.status_code == 403 and state(round) == RoundState.PUBLISHED
    assert world.client(world.dong_user).post(
        reverse("approvals:request_reopen", args=[round.pk]), {"target": "scoring", "reason": "x"}
    ).status_code in (403, 404)


def test_units_see_one_version_number_per_publication_not_the_run_number(world):
    from kaoping.web.results.actions import do_start_scoring_run

    round = world.published()
    change = do_request_reopen(round, target="scoring", reason="复核", acting_user=world.office)
    do_decide(change, approve=True, note="", acting_user=world.committee)
    do_start_scoring_run(round, acting_user=world.agency)  # run 2, not published
    do_start_scoring_run(round, acting_user=world.agency)  # run 3
    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    do_transition(round, "publish_results", acting_user=world.office)
    assert Publication.current(round).version == 2 and Publication.current(round).run.version == 3
    for name in ("results:unit", "results:ranking"):
        args = [round.pk, world.dongcheng.pk] if name == "results:unit" else [round.pk]
        page = world.client(world.dong_user).get(reverse(name, args=args)).content.decode()
        heading = page[page.index("<h1>") : page.index("</h1>")]
        assert "第 2 版" in heading and "3" not in heading and "计分" not in heading
    staff = (
        world.client(world.office).get(reverse("results:ranking", args=[round.pk])).content.decode()
    )
    assert "第 3 次计分" in staff[staff.index("<h1>") : staff.index("</h1>")]
