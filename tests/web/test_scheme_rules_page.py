"""The scheme page sets every yearly part of a scheme: besides weights, standards, grades,
tiers and bonus bounds, each indicator's formula and normalisation, the vetoes, the conditions
for any award and the expert panels; checked by the loader's rules, every problem at once."""

from __future__ import annotations

from django.urls import reverse

from kaoping.scoring.awards import award_rules
from kaoping.scoring.experts import expert_rules
from kaoping.web.audit.models import AuditEntry

from .test_beijing_year import new_round, settings_post


def test_vetoes_requirements_formulas_normalisation_and_panels_are_set_on_the_page(world):
    round = new_round(world)
    client = world.client(world.office)
    url = reverse("schemes:edit", args=[round.pk])
    page = client.get(url).content.decode()
    for table in ('id="methods"', 'id="vetoes"', 'id="requirements"', 'id="panels"'):
        assert table in page
    assert 'value="adverse_incidents &gt; 0"' in page  # the built-in veto, editable
    changed = settings_post(
        round,
        veto_0_condition="adverse_incidents > 1",
        veto_1_condition="complaint_cases > 3",
        veto_1_label="投诉查实超过 3 件",
        req_0_label="未完成新增就业目标",
        formula_C1="job_referral_placed / job_referral_registered * 100",
        params_C1="floor = 30, target = 70",
        norm_B3="minmax",
        params_B3="",
        scoring_norm="zscore",
        panel_2_items="C3、C4",
        panel_4_key="innovation",
        panel_4_name="创新举措评审小组",
        panel_4_items="C5",
    )
    preview = client.post(url, {**changed, "preview": "1"}).content.decode()
    assert 'id="preview"' in preview and 'id="scheme-problems"' not in preview
    for key in (
        "veto_1_condition",
        "req_0_label",
        "formula_C1",
        "norm_B3",
        "panel_4_items",
        "scoring_norm",
    ):
        assert key in preview
    round.refresh_from_db()
    assert len(award_rules(round.scheme()).vetoes) == 1  # a preview saves nothing
    client.post(url, {**changed, "save": "1"})
    round.refresh_from_db()
    scheme = round.scheme()
    rules = award_rules(scheme)
    assert [v.condition.text for v in rules.vetoes] == [
        "adverse_incidents > 1",
        "complaint_cases > 3",
    ]
    assert [v.label for v in rules.vetoes][1] == "投诉查实超过 3 件"
    assert rules.requires[0].label == "未完成新增就业目标"
    c1, b3 = scheme.indicator("C1"), scheme.indicator("B3")
    assert c1.formula.text == "job_referral_placed / job_referral_registered * 100"
    assert dict(c1.params) == {"floor": 30, "target": 70}
    assert b3.normalisation == "minmax" and scheme.scoring.normalisation == "zscore"
    panels = {p.code: list(p.items) for p in expert_rules(scheme).panels}
    assert panels["services"] == ["C3", "C4"] and panels["innovation"] == ["C5"]
    entry = AuditEntry.objects.get(action="schemes.adjust")
    changes = {c[0]: c[1:] for c in entry.data["changes"]}
    assert changes["veto_0_condition"] == ["adverse_incidents > 0", "adverse_incidents > 1"]
    assert changes["panel_4_key"] == ["—", "innovation"]
    assert changes["norm_B3"] == ["direct", "minmax"]
    # The saved page lists the differences from the built-in scheme, in words.
    saved = client.get(url).content.decode()
    assert "一票否决 2：条件" in saved
    assert "complaint_cases &gt; 3" in saved


def test_every_problem_of_the_rules_shows_at_once_and_nothing_is_saved(world):
    round = new_round(world)
    before = round.scheme_text
    client = world.client(world.office)
    url = reverse("schemes:edit", args=[round.pk])
    data = settings_post(
        round,
        w_A=50,
        veto_0_condition="no_such_field > 0",
        formula_C1="job_referral_placed / missing_field",
        params_C1="floor = ",
        norm_C2="no-such-method",
        panel_1_items="B1、Z9",
        panel_4_key="policy",
        panel_4_items="",
        save="1",
    )
    page = client.post(url, data).content.decode()
    round.refresh_from_db()
    assert round.scheme_text == before
    problems = page[page.index('id="scheme-problems"') :]
    problems = problems[: problems.index("</ul>")]
    assert "权重之和为 120" in problems
    assert "no_such_field" in problems  # the veto's unknown field
    assert "missing_field" in problems  # the formula's unknown field
    assert "C1" in problems and "写法有误" in problems  # unreadable parameters, in Chinese
    assert "Z9" in problems  # a panel scoring an item that does not exist
    assert "policy" in problems  # a panel code given twice / without items
    assert "no-such-method" in page  # the choice refused beside its field
    assert problems.count("<li>") >= 5, problems
    assert not AuditEntry.objects.filter(action="schemes.adjust").exists()
