"""Search, filters and paging on the lists that grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.adjustments.actions import do_add_adjustment
from kaoping.web.disputes import actions as da
from kaoping.web.experts import actions as ex
from kaoping.web.units.models import Unit

from .beijing_year import import_targets
from .test_experts import beijing_verified, policy_group
from .test_scale import scored_group

# On PostgreSQL too: filters and searches (LIKE on Chinese text), ordering, paging.
pytestmark = pytest.mark.postgres


def rows(page: str, table_id: str) -> str:
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]


def test_the_ranking_searches_by_code_or_name(world):
    round = world.published()
    page = (
        world.client(world.office)
        .get(reverse("results:ranking", args=[round.pk]) + "?q=东城")
        .content.decode()
    )
    table = rows(page, "ranking")
    assert "东城区" in table and "西城区" not in table


def test_the_units_list_searches_and_pages(world):
    page = world.client(world.office).get(reverse("units:list") + "?q=110105").content.decode()
    assert "朝阳区" in page and "海淀区" not in page
    Unit.objects.bulk_create(Unit(code=f"9{i:05d}", name=f"某县{i}") for i in range(60))
    first = world.client(world.office).get(reverse("units:list")).content.decode()
    assert "第 1 / 2 页（共 77 条）" in first and "某县59" not in first
    second = world.client(world.office).get(reverse("units:list") + "?page=2").content.decode()
    assert "某县59" in second


def test_disputes_filter_by_status_and_search(world):
    round = world.published()
    da.do_file_dispute(round, world.dongcheng, reasons="数据口径有误", acting_user=world.dong_user)
    client = world.client(world.office)
    url = reverse("disputes:list", args=[round.pk])
    assert "东城区" in rows(client.get(url + "?q=口径").content.decode(), "disputes")
    assert "东城区" not in rows(client.get(url + "?status=rejected").content.decode(), "disputes")
    assert "东城区" in rows(client.get(url + "?status=filed").content.decode(), "disputes")


def test_a_bad_filter_value_is_ignored_not_a_server_error(world):
    round = world.collecting()
    response = world.client(world.office).get(
        reverse("submissions:list", args=[round.pk]) + "?status=nonsense&page=abc"
    )
    assert response.status_code == 200 and "东城区" in response.content.decode()


def test_an_expert_groups_scores_and_result_search_and_page(world):
    round = beijing_verified(world)
    group = scored_group(world, round, policy_group(world, round), world.districts)
    client = world.client(world.office)
    url = reverse("experts:group", args=[group.pk])
    page = client.get(url).content.decode()
    # 16 units × 2 items × 2 experts = 64 scores, 32 aggregates: 50 a page.
    assert "第 1 / 2 页（共 64 条）" in page and "第 1 / 1 页" not in page
    assert 'href="?apage=2&amp;' not in page  # 32 aggregates fit on one page
    members = rows(page, "assignments")  # each member's first 10 units named, then the count
    assert members.count("…（共 16 个单位）") == 2 and "延庆区" not in members
    second = client.get(url + "?page=2").content.decode()
    assert "第 2 / 2 页（共 64 条）" in second
    found = client.get(url + "?q=东城").content.decode()
    assert "东城区" in rows(found, "scores") and "西城区" not in rows(found, "scores")
    assert "东城区" in rows(found, "aggregate") and "西城区" not in rows(found, "aggregate")
    by_expert = client.get(url + "?q=expert2").content.decode()
    assert by_expert.count("<td>expert2</td>") == 32 and "<td>expert1</td>" not in by_expert


def test_the_expert_groups_and_recusals_search(world):
    round = beijing_verified(world)
    policy_group(world, round)
    ex.do_record_recusal(
        round, world.expert2, world.xicheng, reason="曾任职", acting_user=world.office
    )
    client = world.client(world.office)
    url = reverse("experts:groups", args=[round.pk])
    assert "政策落实考核小组" in rows(client.get(url + "?q=政策").content.decode(), "groups")
    assert "政策落实考核小组" not in rows(client.get(url + "?q=无此组").content.decode(), "groups")
    assert "西城区" in rows(client.get(url + "?q=西城").content.decode(), "recusals")
    assert "西城区" not in rows(client.get(url + "?q=东城").content.decode(), "recusals")
    mine = world.client(world.expert1).get(reverse("experts:mine") + "?q=西城").content.decode()
    assert "西城区" in mine and "东城区" not in mine


def test_targets_and_bonus_points_search(world):
    round = world.collecting(2024, scheme_code="beijing-district-comprehensive")
    import_targets(world, round)
    client = world.client(world.office)
    url = reverse("letters:targets", args=[round.pk])
    found = rows(client.get(url + "?q=东城").content.decode(), "targets")
    assert "东城区" in found and "西城区" not in found
    for unit, reason in ((world.dongcheng, "重大活动保障"), (world.xicheng, "临时招聘")):
        do_add_adjustment(
            round,
            unit,
            points=2,
            reason=reason,
            reference="京就领办〔2024〕5号",
            acting_user=world.office,
        )
    url = reverse("adjustments:list", args=[round.pk])
    found = rows(client.get(url + "?q=招聘").content.decode(), "adjustments")
    assert "西城区" in found and "东城区" not in found
