"""Issue 11: a closed round is read-only for everyone; closing waits for pending disputes;
a member of any unit of the round cannot start its scoring run."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.web.accounts.models import Membership, Role
from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import ActionError
from kaoping.web.disputes import actions as disputes
from kaoping.web.disputes.models import Dispute
from kaoping.web.permissions import can_run_scoring
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.results.models import Narrative, ScoringRun
from kaoping.web.results.report_actions import do_save_narratives
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission, VerificationRecord
from kaoping.web.workflow.actions import do_transition
from kaoping.web.workflow.changes import do_decide, do_request_reopen

from .test_security_permissions import fill, patterns, url_ids

# On PostgreSQL too: the database guards of a closed round.
pytestmark = pytest.mark.postgres

CLOSED = "已关闭并归档"


@pytest.fixture
def closed(world):
    round = world.published()
    do_transition(round, "close", acting_user=world.office)
    round.refresh_from_db()
    assert round.state == RoundState.CLOSED
    return round


def counts(round) -> dict:
    return {
        "log": AuditEntry.objects.exclude(action__startswith="auth.").count(),
        "checks": VerificationRecord.objects.count(),
        "narratives": Narrative.objects.count(),
        "disputes": Dispute.objects.count(),
        "runs": ScoringRun.objects.count(),
        "values": [s.values for s in Submission.objects.filter(round=round).order_by("pk")],
    }


def test_a_unit_cannot_add_a_self_check_with_an_attachment_after_closing(world, closed):
    client = world.client(world.dong_user)
    before = counts(closed)
    url = reverse("submissions:check", args=[closed.pk, world.dongcheng.pk])
    response = client.post(
        url,
        {
            "kind": "self_check",
            "date": "2025-03-01",
            "method": "自查",
            "finding": "补充说明",
            "attachment": SimpleUploadedFile("说明.pdf", b"%PDF-1.7 test"),
        },
        follow=True,
    )
    assert response.status_code in (200, 403)
    assert counts(closed) == before


def test_every_write_to_a_closed_round_is_refused_with_a_message(world, closed):
    submission = Submission.objects.get(round=closed, unit=world.dongcheng)
    with pytest.raises(ActionError, match=CLOSED):
        sub.do_record_check(
            submission,
            kind="self_check",
            when=date(2025, 3, 1),
            method="自查",
            finding="x",
            acting_user=world.dong_user,
        )
    with pytest.raises(ActionError, match=CLOSED):
        do_save_narratives(closed, world.dongcheng, {"problems": "改写"}, acting_user=world.agency)
    with pytest.raises(ActionError, match=CLOSED):
        sub.do_correct_value(submission, "local_raised", 1.0, reason="x", acting_user=world.agency)
    closed.name = "改名"
    with pytest.raises(ActionError, match=CLOSED):
        closed.save()


def test_a_dispute_cannot_be_accepted_in_a_closed_round(world):
    round = world.published()
    dispute = disputes.do_file_dispute(
        round, world.dongcheng, reasons="数据有误", acting_user=world.dong_user
    )
    Round.objects.filter(pk=round.pk).update(state=RoundState.CLOSED)  # closed meanwhile
    with pytest.raises(ActionError, match=CLOSED):
        disputes.do_accept_dispute(dispute, reason="受理", acting_user=world.office)
    dispute.refresh_from_db()
    assert dispute.status == "filed"


def test_closing_waits_for_pending_disputes(world):
    round = world.published()
    dispute = disputes.do_file_dispute(
        round, world.dongcheng, reasons="数据有误", acting_user=world.dong_user
    )
    with pytest.raises(ActionError, match="东城区"):
        do_transition(round, "close", acting_user=world.office)
    disputes.do_reject_dispute(dispute, reason="理由不成立", acting_user=world.office)
    do_transition(round, "close", acting_user=world.office)
    round.refresh_from_db()
    assert round.state == RoundState.CLOSED


def test_reopening_is_the_way_to_change_a_closed_round(world, closed):
    change = do_request_reopen(closed, target="collection", reason="更正", acting_user=world.office)
    do_decide(change, approve=True, note="同意", acting_user=world.committee)
    submission = Submission.objects.get(round=closed, unit=world.dongcheng)
    sub.do_record_check(
        submission,
        kind="spot_check",
        when=date(2025, 3, 1),
        method="抽查",
        finding="x",
        acting_user=world.agency,
    )


def test_every_page_posted_as_every_role_changes_nothing_in_a_closed_round(world, closed):
    ids = url_ids(closed, world.dongcheng)
    skip = {
        "logout",
        "unit_report",
        "round_report",
        "issue_token",
        "revoke_token",
        "password_change",
        "set_language",
        "login",
        "start_report_job",
    }
    routes = [
        (n, fill(r, ids))
        for r, n in patterns()
        if n not in skip and r.startswith(("rounds/", "experts/"))
    ]
    data = {
        "local_raised": "1",
        "reason": "x",
        "reasons": "x",
        "problems": "x",
        "unit": world.dongcheng.pk,
        "kind": "self_check",
        "date": "2025-03-01",
        "method": "x",
        "finding": "x",
        "name": "x",
        "panel": "policy",
        "items": "B1",
        "target": "collection",
        "decision": "upheld",
        "reasoning": "x",
        "field": "local_raised",
        "value": "1",
    }
    assert len(routes) > 25
    before = counts(closed)
    for role in ("office", "agency", "committee", "dong_user", "expert1", "admin"):
        client = world.client(getattr(world, role))
        client.raise_request_exception = False
        for name, route in routes:
            if name in ("transition", "request_reopen"):  # reopening: the one way back
                continue
            response = client.post(route, data)
            assert response.status_code < 500, (role, name, route)
    assert counts(closed) == before


def test_a_member_of_a_unit_in_the_round_cannot_start_its_scoring_run(world):
    round = world.scored()
    Membership.objects.create(user=world.agency, role=Role.UNIT, unit=world.dongcheng)
    world.agency._kaoping_units = None
    agency = type(world.agency).objects.get(pk=world.agency.pk)
    assert not can_run_scoring(agency, round)
    response = world.client(agency).post(reverse("results:start_run", args=[round.pk]))
    assert response.status_code == 403
    with pytest.raises(ActionError, match="不能启动"):
        do_start_scoring_run(round, acting_user=agency)
    assert can_run_scoring(world.office, round)
