"""A dispute (复验) in a real browser: after publication the unit files a dispute; the office
accepts it, tries a panel with an original expert (refused), forms one without, the panel
records a re-review, the office records a changed decision and publishes version 2; the
unit sees the decision and the new version, the old one kept as history."""

from __future__ import annotations

import pytest

from kaoping.web.accounts.models import Role
from kaoping.web.disputes.models import Dispute
from kaoping.web.experts.models import ExpertGroup
from kaoping.web.results.models import Publication
from kaoping.web.submissions.models import Submission

from ..conftest import World, make_user
from .walk_helpers import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dispute_walk_in_the_browser(live_server, page, settings):
    settings.KAOPING_JOBS_INLINE = True
    world = World()
    base = live_server.url
    round = world.published()
    original_group = ExpertGroup.objects.create(round=round, name="政策落实考核小组", closed=True)
    original_group.members.set([world.expert1])
    expert3 = make_user("expert3", Role.EXPERT)
    values = dict(Submission.objects.get(round=round, unit=world.dongcheng).values)
    field = next(k for k, v in values.items() if v is not None)

    # 东城区 files a dispute on version 1.
    login(page, base, "u110101")
    page.goto(f"{base}/rounds/{round.pk}/disputes/")
    page.fill("#reasons", "新增就业人数统计口径有误，请复验。")
    page.click("#file")
    assert "复验申请已提交" in page.inner_text(".messages")
    shot(page, "dispute-1-filed")
    dispute = Dispute.objects.get()

    # The office accepts it and first tries a panel with an original expert.
    login(page, base, "office")
    page.goto(f"{base}/rounds/{round.pk}/disputes/{dispute.pk}/")
    page.locator("form:has(#accept) input[name=reason]").fill("理由充分，予以受理")
    page.click("#accept")
    page.fill("#panel-name", "东城区复验小组")
    page.check(f"input[name=members][value='{world.expert1.pk}']")
    page.check(f"input[name=members][value='{expert3.pk}']")
    page.click("#form-panel-button")
    assert "expert1 不能参加复验小组：本批次原评分专家（政策落实考核小组）" in page.inner_text(
        ".messages"
    )
    shot(page, "dispute-2-panel-refused")
    page.check(f"input[name=members][value='{expert3.pk}']")
    page.click("#form-panel-button")
    assert Dispute.objects.get().status == "panel_formed"

    # The panel's expert records the re-reviewed value beside the original.
    login(page, base, "expert3")
    page.goto(f"{base}/rounds/{round.pk}/disputes/{dispute.pk}/")
    page.select_option("#opinion-field", field)
    page.fill("#opinion-value", str(values[field] * 1.5))
    page.fill("#opinion-comment", "核对原始台账")
    page.click("#record-opinion")
    assert "核对原始台账" in page.inner_text("#opinions")
    shot(page, "dispute-3-rereview")

    # The office records the changed decision; the committee approves version 2.
    login(page, base, "office")
    page.goto(f"{base}/rounds/{round.pk}/disputes/{dispute.pk}/")
    page.check("input[name=decision][value=amended]")
    page.fill("#reasoning", "复验核实统计口径有误，予以更正。")
    page.click("#record-decision")
    page.click("#republish")  # asks the committee: nothing is published yet
    assert Publication.current(round).version == 1
    login(page, base, "committee")
    page.goto(f"{base}/rounds/{round.pk}/changes/")
    page.click("#changes button[name=approve]")
    assert Publication.current(round).version == 2
    shot(page, "dispute-4-republished")

    # The unit sees the decision, version 2 current and version 1 as history.
    login(page, base, "u110101")
    page.goto(f"{base}/rounds/{round.pk}/disputes/{dispute.pk}/")
    assert "复验核实统计口径有误" in page.inner_text("#decision")
    versions = page.inner_text("#versions")
    assert "v2" in versions and "v1" in versions and "当前" in versions
    shot(page, "dispute-5-unit-sees-v2")
    page.goto(f"{base}/rounds/{round.pk}/results/ranking/")
    shot(page, "dispute-6-unit-ranking")
    assert Submission.objects.get(round=round, unit=world.dongcheng).values == values
