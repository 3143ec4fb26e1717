"""A unit's result page: one trend line per evaluation, and 环比 where a distinct earlier
period exists (for annual rounds with a year-on-year round, 环比 equals 同比 and is not
repeated)."""

from __future__ import annotations

import re

from django.urls import reverse

from kaoping.scoring.schemes import scheme_text


def other_evaluation() -> str:
    """The same indicators under another evaluation's code and name (a second scheme)."""
    text = scheme_text("mof-2012")
    text = text.replace('code = "mof-2012"', 'code = "district-check"', 1)
    return re.sub(r'(?m)^name = ".*"$', 'name = "区县就业工作考核"', text, count=1)


def unit_page(world, round):
    url = reverse("results:unit", args=[round.pk, world.dongcheng.pk])
    return world.client(world.office).get(url).content.decode()


def test_two_evaluations_of_the_same_year_are_two_lines_with_each_year_labelled_once(world):
    earlier = world.published(2023)
    current = world.published(2024, previous=earlier)
    world.published(2024, scheme_code="district-check", scheme_text=other_evaluation())
    page = unit_page(world, current)
    named = page.index('aria-label="各年总分')
    chart = page[page.rindex("<svg", 0, named) : page.index("</svg>", named)]
    assert chart.count("<polyline") == 2
    assert chart.count(">2024</text>") == 1 and chart.count(">2023</text>") == 1
    assert "区县就业工作考核" in chart and "就业专项资金绩效评价" in chart


def test_sequential_change_is_shown_only_when_the_previous_period_is_not_last_years_round(world):
    earlier = world.published(2023)
    with_previous = world.published(2024, previous=earlier)
    stat = unit_page(world, with_previous).split('id="sequential"')[1].split("</div>")[0]
    assert "—" in stat and "上期即上年" in stat
    without = world.published(2024)  # no year-on-year round set: 2023 is a distinct period
    stat = unit_page(world, without).split('id="sequential"')[1].split("</div>")[0]
    assert earlier.name in stat and re.search(r"[+-]\d+\.\d\d", stat)
