"""Issue 11: a unit's submission and the agency's verification cannot pass a plausibility
warning without a reason; the page shows each warning naming the field and the value; the
reason and the warnings are logged."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.audit.models import AuditEntry
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission, SubmissionStatus

from .conftest import demo_rows, numbers


def fill(world, round, rate: str):
    """Every unit's demo values saved and submitted, but 东城区's rate typed as a fraction."""
    rows = {r["unit_code"]: r for r in demo_rows(round.year)}
    for unit in world.districts[1:]:
        s = sub.submission_for(round, unit)
        sub.do_save_draft(s, numbers(rows[unit.code]), acting_user=world.unit_users[unit.code])
        sub.do_submit(s, acting_user=world.unit_users[unit.code])
    form = {
        k: v
        for k, v in rows[world.dongcheng.code].items()
        if k not in ("unit_code", "unit_name", "year")
    }
    form["registered_unemployment_rate"] = rate
    return form


def test_a_unit_cannot_submit_past_a_warning_without_a_reason(world):
    round = world.collecting()
    form = fill(world, round, "0.0203")
    client = world.client(world.dong_user)
    url = reverse("submissions:save", args=[round.pk, world.dongcheng.pk])
    response = client.post(url, {**form, "submit": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“城镇登记失业率”：东城区（110101）：值 0.0203 超出通常范围 0.2～30" in page
    assert 'id="plausibility"' in page and 'name="confirm_reason"' in page
    submission = Submission.objects.get(round=round, unit=world.dongcheng)
    assert submission.status == SubmissionStatus.DRAFT  # saved as a draft, not submitted
    assert submission.values["registered_unemployment_rate"] == 0.0203  # nothing lost
    response = client.post(url, {**form, "submit": "1", "confirm_reason": "该区统计口径确为小数"})
    submission.refresh_from_db()
    assert response.status_code == 302 and submission.status == SubmissionStatus.SUBMITTED
    entry = AuditEntry.objects.get(action="submission.confirm_warnings")
    assert entry.actor == world.dong_user and entry.data["reason"] == "该区统计口径确为小数"
    assert entry.data["stage"] == "submit"
    assert entry.data["warnings"][0]["code"] == "plausibility.range"


def test_the_agency_cannot_verify_past_a_warning_without_a_reason(world):
    round = world.collecting()
    form = fill(world, round, "0.0203")
    submission = sub.submission_for(round, world.dongcheng)
    values = {k: float(v) for k, v in form.items() if v != ""}
    sub.do_save_draft(submission, values, acting_user=world.dong_user)
    sub.do_submit(submission, acting_user=world.dong_user, confirm_reason="已核对")
    agency = world.client(world.agency)
    url = reverse("submissions:verify", args=[round.pk, world.dongcheng.pk])
    page = agency.post(url, follow=True).content.decode()
    assert "合理性提示" in page and "0.0203" in page
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    agency.post(url, {"confirm_reason": "电话核实：该区填报口径不同，已通知更正口径说明"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.VERIFIED
    stages = list(
        AuditEntry.objects.filter(action="submission.confirm_warnings").values_list(
            "data__stage", flat=True
        )
    )
    assert stages == ["submit", "verify"]


def test_plausible_values_need_no_reason(world):
    round = world.collecting()
    form = fill(world, round, "1.42")
    client = world.client(world.dong_user)
    url = reverse("submissions:save", args=[round.pk, world.dongcheng.pk])
    assert client.post(url, {**form, "submit": "1"}).status_code == 302
    assert not AuditEntry.objects.filter(action="submission.confirm_warnings").exists()


def test_a_scheme_with_broken_plausibility_checks_is_refused_when_the_round_is_created(world):
    import pytest

    from kaoping.scoring.schemes import scheme_text
    from kaoping.web.common import ActionError
    from kaoping.web.rounds.actions import do_create_round

    text = scheme_text("mof-2012").replace(
        'field = "registered_unemployment_rate"', 'field = "nope"'
    )
    with pytest.raises(ActionError, match="nope"):
        do_create_round(
            name="x", year=2024, units=world.districts, acting_user=world.office, scheme_text=text
        )
