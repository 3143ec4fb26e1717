"""Issue 11: what pages post by hand (reasons, choices, names) goes through a Django form: a
reason too long or a choice that is not an option is refused with a message naming the
field, and nothing changes."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from kaoping.web.adjustments.actions import do_add_adjustment
from kaoping.web.adjustments.models import Adjustment
from kaoping.web.audit.models import AuditEntry
from kaoping.web.awards.actions import do_propose_awards

from .test_beijing_year import leader, year  # noqa: F401 (fixtures)

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
    entry = do_add_adjustment(round, world.dongcheng, points=1, reason="专项任务",
                              reference="京人社〔2024〕1号", acting_user=world.office)  # fmt: skip
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
