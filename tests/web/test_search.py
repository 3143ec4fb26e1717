"""Search, filters and paging on the lists that grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.disputes import actions as da
from kaoping.web.units.models import Unit

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
