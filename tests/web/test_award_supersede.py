"""A re-review (复验) whose new results take effect supersedes the award decision made from the
old ones: the decision, its allocation and certificates stand as history only, the pages say
so, and a new decision is made from the results now in force. And the reward fund to the fen.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse

from kaoping.web.accounts.models import Role
from kaoping.web.audit.log import verify_chain
from kaoping.web.audit.models import AuditEntry
from kaoping.web.awards.actions import (
    do_decision_transition,
    do_generate_certificates,
    do_nominate,
    do_propose_awards,
    do_set_reward_fund,
    do_supersede_awards,
)
from kaoping.web.awards.models import AwardDecision, DecisionState
from kaoping.web.common import ActionError
from kaoping.web.disputes import actions as da
from kaoping.web.results.actions import do_start_scoring_run, publish_run
from kaoping.web.results.models import Publication, RunKind
from kaoping.web.submissions.models import Submission
from kaoping.web.workflow.actions import do_transition
from kaoping.web.workflow.changes import do_decide, do_request_republish

from . import test_beijing_year
from .conftest import make_user
from .test_beijing_year import approved, collected, new_round

# The Beijing year's fixtures, shared with test_beijing_year: the leading group's member and
# the 2024 district round approved by the committee.
leader, year = test_beijing_year.leader, test_beijing_year.year


def published_awards(world, round, leader, total="1000000"):
    decision = do_propose_awards(round, acting_user=world.office)
    do_nominate(
        decision,
        kind="individual",
        person="张某某",
        title="就业工作先进个人",
        reason="全年推荐就业 1,200 人",
        acting_user=world.office,
    )
    do_decision_transition(decision, "review", acting_user=world.committee)
    do_set_reward_fund(decision, total, acting_user=leader)
    do_decision_transition(decision, "approve", acting_user=leader)
    do_transition(round, "publish_results", acting_user=world.office)
    do_decision_transition(decision, "publish", acting_user=world.office)
    decision.refresh_from_db()
    return decision


def rereviewed(world, round):
    """Dongcheng disputes, a new panel re-reviews one figure, the committee approves the new
    results: they take effect as publication v2."""
    values = Submission.objects.get(round=round, unit=world.dongcheng).values
    field = next(k for k, v in values.items() if v)
    dispute = da.do_file_dispute(
        round, world.dongcheng, reasons="统计口径有误", acting_user=world.dong_user
    )
    da.do_accept_dispute(dispute, reason="理由充分，予以受理", acting_user=world.office)
    panel_expert = make_user("expert9", Role.EXPERT)
    da.do_form_panel(dispute, name="复验小组", members=[panel_expert], acting_user=world.office)
    da.do_record_opinion(
        dispute,
        field=field,
        value=values[field] * 3,
        comment="核对原始台账",
        acting_user=panel_expert,
    )
    da.do_decide(
        dispute, decision="amended", reasoning="复验核实，予以更正", acting_user=world.office
    )
    change = do_request_republish(dispute, acting_user=world.office)
    do_decide(change, approve=True, note="同意", acting_user=world.committee)
    assert Publication.current(round).version == 2
    return dispute


def test_new_results_after_a_rereview_supersede_the_published_award_decision(
    world, year, leader, settings
):
    settings.KAOPING_REPORT_ISSUER = "北京市就业工作领导小组"
    round = year
    old = published_awards(world, round, leader)
    do_generate_certificates(old, acting_user=world.office)
    job = old.certificate_jobs.get()
    assert job.status == "done", job.message
    office = world.client(world.office)
    assert (
        office.get(reverse("awards:certificates_zip", args=[round.pk, job.pk])).status_code == 200
    )
    register = reverse("awards:honours", args=[round.year])
    assert "张某某" in world.client(world.dong_user).get(register).content.decode()

    rereviewed(world, round)

    old.refresh_from_db()
    assert old.state == DecisionState.SUPERSEDED
    assert "复验" in old.superseded_reason or "re-review" in old.superseded_reason
    assert AwardDecision.current(round) is None
    step = old.steps.last()
    assert (step.action, step.from_state, step.to_state) == ("supersede", "published", "superseded")
    entry = AuditEntry.objects.get(action="awards.supersede")
    assert entry.data["publication"] == 2 and entry.data["from"] == "published"
    assert [c[0] for c in entry.data["allocations"]] == [
        a.unit.code for a in old.allocations.select_related("unit")
    ]
    # The pages say so; the old certificates and allocation are no longer offered as current.
    page = office.get(reverse("awards:decision", args=[round.pk])).content.decode()
    assert f'id="superseded-{old.pk}"' in page and 'id="propose"' in page
    assert f"依据第 {old.run.version} 版结果作出的奖励决定已于" in page
    assert "须依据现行结果重新作出奖励决定" in page
    assert "certificates-zip" not in page
    assert (
        office.get(reverse("awards:certificates_zip", args=[round.pk, job.pk])).status_code == 404
    )
    assert (
        office.get(reverse("awards:certificate_file", args=[round.pk, job.pk, 1])).status_code
        == 404
    )
    assert office.get(reverse("awards:allocation_xlsx", args=[round.pk])).status_code == 404
    assert "张某某" not in world.client(world.dong_user).get(register).content.decode()
    with pytest.raises(ActionError):  # nothing more is done on a superseded decision
        do_decision_transition(old, "publish", acting_user=world.office)
    # A new decision, from the results now in force (the re-review's run).
    new = do_propose_awards(round, acting_user=world.office)
    assert new.pk != old.pk and new.run == Publication.current(round).run != old.run
    assert AwardDecision.current(round) == new
    assert verify_chain() is None
    log = office.get(reverse("audit:log")).content.decode()
    assert "奖励决定因新结果生效而作废" in log and "公布奖励决定" in log


def test_publishing_the_same_results_keeps_the_decision(world, year, leader):
    """The first publication of the run the awards were proposed from supersedes nothing."""
    decision = published_awards(world, year, leader)
    assert decision.state == DecisionState.PUBLISHED
    assert not AuditEntry.objects.filter(action="awards.supersede").exists()


def test_a_fund_with_jiao_and_fen_is_shared_to_the_fen_and_sums_exactly(world, year, leader):
    decision = do_propose_awards(year, acting_user=world.office)
    do_decision_transition(decision, "review", acting_user=world.committee)
    client = world.client(leader)
    page = client.post(
        reverse("awards:fund", args=[year.pk]), {"total": "1000000.01"}, follow=True
    ).content.decode()
    shares = list(decision.allocations.all())
    assert shares and sum(a.amount for a in shares) == Decimal("1000000.01")
    assert any(a.amount != a.amount.to_integral_value() for a in shares)
    assert "1000000.01" in page
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("awards:allocation_xlsx", args=[year.pk])).content)
    ).active
    amounts = [Decimal(str(row[4])) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sum(amounts[:-1]) == amounts[-1] == Decimal("1000000.01")
    # More than two decimals, zero or text: refused with the reason, nothing changed.
    for bad in ("1000.001", "0", "一百万"):
        page = client.post(
            reverse("awards:fund", args=[year.pk]), {"total": bad}, follow=True
        ).content.decode()
        assert 'class="error"' in page or "error" in page
    assert sum(a.amount for a in decision.allocations.all()) == Decimal("1000000.01")
    with pytest.raises(ActionError):
        do_set_reward_fund(decision, "1000.001", acting_user=leader)


def home(world, user) -> str:
    return world.client(user).get("/").content.decode()


def test_each_step_of_the_decision_waits_on_its_role_and_a_superseded_one_on_the_office(
    world, year, leader
):
    decision = do_propose_awards(year, acting_user=world.office)
    assert f"审议{year.name}的奖励建议" in home(world, world.committee)
    assert "审批奖励" not in home(world, leader)
    do_decision_transition(decision, "review", acting_user=world.committee)
    assert f"确定{year.name}的奖励资金并审批奖励" in home(world, leader)
    assert "奖励建议" not in home(world, world.committee)
    do_set_reward_fund(decision, "1000000", acting_user=leader)
    do_decision_transition(decision, "approve", acting_user=leader)
    assert f"公布{year.name}的奖励决定" in home(world, world.office)
    assert "审批奖励" not in home(world, leader)
    do_transition(year, "publish_results", acting_user=world.office)
    do_decision_transition(decision, "publish", acting_user=world.office)
    assert "重新作出" not in home(world, world.office)
    rereviewed(world, year)
    assert "重新作出" in home(world, world.office)
    do_propose_awards(year, acting_user=world.office)
    assert "重新作出" not in home(world, world.office)


def test_new_results_of_a_special_assessment_supersede_the_decision_it_fed(world, year):
    """The fund-performance round feeds the district round's decision; when its results are
    published anew, that decision no longer stands (the district round's own results did
    not change)."""
    fund = new_round(world, code="beijing-fund-performance", name="2024年度资金绩效评价")
    collected(world, fund, "fund-performance-2024.csv", targets=False)
    approved(world, fund)
    do_transition(fund, "publish_results", acting_user=world.office)
    decision = do_propose_awards(year, acting_user=world.office)
    assert decision.based_on == {
        str(year.pk): decision.run_id,
        str(fund.pk): Publication.current(fund).run_id,
    }
    rerun = do_start_scoring_run(fund, acting_user=world.agency, kind=RunKind.REREVIEW)
    rerun.refresh_from_db()  # run by the inline job
    with transaction.atomic():
        publication = publish_run(rerun, acting_user=world.office, note="复验")
        superseded = do_supersede_awards(publication, acting_user=world.office, reason="复验")
    assert superseded == [decision]
    decision.refresh_from_db()
    assert decision.state == DecisionState.SUPERSEDED and AwardDecision.current(year) is None
