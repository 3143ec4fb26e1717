"""The round report from the web lists the round's approved award decision (issue 12): the
tiers with total, rank, coefficient and reward-fund share, the criticism list with reasons."""

from __future__ import annotations

import io
import re

import pypdf
from django.urls import reverse

from kaoping.web.awards.actions import do_decision_transition, do_propose_awards, do_set_reward_fund
from kaoping.web.awards.models import LineKind

from .test_beijing_year import leader, year  # noqa: F401  (fixtures)


def round_report_text(world, round) -> str:
    response = world.client(world.office).get(
        reverse("results:round_report", args=[round.pk, "pdf"])
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))


def test_round_report_shows_the_approved_decision_and_the_fund(world, year, leader):  # noqa: F811
    decision = do_propose_awards(year, acting_user=world.office)
    do_decision_transition(decision, "review", acting_user=world.committee)
    do_set_reward_fund(decision, "1000000", acting_user=leader)
    before = round_report_text(world, year)  # not yet approved: no fund in the report
    assert "奖励资金共" not in before
    do_decision_transition(decision, "approve", acting_user=leader)
    text = round_report_text(world, year)
    assert "奖励资金共1,000,000.00元" in text
    allocations = {a.unit_id: a for a in decision.allocations.all()}
    tiers = decision.lines.filter(kind=LineKind.TIER).select_related("unit")
    assert tiers
    for line in tiers:  # tier, code, name, total, rank, coefficient, share of the fund
        amount = f"{float(allocations[line.unit_id].amount):,.2f}"
        assert (
            f"{line.title}{line.unit.code}{line.unit.name}{line.total:.2f}{line.rank}"
            f"{line.coefficient:.2f}{amount}"
        ) in text, line.unit.name
    blamed = decision.lines.filter(kind=LineKind.CRITICISM).select_related("unit")
    assert blamed
    for line in blamed:
        reason = re.sub(r"\s+", "", line.reason)[:10]
        assert f"通报批评{line.unit.code}{line.unit.name}{reason}" in text
    assert f"获奖单位{tiers.count()}个" in text
