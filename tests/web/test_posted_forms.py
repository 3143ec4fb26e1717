"""Issue 11: what pages post by hand (reasons, choices, names) goes through a Django form: a
reason too long or a choice that is not an option is refused with a message naming the
field, and nothing changes."""

from __future__ import annotations

import io

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kaoping.web.adjustments.actions import do_add_adjustment
from kaoping.web.adjustments.models import Adjustment
from kaoping.web.audit.models import AuditEntry
from kaoping.web.awards.actions import do_propose_awards
from kaoping.web.disputes import actions as da
from kaoping.web.disputes.models import Dispute
from kaoping.web.experts.models import ExpertGroup, Recusal
from kaoping.web.results.models import Narrative, ReportJob
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.data import input_fields
from kaoping.web.submissions.models import SubmissionStatus

from .conftest import days
from .test_beijing_year import leader, year  # noqa: F401 (fixtures)
from .test_disputes import published  # noqa: F401 (fixture)
from .test_experts import beijing_verified
from .test_submissions import submitted
from .test_submissions import url as sub_url

TOO_LONG = "理" * 2001


def errors(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error")


def test_a_transition_with_a_reason_too_long_or_a_bogus_target_changes_nothing(world):
    round = world.round()
    client = world.client(world.office)
    url = reverse("workflow:transition", args=[round.pk, "publish_scheme"])
    audited = AuditEntry.objects.count()
    response = client.post(url, {"reason": TOO_LONG})
    assert response.status_code == 302
    assert "理由" in errors(response) and "2000" in errors(response)
    response = client.post(url, {"target": "nowhere"})
    assert "nowhere" in errors(response)
    round.refresh_from_db()
    assert round.state == "draft" and AuditEntry.objects.count() == audited


def test_withdrawing_a_bonus_with_a_reason_too_long_keeps_it(world):
    round = world.collecting()
    entry = do_add_adjustment(
        round,
        world.dongcheng,
        points=1,
        reason="专项任务",
        reference="京人社〔2024〕1号",
        acting_user=world.office,
    )
    url = reverse("adjustments:withdraw", args=[round.pk, entry.pk])
    response = world.client(world.office).post(url, {"reason": TOO_LONG})
    assert "理由" in errors(response) and "2000" in errors(response)
    assert Adjustment.objects.filter(pk=entry.pk).exists()


def test_an_award_step_with_a_reason_too_long_changes_nothing(world, year):  # noqa: F811
    decision = do_propose_awards(year, acting_user=world.office)
    url = reverse("awards:transition", args=[year.pk, "review"])
    response = world.client(world.committee).post(url, {"reason": TOO_LONG})
    assert "理由" in errors(response) and "2000" in errors(response)
    decision.refresh_from_db()
    assert decision.state == "proposed"


def test_a_dispute_with_reasons_too_long_is_not_filed(world, published):  # noqa: F811
    response = world.client(world.dong_user).post(
        reverse("disputes:file", args=[published.pk]),
        {"unit": world.dongcheng.pk, "reasons": "理" * 5001},
    )
    assert "5000" in errors(response)
    assert not Dispute.objects.exists()


def test_dispute_handling_refuses_long_text_and_unknown_decisions(world, published):  # noqa: F811
    dispute = da.do_file_dispute(
        published, world.dongcheng, reasons="统计口径有误", acting_user=world.dong_user
    )
    office = world.client(world.office)

    def post(name, data, client=office):
        return client.post(reverse(f"disputes:{name}", args=[published.pk, dispute.pk]), data)

    assert "理由" in errors(post("accept", {"reason": TOO_LONG}))
    assert "理由" in errors(post("reject", {"reason": TOO_LONG}))
    assert Dispute.objects.get(pk=dispute.pk).status == dispute.status
    da.do_accept_dispute(dispute, reason="理由充分，予以受理", acting_user=world.office)
    response = post("panel", {"name": "组" * 121, "members": [world.expert3.pk]})
    assert "120" in errors(response)
    assert Dispute.objects.get(pk=dispute.pk).panel_id is None
    da.do_form_panel(dispute, name="复验小组", members=[world.expert3], acting_user=world.office)
    field = next(iter(da.reviewable_fields(published)))
    response = post(
        "opinion",
        {"field": field, "value": "1", "comment": TOO_LONG},
        client=world.client(world.expert3),
    )
    assert "2000" in errors(response) and not dispute.opinions.exists()
    da.do_record_opinion(
        dispute, field=field, value="1", comment="核对原始台账", acting_user=world.expert3
    )
    before = Dispute.objects.get(pk=dispute.pk)
    response = post("decide", {"decision": "bogus", "reasoning": "复验属实"})
    assert "bogus" in errors(response)
    after = Dispute.objects.get(pk=dispute.pk)
    assert (after.status, after.decision) == (before.status, before.decision)


def test_a_return_with_a_reason_too_long_or_no_date_leaves_the_submission(world):
    round = world.collecting()
    s = submitted(world, round)
    client = world.client(world.agency)
    label = next(f.label for f in input_fields(round.scheme()) if f.key == "fund_expenditure")
    response = client.post(
        sub_url("return", round, world.dongcheng),
        {"reason_fund_expenditure": TOO_LONG, "deadline": days(5).isoformat()},
    )
    assert f"{label}: " in errors(response) and "2000" in errors(response)
    response = client.post(
        sub_url("return", round, world.dongcheng),
        {"reason_fund_expenditure": "与决算报表不符", "deadline": "下周五"},
    )
    assert "期限" in errors(response) or "Deadline" in errors(response)
    s.refresh_from_db()
    assert s.status == SubmissionStatus.SUBMITTED and not s.rectifications.exists()


def test_an_upload_or_attachment_with_text_too_long_changes_nothing(world):
    round = world.collecting()
    s = submitted(world, round)
    sub.do_return(s, reasons={"a": "b"}, general="", deadline=days(2), acting_user=world.agency)
    client = world.client(world.dong_user)
    workbook = io.BytesIO()
    Workbook().save(workbook)
    response = client.post(
        sub_url("attach", round, world.dongcheng),
        {"file": SimpleUploadedFile("决算表.xlsx", workbook.getvalue()), "field": "f" * 81},
    )
    assert "80" in errors(response) and not s.attachments.exists()
    uploads = AuditEntry.objects.filter(action__contains="upload").count()
    response = client.post(
        sub_url("upload", round, world.dongcheng),
        {"file": SimpleUploadedFile("基础数据表.xlsx", workbook.getvalue()), "reason": TOO_LONG},
    )
    assert "2000" in errors(response)
    assert AuditEntry.objects.filter(action__contains="upload").count() == uploads


def test_a_group_from_an_unknown_panel_or_a_recusal_too_long_is_refused(world):
    round = beijing_verified(world)
    client = world.client(world.office)
    response = client.post(reverse("experts:groups", args=[round.pk]), {"panel": "nopanel"})
    assert "专业考核小组" in errors(response) and "nopanel" in errors(response)
    response = client.post(
        reverse("experts:groups", args=[round.pk]), {"name": "组" * 121, "items": ["B1"]}
    )
    assert "120" in errors(response)
    assert not ExpertGroup.objects.filter(round=round).exists()
    response = client.post(
        reverse("experts:recuse", args=[round.pk]),
        {"expert": world.expert1.pk, "unit": world.dongcheng.pk, "reason": "亲" * 201},
    )
    assert "理由" in errors(response) and "200" in errors(response)
    assert not Recusal.objects.filter(round=round).exists()


def test_a_narrative_too_long_or_a_report_job_with_a_bogus_option_changes_nothing(world):
    round = world.scored()
    agency = world.client(world.agency)
    url = reverse("results:unit_narratives", args=[round.pk, world.dongcheng.pk])
    response = agency.post(url, {"measures": "措" * 20001})
    assert "20000" in errors(response)
    assert not Narrative.objects.filter(round=round).exists()
    jobs = ReportJob.objects.count()
    response = world.client(world.office).post(
        reverse("results:start_report_job", args=[round.pk]), {"docx": "maybe"}
    )
    assert "Word" in errors(response) and "maybe" in errors(response)
    assert ReportJob.objects.count() == jobs
