"""The main lists cost the same number of SQL queries at 16 units as at 64.

At 3,000 units a query per row is thousands of queries (the submissions list once made
6,011); these tests count the queries of each growing page for two round sizes and require
the counts to be equal. bench/bench_web.py measures the times at 3,000 units.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaoping.scoring.experts import expert_rules, scoring_items
from kaoping.web.experts import actions as ex
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.rounds.actions import do_create_round
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Rectification, Submission, SubmissionStatus
from kaoping.web.units.models import Unit
from kaoping.web.workflow.actions import do_transition

from .conftest import days, demo_rows, numbers
from .test_experts import beijing_verified, policy_group, scored_and_closed

# On PostgreSQL too: the number of SQL queries of the growing lists.
pytestmark = pytest.mark.postgres


def big_round(world, copies: int, name: str):
    """A scored round of 16 × ``copies`` units (copies of the demo's rows).

    Every unit has a submission; one in 16 was returned and its rectification is overdue,
    so that each row of every list has something to show.
    """
    rows = demo_rows(2024)
    units, values = [], {}
    for k in range(copies):
        for r in rows:
            unit = Unit.objects.create(
                code=f"{name}{k:03d}{r['unit_code']}",
                name=f"{r['unit_name']}{k}",
                parent=world.beijing,
            )
            units.append(unit)
            values[unit.pk] = numbers(r)
    round = do_create_round(name=name, year=2024, units=units, acting_user=world.office)
    do_transition(round, "publish_scheme", acting_user=world.office)
    do_transition(round, "open_collection", acting_user=world.office)
    for unit in units:
        s = sub.submission_for(round, unit)
        sub.do_save_draft(s, values[unit.pk], acting_user=world.office)
        sub.do_submit(s, acting_user=world.office)
    late = [u for i, u in enumerate(units) if i % 16 == 3]
    for s in Submission.objects.filter(round=round, unit__in=late):
        sub.do_return(s, reasons={}, general="请核实", deadline=days(1), acting_user=world.agency)
    # Fixture shortcuts (not the workflow under test): the deadlines pass, the data are
    # verified so that the round can be scored, and the late ones stay returned.
    Rectification.objects.filter(submission__round=round).update(deadline=days(-2))
    Submission.objects.filter(round=round).update(status=SubmissionStatus.VERIFIED)
    do_transition(round, "start_verification", acting_user=world.office)
    do_transition(round, "start_scoring", acting_user=world.office)
    do_start_scoring_run(round, acting_user=world.agency)
    round.refresh_from_db()
    Submission.objects.filter(round=round, unit__in=late).update(status=SubmissionStatus.RETURNED)
    return round, units


def pages(round, units):
    unit = units[len(units) // 2]
    return {
        "submissions": reverse("submissions:list", args=[round.pk]),
        "submissions overdue": reverse("submissions:list", args=[round.pk]) + "?status=overdue",
        "submissions search": reverse("submissions:list", args=[round.pk]) + "?q=区",
        "units": reverse("units:list"),
        "ranking": reverse("results:ranking", args=[round.pk]),
        "unit result": reverse("results:unit", args=[round.pk, unit.pk]),
        "unit data": reverse("submissions:unit", args=[round.pk, unit.pk]),
        "round": reverse("rounds:detail", args=[round.pk]),
        "rounds": reverse("rounds:list"),
        "log": reverse("audit:log"),
        "overdue": reverse("overdue"),
        "home": reverse("home"),
    }


def query_counts(client, urls: dict) -> dict:
    counts = {}
    for name, url in urls.items():
        client.get(url)  # warm the per-process caches (scheme parsing, explanations)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


@pytest.mark.django_db
def test_the_main_lists_make_as_many_queries_at_64_units_as_at_16(world):
    client = world.client(world.office)
    small = query_counts(client, pages(*big_round(world, 1, "S")))
    large = query_counts(client, pages(*big_round(world, 4, "L")))
    assert large == small
    # ...and few of them: a page is a handful of queries, not one per row.
    assert max(large.values()) <= 20, large


def scored_group(world, round, group, units):
    """``group``'s two experts score ``units`` (80% and 90% of each item's maximum); closed."""
    maxima = {i.code: i.max for i in scoring_items(round.scheme())}
    experts = (world.expert1, world.expert2)
    ex.do_assign(group, experts, units, acting_user=world.office)
    share = {"expert1": 0.8, "expert2": 0.9}
    scores = {
        e.username: {(u, i): share[e.username] * maxima[i] for u in units for i in group.items}
        for e in experts
    }
    return scored_and_closed(world, round, group, scores)


def expert_pages(round, group) -> dict:
    url = reverse("experts:group", args=[group.pk])
    return {
        "groups": reverse("experts:groups", args=[round.pk]),
        "groups search": reverse("experts:groups", args=[round.pk]) + "?q=expert",
        "group": url,
        "group search": url + "?q=区",
        "group page 2": url + "?page=2&apage=2",
    }


@pytest.mark.django_db
def test_the_expert_pages_make_as_many_queries_for_16_scored_units_as_for_2(world):
    """A group whose experts scored 2 units, then one whose experts scored all 16 (four times
    the scores and aggregates); the expert's own list grows from 2 tasks to 18."""
    round = beijing_verified(world)
    small_group = scored_group(world, round, policy_group(world, round), world.districts[:2])
    office, expert = world.client(world.office), world.client(world.expert1)
    mine = {"mine": reverse("experts:mine"), "mine search": reverse("experts:mine") + "?q=区"}
    small = query_counts(office, expert_pages(round, small_group)) | query_counts(expert, mine)
    panel = next(p for p in expert_rules(round.scheme()).panels if not set(p.items) & {"B1", "B2"})
    big_group = ex.do_create_group(
        round, name=panel.name, items=list(panel.items), acting_user=world.office
    )
    ex.do_add_members(big_group, [world.expert1, world.expert2], acting_user=world.office)
    big_group = scored_group(world, round, big_group, world.districts)
    large = query_counts(office, expert_pages(round, big_group)) | query_counts(expert, mine)
    assert large == small
    assert max(large.values()) <= 20, large


@pytest.mark.django_db
def test_a_units_result_page_makes_as_many_queries_whatever_the_number_of_its_rounds(world):
    """The trend looks up the unit's total in every round it is in: one query for all."""
    round, units = big_round(world, 1, "S")
    unit = units[3]
    pages = {"unit result": reverse("results:unit", args=[round.pk, unit.pk])}
    client = world.client(world.office)
    one = query_counts(client, pages)
    for year in (2020, 2021, 2022, 2023):
        do_create_round(name=f"往年{year}", year=year, units=units, acting_user=world.office)
    assert query_counts(client, pages) == one
