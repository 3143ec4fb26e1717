"""Disputes (复验) through the web client: every action, every refusal, and that nothing is
overwritten (the original values, scores, run and publication stay as they were)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.web.accounts.models import Role
from kaoping.web.audit.log import verify_chain
from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import ActionError
from kaoping.web.disputes import actions as da
from kaoping.web.disputes.models import Correction, Dispute
from kaoping.web.experts.models import ExpertGroup, ExpertScore
from kaoping.web.results.models import Publication, RunSnapshot, ScoringRun, UnitResult
from kaoping.web.submissions.models import Submission
from kaoping.web.workflow.actions import do_transition
from kaoping.web.workflow.changes import do_decide, do_request_republish
from kaoping.web.workflow.models import ChangeRequest

from .beijing_year import score_every_item
from .conftest import make_user
from .test_experts import beijing_verified


@pytest.fixture
def published(world):
    """The 2024 round published (v1), with an original group (expert1) and expert3 free."""
    round = world.published()
    group = ExpertGroup.objects.create(round=round, name="政策落实考核小组", closed=True)
    group.members.set([world.expert1])
    world.expert3 = make_user("expert3", Role.EXPERT)
    return round


def url(name, round, dispute=None):
    return reverse(f"disputes:{name}", args=[round.pk] + ([dispute.pk] if dispute else []))


def file(world, round, reasons="新增就业人数统计口径有误，应为 23,800 人", user=None, **extra):
    user = user or world.dong_user
    return world.client(user).post(
        url("file", round), {"unit": world.dongcheng.pk, "reasons": reasons, **extra}, follow=True
    )


def accepted(world, round) -> Dispute:
    dispute = da.do_file_dispute(
        round, world.dongcheng, reasons="统计口径有误", acting_user=world.dong_user
    )
    return da.do_accept_dispute(dispute, reason="理由充分，予以受理", acting_user=world.office)


def reviewed(world, round, field: str, value) -> Dispute:
    dispute = accepted(world, round)
    da.do_form_panel(dispute, name="复验小组", members=[world.expert3], acting_user=world.office)
    da.do_record_opinion(
        dispute, field=field, value=value, comment="核对原始台账", acting_user=world.expert3
    )
    return Dispute.objects.get(pk=dispute.pk)


def test_a_unit_files_a_dispute_within_the_window(world, published):
    round = published
    attachment = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 ledger", content_type="application/pdf")
    page = file(world, round, attachment=attachment).content.decode()
    dispute = Dispute.objects.get()
    assert "复验申请已提交" in page and dispute.status == "filed"
    assert dispute.publication.version == 1 and dispute.original_run.version == 1
    assert dispute.filed_by == world.dong_user and dispute.attachment_name == "台账.pdf"
    entry = AuditEntry.objects.get(action="dispute.file")
    assert entry.unit == world.dongcheng and entry.data["publication"] == 1
    response = world.client(world.dong_user).get(url("attachment", round, dispute))
    assert response.content == b"%PDF-1.4 ledger"
    # Another unit's dispute does not exist for Xicheng.
    assert world.client(world.xi_user).get(url("detail", round, dispute)).status_code == 404
    assert world.client(world.xi_user).get(url("attachment", round, dispute)).status_code == 404
    assert "东城区" not in world.client(world.xi_user).get(url("list", round)).content.decode()


def test_no_dispute_before_publication(world):
    round = world.scored()
    page = file(world, round).content.decode()
    assert not Dispute.objects.exists()
    with pytest.raises(ActionError, match="结果公布后才能申请复验"):
        da.do_file_dispute(round, world.dongcheng, reasons="x", acting_user=world.dong_user)
    assert 'id="file-dispute"' not in page


def test_no_dispute_after_the_window(world, published):
    round = published
    publication = Publication.current(round)
    publication.published_at -= timedelta(days=round.dispute_days, minutes=1)
    publication.save()
    page = file(world, round).content.decode()
    assert not Dispute.objects.exists()
    assert 'id="file-dispute"' not in page
    with pytest.raises(ActionError, match=r"复验申请期限已于 .* 截止（结果公布后 15 天内）"):
        da.do_file_dispute(round, world.dongcheng, reasons="x", acting_user=world.dong_user)


def test_only_a_member_of_the_unit_files_its_dispute(world, published):
    round = published
    for user in (world.office, world.agency, world.expert1, world.xi_user):
        assert file(world, round, user=user).status_code == 404
    assert not Dispute.objects.exists()
    # Reasons are required.
    assert "请填写申请复验的理由" in file(world, round, reasons="  ").content.decode()


@pytest.mark.postgres
def test_one_dispute_per_unit_and_publication_version(world, published):
    round = published
    file(world, round)
    page = file(world, round, reasons="再次申请").content.decode()
    assert "东城区 已对第 1 版结果申请过复验，同一版本不能重复申请" in page
    assert Dispute.objects.count() == 1


def test_the_office_accepts_or_rejects_with_a_reason(world, published):
    round = published
    file(world, round)
    dispute = Dispute.objects.get()
    client = world.client(world.office)
    # A unit or the agency cannot handle it; a reason is required.
    assert (
        world.client(world.dong_user)
        .post(url("accept", round, dispute), {"reason": "x"})
        .status_code
        == 403
    )
    assert (
        world.client(world.agency).post(url("accept", round, dispute), {"reason": "x"}).status_code
        == 403
    )
    page = client.post(url("reject", round, dispute), {"reason": ""}, follow=True).content.decode()
    assert "请填写受理或不予受理的理由" in page
    client.post(url("reject", round, dispute), {"reason": "数据经核实无误"})
    dispute.refresh_from_db()
    assert dispute.status == "rejected" and dispute.handling_reason == "数据经核实无误"
    assert dispute.handled_by == world.office
    # A rejected dispute cannot be accepted afterwards.
    page = client.post(
        url("accept", round, dispute), {"reason": "改主意"}, follow=True
    ).content.decode()
    assert "复验申请当前为“不予受理”，不能受理复验申请" in page
    assert AuditEntry.objects.filter(action="dispute.reject").count() == 1
    assert (
        "数据经核实无误"
        in world.client(world.dong_user).get(url("detail", round, dispute)).content.decode()
    )


def test_the_panel_must_exclude_every_original_expert(world, published):
    round = published
    dispute = accepted(world, round)
    client = world.client(world.office)
    page = client.post(
        url("panel", round, dispute),
        {"name": "复验小组", "members": [world.expert1.pk, world.expert3.pk]},
        follow=True,
    ).content.decode()
    assert "expert1 不能参加复验小组：本批次原评分专家（政策落实考核小组）" in page
    # The agency member who verified the data and ran the scoring is excluded too.
    with pytest.raises(ActionError, match="agency 不能参加复验小组：核实过本批次数据"):
        da.do_form_panel(dispute, name="x", members=[world.agency], acting_user=world.office)
    with pytest.raises(ActionError, match="u110101 不能参加复验小组：是 东城区 的成员"):
        da.do_form_panel(dispute, name="x", members=[world.dong_user], acting_user=world.office)
    assert ExpertGroup.objects.filter(purpose="rereview").count() == 0
    client.post(url("panel", round, dispute), {"name": "复验小组", "members": [world.expert3.pk]})
    dispute.refresh_from_db()
    assert dispute.status == "panel_formed"
    assert list(dispute.panel.members.all()) == [world.expert3]
    assert dispute.panel.purpose == "rereview"
    # The panel sees the disputed unit's data and the dispute; nobody else's.
    expert3 = world.client(world.expert3)
    assert expert3.get(url("detail", round, dispute)).status_code == 200
    data = reverse("submissions:unit", args=[round.pk, world.dongcheng.pk])
    assert expert3.get(data).status_code == 200
    assert (
        expert3.get(reverse("submissions:unit", args=[round.pk, world.xicheng.pk])).status_code
        == 404
    )
    # Forming a second panel is a wrong state.
    with pytest.raises(ActionError, match="不能组建复验小组"):
        da.do_form_panel(dispute, name="y", members=[world.expert2], acting_user=world.office)


def test_only_the_panel_records_a_rereview_beside_the_original(world, published):
    round = published
    dispute = accepted(world, round)
    da.do_form_panel(dispute, name="复验小组", members=[world.expert3], acting_user=world.office)
    original = Submission.objects.get(round=round, unit=world.dongcheng).values
    field = next(k for k, v in original.items() if v is not None)
    for user in (world.expert1, world.office, world.dong_user):
        response = world.client(user).post(
            url("opinion", round, dispute), {"field": field, "value": "1"}
        )
        assert response.status_code in (403, 404)
    page = (
        world.client(world.expert3)
        .post(url("opinion", round, dispute), {"field": field, "value": "-5"}, follow=True)
        .content.decode()
    )
    assert "东城区 的“" in page and "“-5”无效" in page
    world.client(world.expert3).post(
        url("opinion", round, dispute),
        {"field": field, "value": str(original[field] + 100), "comment": "核对台账"},
    )
    dispute.refresh_from_db()
    opinion = dispute.opinions.get()
    assert dispute.status == "reviewed"
    assert opinion.original_value == original[field]
    assert opinion.reviewed_value == original[field] + 100
    assert Submission.objects.get(round=round, unit=world.dongcheng).values == original


@pytest.mark.postgres
def test_an_amended_decision_makes_a_new_version_and_keeps_the_old(world, published):
    round = published
    original = dict(Submission.objects.get(round=round, unit=world.dongcheng).values)
    field = next(k for k, v in original.items() if v is not None)
    v1_total = UnitResult.objects.get(run__version=1, unit=world.dongcheng).total
    dispute = reviewed(world, round, field, original[field] * 1.5)
    client = world.client(world.office)
    page = client.post(
        url("decide", round, dispute), {"decision": "amended", "reasoning": ""}, follow=True
    ).content.decode()
    assert "请填写复验结论的理由" in page
    client.post(
        url("decide", round, dispute),
        {"decision": "amended", "reasoning": "复验核实统计口径有误，予以更正"},
    )
    dispute.refresh_from_db()
    assert dispute.status == "decided" and dispute.decision == "amended"
    correction = Correction.objects.get()
    assert (correction.field, correction.original_value, correction.corrected_value) == (
        field,
        original[field],
        original[field] * 1.5,
    )
    new_run = dispute.new_run
    assert new_run.kind == "rereview" and new_run.status == "done" and new_run.version == 2
    snapshot = RunSnapshot.objects.get(run=new_run).data
    codes = [u[0] for u in snapshot["units"]]
    assert snapshot["columns"][field][codes.index("110101")] == original[field] * 1.5
    old = RunSnapshot.objects.get(run__version=1, run__round=round).data
    assert old["columns"][field][codes.index("110101")] == original[field]
    # The unit still sees v1 until the office publishes the new version.
    ranking = reverse("results:ranking", args=[round.pk])
    assert Publication.current(round).version == 1
    republish = reverse("approvals:request_republish", args=[round.pk, dispute.pk])
    assert world.client(world.dong_user).post(republish).status_code == 403
    client.post(republish)  # the office asks; the committee decides
    assert Publication.current(round).version == 1  # units still see v1 meanwhile
    change = ChangeRequest.objects.get(dispute=dispute)
    world.client(world.committee).post(
        reverse("approvals:decide", args=[round.pk, change.pk]), {"approve": "1", "note": "同意"}
    )
    dispute.refresh_from_db()
    assert dispute.status == "republished" and dispute.new_publication.version == 2
    assert Publication.current(round).run == new_run
    assert Publication.objects.filter(round=round).count() == 2
    # Nothing overwritten: submission values, v1 run, v1 results, v1 publication.
    assert Submission.objects.get(round=round, unit=world.dongcheng).values == original
    assert UnitResult.objects.get(run__version=1, unit=world.dongcheng).total == v1_total
    assert Publication.objects.get(round=round, version=1).run.version == 1
    v2_total = UnitResult.objects.get(run=new_run, unit=world.dongcheng).total
    assert v2_total != v1_total
    # The unit sees the decision and both versions, the current one first.
    page = world.client(world.dong_user).get(url("detail", round, dispute)).content.decode()
    assert "复验核实统计口径有误" in page and "决定: 更正结果" in page
    versions = page.split('id="versions"')[1]
    assert versions.index("v2") < versions.index("v1")
    assert f"{v1_total:.2f}" in versions and f"{v2_total:.2f}" in versions
    assert world.client(world.dong_user).get(ranking).status_code == 200
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "dispute.file",
        "dispute.accept",
        "dispute.form_panel",
        "dispute.opinion",
        "dispute.decide",
        "approvals.request",
        "approvals.decide",
        "dispute.republish",
    } <= actions
    assert verify_chain() is None


def test_an_upheld_decision_publishes_nothing(world, published):
    round = published
    original = Submission.objects.get(round=round, unit=world.dongcheng).values
    field = next(k for k, v in original.items() if v is not None)
    dispute = reviewed(world, round, field, original[field])
    # Amending with a re-review that changed no value is refused.
    with pytest.raises(ActionError, match="复验没有改变任何数值"):
        da.do_decide(dispute, decision="amended", reasoning="x", acting_user=world.office)
    da.do_decide(dispute, decision="upheld", reasoning="原数据无误", acting_user=world.office)
    dispute.refresh_from_db()
    assert dispute.decision == "upheld" and dispute.new_run is None
    with pytest.raises(ActionError, match="已维持原结果"):
        da.do_republish(dispute, acting_user=world.office)
    assert ScoringRun.objects.filter(round=round).count() == 1
    assert not Correction.objects.exists()
    # A decision cannot be recorded twice.
    with pytest.raises(ActionError, match="不能登记复验结论"):
        da.do_decide(dispute, decision="amended", reasoning="x", acting_user=world.office)


def test_a_rereview_of_an_expert_scored_item_keeps_the_expert_scores(world):
    """Beijing scheme: the panel re-scores 政策整体落实情况 (B1) of 东城区."""
    round = beijing_verified(world)
    # Every expert item of every unit is scored (scoring waits for that); B1 of 东城区: 10, 12.
    score_every_item(
        world, round, overrides={("expert1", "110101", "B1"): 10, ("expert2", "110101", "B1"): 12}
    )
    do_transition(round, "start_scoring", acting_user=world.office)
    from kaoping.web.results.actions import do_start_scoring_run

    do_start_scoring_run(round, acting_user=world.agency)
    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    do_transition(round, "publish_results", acting_user=world.office)
    world.expert3 = make_user("expert3", Role.EXPERT)
    dispute = accepted(world, round)
    with pytest.raises(ActionError, match="expert2 不能参加复验小组：本批次原评分专家"):
        da.do_form_panel(
            dispute, name="复验", members=[world.expert2, world.expert3], acting_user=world.office
        )
    da.do_form_panel(dispute, name="复验", members=[world.expert3], acting_user=world.office)
    opinion = da.do_record_opinion(
        dispute, field="policy_overall", value="17", acting_user=world.expert3
    )
    assert opinion.original_value == 11.0  # the experts' mean (10 + 12) / 2 as scored in v1
    dispute = da.do_decide(
        dispute, decision="amended", reasoning="复验重新打分", acting_user=world.office
    )
    change = do_request_republish(dispute, acting_user=world.office)
    do_decide(change, approve=True, note="", acting_user=world.committee)
    dispute.refresh_from_db()
    dispute.new_run.refresh_from_db()
    b1 = [i["code"] for i in dispute.new_run.summary["indicators"]].index("B1")
    new = UnitResult.objects.get(run=dispute.new_run, unit=world.dongcheng).numbers
    old = UnitResult.objects.get(run=dispute.original_run, unit=world.dongcheng).numbers
    assert old["values"][b1] == 11.0 and new["values"][b1] == 17.0
    assert new["scores"][b1] == pytest.approx(85.0)  # 100 x 17 / 20
    # The original expert scores are untouched.
    assert sorted(
        ExpertScore.objects.filter(unit=world.dongcheng, indicator="B1").values_list(
            "score", flat=True
        )
    ) == [10.0, 12.0]
