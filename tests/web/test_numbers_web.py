"""Every page writes numbers as the documents do (kaoping.scoring.display, issue 12): scores with
two decimals, ratios and weights as percentages, amounts with separators and two decimals,
people as integers, years plain. Pages are fetched and read back."""

from __future__ import annotations

import html
import re

from django.urls import reverse
from django.utils import translation

from kaoping.scoring import evaluate, load_scheme
from kaoping.scoring.display import fmt_amount, fmt_ratio, fmt_score
from kaoping.tables import read_base_data
from kaoping.web.common import after_label, join_details, join_list
from kaoping.web.letters.models import Target
from kaoping.web.templatetags.numbers import yuan

from .beijing_year import import_targets
from .conftest import EXAMPLES, demo_rows
from .test_beijing_year import new_round


def engine():
    scheme = load_scheme("mof-2012")
    return evaluate(scheme, read_base_data(EXAMPLES / "mof-2012-demo-2024.csv", scheme))


def table(page: str, table_id: str) -> str:
    """The text of one table of a page, tags stripped."""
    start = page.index(f'id="{table_id}"')
    body = page[start : page.index("</table>", start)]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_unit_result_page_writes_values_as_the_documents_do(world):
    round = world.scored()
    page = (
        world.client(world.office)
        .get(reverse("results:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    result = engine()
    u = result.index("110101")
    j = [i.code for i in result.scheme.indicators].index("A1")
    indicators = table(page, "indicators")
    # A1 is a share (display = "ratio"): 75.52%, its mean too; no four-decimal number left
    assert fmt_ratio(result.values[u, j]) in indicators
    assert fmt_ratio(result.stats["A1"]["mean"]) in indicators
    assert fmt_score(result.scores[u, j]) in indicators
    assert "个百分点" in indicators  # the spread of a rate is a difference of rates
    assert not re.search(r"\d\.\d{3,}", indicators), re.findall(r"\S*\d\.\d{3,}\S*", indicators)
    assert "40.00%" in indicators  # A1's weight within its group, as a percentage
    # the derivation: raw cells exact with separators, never in exponent form, and the value
    # as the documents write it beside the computed one
    derivation = html.unescape(page[page.index('id="derivation"') :])
    assert "e+0" not in derivation
    assert "12,277.8万元" in derivation
    assert f"（即 {fmt_ratio(result.values[u, j])}）" in derivation
    assert f'id="total">{fmt_score(result.totals[u])}<' in page


def test_ranking_and_scheme_pages(world):
    round = world.scored()
    client = world.client(world.office)
    result = engine()
    ranking = table(
        client.get(reverse("results:ranking", args=[round.pk])).content.decode(), "ranking"
    )
    for u in result.order():
        assert fmt_score(result.totals[u]) in ranking
    scheme = client.get(reverse("rounds:scheme", args=[round.pk])).content.decode()
    assert "40.00%" in scheme  # weights as percentages, not 0.4 or 0.0800
    assert not re.search(r">\s*0\.\d{4}\s*<", scheme)


def test_base_data_page_amounts_with_separators(world):
    round = world.collecting()
    world.submit_all(round)
    page = (
        world.client(world.office)
        .get(reverse("submissions:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    row = {r["unit_code"]: r for r in demo_rows(2024)}["110101"]
    raised = float(row["local_raised"])
    assert fmt_amount(raised, "") in page  # 12,277.80 beside the unit 万元
    assert ">12277.8<" not in page


def test_letters_pages_write_people_and_rates(world):
    round = new_round(world)
    from kaoping.web.workflow.actions import do_transition

    do_transition(round, "publish_scheme", acting_user=world.office)
    import_targets(world, round)
    target = Target.objects.get(round=round, unit=world.dongcheng, key="new_jobs")
    client = world.client(world.office)
    targets = table(
        client.get(reverse("letters:targets", args=[round.pk])).content.decode(), "targets"
    )
    assert f"{target.value:,.0f}" in targets  # 22,500 people, no decimals
    assert "3.50%" in targets  # the unemployment-rate target, a rate
    assert "4,500 / 6,750 / 5,625 / 5,625" in targets
    unit = client.get(reverse("letters:unit", args=[round.pk, world.dongcheng.pk])).content.decode()
    assert f"{target.value:,.0f}" in unit and "%" in unit


def test_amounts_and_lists_read_in_the_page_language():
    """The ``yuan`` filter and the list helpers follow the page's language: Chinese as
    before, English with English words and separators (issue 16)."""
    with translation.override("zh-hans"):
        assert yuan(111111) == "111,111.00元" and yuan(None) == "—"
        assert join_list(["C1", "C2"]) == "C1、C2"
        assert join_details(["甲", "乙"]) == "甲；乙"
        assert after_label("110101 东城区", "已核实") == "110101 东城区：已核实"
    with translation.override("en"):
        assert yuan(111111) == "111,111.00 yuan"
        assert join_list(["C1", "C2"]) == "C1, C2"
        assert join_details(["a", "b"]) == "a; b"
        assert after_label("110101", "verified") == "110101: verified"
