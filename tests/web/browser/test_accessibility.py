"""An automated accessibility pass (axe-core, WCAG 2 A and AA) over the pages each role uses.

Every control must have a label or an accessible name, every chart a name, every page a
language and a title; a violation fails the test with the rule, the element and the page.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from kaoping.web.submissions import actions as sub
from kaoping.web.workflow.changes import do_request_reopen

from ..conftest import World
from .walk_helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page, axe: Axe) -> list[str]:
    results = axe.run(page, options=OPTIONS).response["violations"]
    return [
        f"{page.url} {v['id']}: {v['help']} — {n['target']} {n['html'][:120]}"
        for v in results
        for n in v["nodes"]
    ]


def test_the_pages_of_every_role_pass_an_automated_accessibility_check(live_server, page, settings):
    settings.KAOPING_JOBS_INLINE = True
    world = World()
    round = world.published()
    draft = sub.submission_for(world.collecting(2025), world.xicheng)
    do_request_reopen(round, target="scoring", reason="复核", acting_user=world.office)
    base, axe, found = live_server.url, Axe(), []
    dong = world.dongcheng.pk
    pages = {
        "office": [
            "/",
            "/rounds/",
            f"/rounds/{round.pk}/",
            f"/rounds/{round.pk}/data/",
            f"/rounds/{round.pk}/data/unit/{dong}/",
            f"/rounds/{round.pk}/results/",
            f"/rounds/{round.pk}/results/ranking/",
            f"/rounds/{round.pk}/results/unit/{dong}/",
            f"/rounds/{draft.round_id}/data/",
            "/units/",
            "/log/",
            "/overdue/",
            f"/rounds/{round.pk}/disputes/",
            "/accounts/me/",
            f"/experts/round/{round.pk}/",
            "/no/such/page/",
            "/accounts/",
            f"/rounds/{draft.round_id}/plan/",
            f"/rounds/{round.pk}/changes/",
        ],
        "committee": ["/", f"/rounds/{round.pk}/changes/"],
        "u110101": [
            "/",
            f"/rounds/{round.pk}/results/unit/{dong}/",
            f"/rounds/{draft.round_id}/data/unit/{dong}/",
            f"/rounds/{round.pk}/disputes/",
        ],
        "expert1": ["/", "/experts/mine/"],
    }
    for username, paths in pages.items():
        login(page, base, username)
        for path in paths:
            page.goto(base + path)
            found += violations(page, axe)
    assert not found, "\n".join(found)
