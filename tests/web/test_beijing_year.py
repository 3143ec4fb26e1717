"""The Beijing assessment year on the web: schemes set on the page, responsibility letters,
bonus / deduction points, price factors, awards with criticism, the leading group's approval,
the reward fund, honours and certificates. Through the Django client and the ``do_*`` actions.
"""

from __future__ import annotations

import csv
import io
import tomllib
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kaoping.scoring.allocation import Recipient, allocate
from kaoping.web.accounts.models import Role
from kaoping.web.adjustments.actions import do_add_adjustment, do_withdraw_adjustment
from kaoping.web.audit.models import AuditEntry
from kaoping.web.awards.actions import (
    decisions_of,
    do_decision_transition,
    do_nominate,
    do_propose_awards,
    do_set_reward_fund,
)
from kaoping.web.awards.models import LineKind
from kaoping.web.common import ActionError
from kaoping.web.letters.actions import do_file_plan, do_import_targets, do_report_progress
from kaoping.web.letters.models import Target
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.results.frozen import frozen_result
from kaoping.web.results.models import RunSnapshot
from kaoping.web.schemes.actions import do_create_round_from, do_set_price_factor
from kaoping.web.submissions import actions as sub
from kaoping.web.units.models import Unit
from kaoping.web.workflow.actions import do_transition

from .beijing_year import import_targets, score_every_item
from .conftest import EXAMPLES, make_user, numbers

BEIJING = "beijing-district-comprehensive"


def example_rows(name: str) -> dict[str, dict]:
    with open(EXAMPLES / "beijing" / name, encoding="utf-8-sig") as handle:
        return {r["unit_code"]: r for r in csv.DictReader(handle)}


def new_round(world, code=BEIJING, year=2024, units=None, name=None):
    return do_create_round_from(
        kind="builtin",
        code=code,
        name=name or f"{year}年度{code}",
        year=year,
        units=units or world.districts,
        acting_user=world.office,
    )


def collected(world, round, rows_file="district-2024.csv", targets=True):
    do_transition(round, "publish_scheme", acting_user=world.office)
    do_transition(round, "open_collection", acting_user=world.office)
    if targets:
        import_targets(world, round)
    rows = example_rows(rows_file)
    for unit in round.units.all():
        s = sub.submission_for(round, unit)
        sub.do_save_draft(s, numbers(rows[unit.code]), acting_user=world.unit_users[unit.code])
        sub.do_submit(s, acting_user=world.unit_users[unit.code])
        sub.do_verify(s, acting_user=world.agency)
    return round


def approved(world, round):
    """Verification, expert scoring of every item, a scoring run, the committee's approval."""
    do_transition(round, "start_verification", acting_user=world.office)
    score_every_item(world, round)
    do_transition(round, "start_scoring", acting_user=world.office)
    run = do_start_scoring_run(round, acting_user=world.agency)
    run.refresh_from_db()
    assert run.status == "done", run.message
    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    round.refresh_from_db()
    return round


@pytest.fixture
def leader(world):
    return make_user("leader", Role.LEADING_GROUP)


# --- schemes on the page ----------------------------------------------------------------------


def test_the_new_round_page_names_built_in_schemes_and_starts_from_one(world):
    client = world.client(world.office)
    page = client.get(reverse("schemes:new_round")).content.decode()
    assert "北京市区县就业工作综合考核（beijing-district-comprehensive）" in page
    response = client.post(
        reverse("schemes:new_round"),
        {
            "name": "2024年度区县考核",
            "year": 2024,
            "source": "builtin",
            "builtin": BEIJING,
            "parent": world.beijing.pk,
        },
    )
    round = world.beijing.children.first().rounds.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/schemes/{round.pk}/")
    assert round.scheme_origin.kind == "builtin" and round.units.count() == 16
    assert round.scheme().code == BEIJING


def settings_post(round, **changes) -> dict:
    from kaoping.web.schemes.edit import settings_of

    values = {
        k: ("" if v is None else v)
        for k, v in settings_of(tomllib.loads(round.scheme_text)).items()
    }
    values.update(changes)
    return values


def test_the_settings_form_shows_every_problem_at_once_and_saves_nothing(world):
    round = new_round(world)
    before = round.scheme_text
    client = world.client(world.office)
    data = settings_post(round, w_A=50, tier_0_share=150, tier_1_min=95, save="1")
    page = client.post(reverse("schemes:edit", args=[round.pk]), data).content.decode()
    round.refresh_from_db()
    assert round.scheme_text == before
    problems = page[page.index('id="scheme-problems"') :]
    problems = problems[: problems.index("</ul>")]
    assert problems.count("<li>") >= 3, problems
    assert "权重之和为 120" in problems  # the top groups' weights no longer add up to 100
    assert "share 150" in problems and "从高到低" in problems  # the tiers' share and order


def test_the_mof_constraint_w3_plus_w4_above_half_is_checked_on_the_page(world):
    round = new_round(world, code="mof-2012")
    client = world.client(world.office)
    data = settings_post(round, w_A=30, w_B=30, w_C=20, w_D=20, save="1")
    page = client.post(reverse("schemes:edit", args=[round.pk]), data).content.decode()
    assert "C + D &gt; 50" in page or "C + D > 50" in page
    round.refresh_from_db()
    assert round.scheme_text == new_round(world, code="mof-2012").scheme_text


def test_preview_then_save_then_publish_freezes_the_adjusted_scheme(world):
    round = new_round(world)
    client = world.client(world.office)
    url = reverse("schemes:edit", args=[round.pk])
    changed = settings_post(round, w_A=35, w_B=20, tier_0_coefficient=2, max_total=4)
    page = client.post(url, {**changed, "preview": "1"}).content.decode()
    assert 'id="preview"' in page and "w_A" in page and "tier_0_coefficient" in page
    round.refresh_from_db()
    assert round.scheme().group("A").weight == pytest.approx(0.30)  # a preview saves nothing
    client.post(url, {**changed, "save": "1"})
    round.refresh_from_db()
    scheme = round.scheme()
    assert scheme.group("A").weight == pytest.approx(0.35) and scheme.group(
        "B"
    ).weight == pytest.approx(0.20)
    assert scheme.sections["awards"]["tiers"][0]["coefficient"] == 2
    assert scheme.sections["adjustments"]["max_total"] == 4
    entry = AuditEntry.objects.filter(action="schemes.adjust").get()
    assert ["w_A", "30", "35"] in entry.data["changes"]
    assert "w_A" in client.get(url).content.decode()  # the difference from the built-in one
    do_transition(round, "publish_scheme", acting_user=world.office)
    round.refresh_from_db()
    assert round.scheme_sha256 and round.scheme_sha256 in client.get(url).content.decode()
    assert client.post(url, {**changed, "save": "1"}).status_code == 403  # frozen


def test_an_uploaded_scheme_extending_a_built_in_one_is_stored_resolved(world):
    text = (
        '[scheme]\nextends = "beijing-district-comprehensive"\ncode = "bj-2025"\n'
        'name = "北京市2025年区县考核"\nversion = "2025.1"\n\n[weights]\nA = 40\nB = 20\nC = 20\nD = 20\n'
    )
    round = do_create_round_from(
        kind="upload",
        upload=(text.encode(), "2025方案.toml"),
        name="2025",
        year=2025,
        units=world.districts,
        acting_user=world.office,
    )
    assert round.scheme_code == "bj-2025" and round.scheme().group("A").weight == pytest.approx(0.4)
    assert len(round.scheme().indicators) == 13
    bad = text.replace("A = 40", "A = 45")
    with pytest.raises(ActionError) as refused:
        do_create_round_from(
            kind="upload",
            upload=(bad.encode(), "bad.toml"),
            name="x",
            year=2025,
            units=world.districts,
            acting_user=world.office,
        )
    assert "bad.toml" in str(refused.value)


def test_a_round_can_start_from_last_years_rounds_scheme(world):
    last = new_round(world, year=2023)
    changed = settings_post(last, w_A=35, w_B=20)
    from kaoping.web.schemes.actions import do_adjust_scheme
    from kaoping.web.schemes.forms import SchemeSettingsForm

    form = SchemeSettingsForm(tomllib.loads(last.scheme_text), changed)
    assert form.is_valid(), form.errors
    do_adjust_scheme(last, form.cleaned_data, acting_user=world.office)
    last.refresh_from_db()
    this = do_create_round_from(
        kind="previous",
        source_round=last,
        name="2024",
        year=2024,
        units=world.districts,
        acting_user=world.office,
        previous=last,
    )
    assert this.scheme_text == last.scheme_text
    assert this.scheme().group("A").weight == pytest.approx(0.35)


def test_price_factors_are_the_evaluators_and_reach_the_scoring_run(world):
    round = world.collecting(2024)  # mof-2012
    form = (
        world.client(world.dong_user)
        .get(reverse("submissions:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    assert 'name="price_factor"' not in form
    do_set_price_factor(
        round, world.dongcheng, factor=1.2, reason="物价指数", acting_user=world.agency
    )
    with pytest.raises(ActionError):
        do_set_price_factor(round, world.dongcheng, factor=0, reason="", acting_user=world.agency)
    world.submit_all(round)
    do_transition(round, "start_verification", acting_user=world.office)
    do_transition(round, "start_scoring", acting_user=world.office)
    run = do_start_scoring_run(round, acting_user=world.agency)
    data = RunSnapshot.objects.get(run=run).data
    codes = [u[0] for u in data["units"]]
    assert data["columns"]["price_factor"][codes.index("110101")] == 1.2
    assert data["columns"]["price_factor"][codes.index("110102")] == 1.0  # the scheme's default
    page = (
        world.client(world.agency).get(reverse("schemes:prices", args=[round.pk])).content.decode()
    )
    assert "1.2" in page and "物价指数" in page


# --- responsibility letters ---------------------------------------------------------------


def test_targets_imported_plans_filed_progress_reported_and_levels_held(world):
    round = new_round(world)
    do_transition(round, "publish_scheme", acting_user=world.office)
    assert import_targets(world, round) == 32  # new jobs and the unemployment rate, 16 each
    target = Target.objects.get(round=round, unit=world.dongcheng, key="new_jobs")
    assert target.value == 22500 and target.plan == [4500, 6750, 5625, 5625] and not target.level
    imported_rate = Target.objects.get(
        round=round, unit=world.dongcheng, key="registered_unemployment_rate"
    )
    assert imported_rate.level and imported_rate.held  # 2.4% against at most 3.5%
    with pytest.raises(ActionError) as refused:
        do_file_plan(target, [5000, 5000, 5000, 5000], acting_user=world.dong_user)
    assert "22500" in str(refused.value)  # the plan must add up to the target
    client = world.client(world.dong_user)
    response = client.post(
        reverse("letters:plan", args=[round.pk, target.pk]),
        {
            f"p{target.pk}-q1": 5000,
            f"p{target.pk}-q2": 6000,
            f"p{target.pk}-q3": 6000,
            f"p{target.pk}-q4": 5500,
            f"p{target.pk}-attachment": _file("分解计划.pdf", b"%PDF-1.4 plan"),
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.plan == [5000, 6000, 6000, 5500] and target.plan_attachment
    do_report_progress(target, actual=10000, through="Q2", acting_user=world.dong_user)
    target.refresh_from_db()
    assert target.progress.expected == 11000 and not target.progress.on_track
    page = client.get(reverse("letters:unit", args=[round.pk, world.dongcheng.pk])).content.decode()
    assert "behind plan" in page or "落后于计划" in page
    # Another unit may not file for 东城区.
    other = world.client(world.xi_user)
    assert (
        other.post(
            reverse("letters:progress", args=[round.pk, target.pk]), {f"g{target.pk}-actual": 1}
        ).status_code
        == 403
    )
    # A level target (a rate to hold, lower is better) is held or not.
    from kaoping.web.letters.actions import do_set_target

    rate = do_set_target(
        round,
        world.dongcheng,
        key="unemployment_rate",
        name="城镇登记失业率",
        value=3.0,
        direction="lower",
        level=True,
        acting_user=world.office,
    )
    do_report_progress(rate, actual=2.6, through="", acting_user=world.dong_user)
    rate.refresh_from_db()
    assert rate.held is True
    page = (
        world.client(world.office).get(reverse("letters:targets", args=[round.pk])).content.decode()
    )
    assert "城镇登记失业率" in page and ("held" in page or "已守住" in page)


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_bad_targets_file_names_every_problem_and_saves_nothing(world):
    round = new_round(world)
    bad = "单位编码,目标代码,目标值,第一季度,第二季度,第三季度,第四季度\n110101,new_jobs,abc,,,,\n110102,new_jobs,100,10,10,10,10\n"
    client = world.client(world.office)
    response = client.post(
        reverse("letters:targets", args=[round.pk]),
        {"import": "1", "file": _file("目标.csv", bad.encode())},
        follow=True,
    )
    page = response.content.decode()
    assert "目标.csv" in page and "abc" in page
    assert not Target.objects.filter(round=round).exists()


# --- bonus and deduction ----------------------------------------------------------------------


def test_bonus_points_are_bounded_by_the_scheme_and_need_reason_and_document(world):
    round = new_round(world)
    do_transition(round, "publish_scheme", acting_user=world.office)
    do_transition(round, "open_collection", acting_user=world.office)
    do_add_adjustment(
        round,
        world.dongcheng,
        points=4,
        reason="重大活动保障",
        reference="京就领办〔2024〕5号",
        acting_user=world.office,
    )
    with pytest.raises(ActionError) as refused:
        do_add_adjustment(
            round,
            world.dongcheng,
            points=2,
            reason="又一项",
            reference="京就领办〔2024〕6号",
            acting_user=world.office,
        )
    assert "±5" in str(refused.value)
    client = world.client(world.office)
    page = client.post(
        reverse("adjustments:list", args=[round.pk]),
        {"unit": world.xicheng.pk, "points": 1, "reason": "x", "reference": ""},
    ).content.decode()
    assert 'id="adjustment-problems"' in page and ("依据文件" in page)
    adjustment = round.adjustments.get()
    with pytest.raises(ActionError):
        do_withdraw_adjustment(adjustment, reason="", acting_user=world.office)
    assert (
        world.client(world.dong_user).get(reverse("adjustments:list", args=[round.pk])).status_code
        == 403
    )


# --- the whole year to the awards ---------------------------------------------------------


@pytest.fixture
def year(world):
    return approved_year(world)


def approved_year(world):
    """The 2024 district round, with a bonus entry, approved by the committee."""
    round = collected(world, new_round(world))
    do_add_adjustment(
        round,
        world.districts[2],
        points=3,
        reason="圆满完成重大活动期间临时招聘保障任务",
        reference="京就领办〔2024〕5号",
        acting_user=world.office,
    )
    return approved(world, round)


def test_the_award_decision_from_proposal_to_publication(world, year, leader):
    round = year
    assert (
        world.client(world.committee).post(reverse("awards:propose", args=[round.pk])).status_code
        == 403
    )
    decision = do_propose_awards(round, acting_user=world.office)
    core = decisions_of(decision.run)
    winners = [d for d in core.decisions if d.tier]
    tiers = decision.lines.filter(kind=LineKind.TIER)
    assert sorted((ln.unit.code, ln.title) for ln in tiers) == sorted(
        (d.unit_code, d.tier) for d in winners
    )
    criticised = {ln.unit.code: ln.reason for ln in decision.lines.filter(kind=LineKind.CRITICISM)}
    assert criticised == {d.unit_code: d.reason_text("zh") for d in core.criticised}
    # The bonus is in the totals the decision uses (the run's explanation lists it).
    result = frozen_result(decision.run)
    assert result.bonus[result.index(world.districts[2].code)] == 3
    do_nominate(
        decision,
        kind="individual",
        person="张某某",
        organisation="朝阳区职业介绍中心",
        title="就业工作先进个人",
        reason="全年推荐就业 1,200 人",
        acting_user=world.office,
    )
    do_nominate(
        decision,
        kind="unit",
        unit=world.districts[5],
        title="就业工作先进单位",
        reason="困难群体托底安置率 100%",
        acting_user=world.office,
    )
    # The leading group approves only after the committee's review and with the fund set.
    with pytest.raises(ActionError):
        do_decision_transition(decision, "approve", acting_user=leader)
    do_decision_transition(decision, "review", acting_user=world.committee, reason="同意")
    with pytest.raises(ActionError) as refused:
        do_decision_transition(decision, "approve", acting_user=leader)
    assert "fund" in str(refused.value) or "奖励资金" in str(refused.value)
    shares = do_set_reward_fund(decision, "1000000", acting_user=leader)
    assert sum(a.amount for a in shares) == Decimal(1000000)
    expected = allocate(
        1000000,
        [Recipient(ln.unit.code, ln.unit.name, ln.coefficient, tier=ln.title) for ln in tiers],
    )
    assert [(a.unit.code, a.amount) for a in shares] == [(s.code, s.amount) for s in expected]
    with pytest.raises(ActionError):  # a committee member is not the leading group
        do_decision_transition(decision, "publish", acting_user=world.office)
    do_decision_transition(decision, "approve", acting_user=leader, reason="领导小组会议通过")
    with pytest.raises(ActionError):  # the ranking is published first
        do_decision_transition(decision, "publish", acting_user=world.office)
    do_transition(round, "publish_results", acting_user=world.office)
    do_decision_transition(decision, "publish", acting_user=world.office)
    decision.refresh_from_db()
    assert decision.state == "published"
    steps = [(s.action, s.actor.username) for s in decision.steps.all()]
    assert steps == [
        ("propose", "office"),
        ("review", "committee"),
        ("fund", "leader"),
        ("approve", "leader"),
        ("publish", "office"),
    ]
    actions = set(
        AuditEntry.objects.filter(action__startswith="awards.").values_list("action", flat=True)
    )
    assert {
        "awards.propose",
        "awards.nominate",
        "awards.review",
        "awards.fund",
        "awards.approve",
        "awards.publish",
    } <= actions
    # The finance officer's workbook: numbers that sum to the fund.
    response = world.client(leader).get(reverse("awards:allocation_xlsx", args=[round.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    amounts = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sum(amounts[:-1]) == amounts[-1] == 1000000


def test_the_committee_and_roles_cannot_take_the_leading_groups_step(world, year, leader):
    decision = do_propose_awards(year, acting_user=world.office)
    client = world.client(world.committee)
    assert client.post(reverse("awards:fund", args=[year.pk]), {"total": 100}).status_code == 403
    assert client.post(reverse("awards:transition", args=[year.pk, "approve"])).status_code == 403
    both = make_user("both", Role.COMMITTEE)
    both.memberships.create(role=Role.LEADING_GROUP)
    do_decision_transition(decision, "review", acting_user=both)
    do_set_reward_fund(decision, "500000", acting_user=leader)
    with pytest.raises(ActionError):  # who reviewed does not approve
        do_decision_transition(decision, "approve", acting_user=both)
    with pytest.raises(ActionError):  # sending back needs a reason
        do_decision_transition(decision, "send_back", acting_user=leader)
    do_decision_transition(decision, "send_back", acting_user=leader, reason="补充提名")
    decision.refresh_from_db()
    assert decision.state == "proposed"


def test_certificates_for_every_winner_and_honour_one_by_one_or_as_zip(
    world, year, leader, settings
):
    settings.KAOPING_REPORT_ISSUER = "北京市就业工作领导小组"  # no certificate without an issuer
    decision = do_propose_awards(year, acting_user=world.office)
    do_nominate(
        decision,
        kind="individual",
        person="张某某",
        title="就业工作先进个人",
        reason="全年推荐就业 1,200 人",
        acting_user=world.office,
    )
    do_decision_transition(decision, "review", acting_user=world.committee)
    do_set_reward_fund(decision, "1000000", acting_user=leader)
    do_decision_transition(decision, "approve", acting_user=leader)
    do_transition(year, "publish_results", acting_user=world.office)
    do_decision_transition(decision, "publish", acting_user=world.office)
    client = world.client(world.office)
    client.post(reverse("awards:certificates", args=[year.pk]))
    job = decision.certificate_jobs.get()
    assert job.status == "done", job.message
    winners = decision.lines.exclude(kind=LineKind.CRITICISM).count()
    assert len(job.contents) == winners + 1
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("awards:certificates_zip", args=[year.pk, job.pk])).content)
    )
    assert sorted(archive.namelist()) == sorted(job.contents)
    one = client.get(reverse("awards:certificate_file", args=[year.pk, job.pk, len(job.contents)]))
    assert one.content.startswith(b"%PDF")
    from pypdf import PdfReader

    assert "张某某" in PdfReader(io.BytesIO(one.content)).pages[0].extract_text()
    register = (
        world.client(world.dong_user).get(reverse("awards:honours", args=[2024])).content.decode()
    )
    assert "张某某" in register and "就业工作先进个人" in register


def test_the_special_assessments_of_the_year_feed_the_award_decision(world, year):
    fund = new_round(world, code="beijing-fund-performance", name="2024年度资金绩效评价")
    collected(world, fund, "fund-performance-2024.csv", targets=False)
    approved(world, fund)
    do_transition(fund, "publish_results", acting_user=world.office)
    decision = do_propose_awards(year, acting_user=world.office)
    specials = decision.lines.filter(kind=LineKind.SPECIAL, source=fund)
    core = decisions_of(fund.publications.get().run)
    assert sorted(ln.unit.code for ln in specials) == sorted(d.unit_code for d in core.winners)
    assert specials.exists()
    page = (
        world.client(world.office).get(reverse("awards:decision", args=[year.pk])).content.decode()
    )
    assert "2024年度资金绩效评价" in page


def test_member_units_letters_feed_their_round_and_the_years_award_decision(world, year):
    """成员单位: their letters' completion fills target_completion; their published round's
    award (完成目标责任单位) joins the year's decision beside the districts' awards."""
    rows = example_rows("member-units-2024.csv")
    members = [Unit.objects.create(code=c, name=r["unit_name"]) for c, r in rows.items()]
    for unit in members:
        world.unit_users[unit.code] = make_user(f"u{unit.code}", Role.UNIT, unit)
    member_round = new_round(
        world, code="member-unit-targets", units=members, name="2024年度成员单位考核"
    )
    do_transition(member_round, "publish_scheme", acting_user=world.office)
    do_transition(member_round, "open_collection", acting_user=world.office)
    letters = EXAMPLES / "beijing" / "member-targets-2024.csv"
    do_import_targets(member_round, letters.read_bytes(), letters.name, acting_user=world.office)
    collected_rows = {u.code: rows[u.code] for u in members}
    for unit in members:
        s = sub.submission_for(member_round, unit)
        sub.do_save_draft(
            s, numbers(collected_rows[unit.code]), acting_user=world.unit_users[unit.code]
        )
        sub.do_submit(s, acting_user=world.unit_users[unit.code])
        sub.do_verify(s, acting_user=world.agency)
    approved(world, member_round)
    do_transition(member_round, "publish_results", acting_user=world.office)
    run = member_round.publications.get().run
    data = RunSnapshot.objects.get(run=run).data
    codes = [u[0] for u in data["units"]]
    # 市人力社保局: 268,000 of 260,000 (100%) and 285,000 of 300,000 (95%): (100 + 95) / 2.
    assert data["columns"]["target_completion"][codes.index("M01")] == pytest.approx(97.5)
    decision = do_propose_awards(year, acting_user=world.office)
    member_lines = decision.lines.filter(kind=LineKind.MEMBER, source=member_round)
    core = decisions_of(run)
    assert sorted(ln.unit.code for ln in member_lines) == sorted(d.unit_code for d in core.winners)
    assert member_lines.exists() and member_lines.first().title == "完成目标责任单位"


def test_units_never_enter_expert_items_targets_or_price_factors(world, tmp_path):
    round = new_round(world)
    do_transition(round, "publish_scheme", acting_user=world.office)
    do_transition(round, "open_collection", acting_user=world.office)
    client = world.client(world.dong_user)
    page = client.get(
        reverse("submissions:unit", args=[round.pk, world.dongcheng.pk])
    ).content.decode()
    assert 'name="new_jobs"' in page
    for key in ("policy_overall", "job_creation_innovation", "new_jobs_target"):
        assert f'name="{key}"' not in page
    template = client.get(reverse("submissions:template", args=[round.pk, world.dongcheng.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
    cells = {str(c.value) for row in sheet.iter_rows(max_row=8) for c in row if c.value}
    assert "new_jobs" in cells and not {"policy_overall", "new_jobs_target"} & cells


def test_the_bonus_is_in_the_units_explanation_and_the_pages_speak_english(world, year):
    from kaoping.web.results.frozen import unit_explanation
    from kaoping.web.results.models import ScoringRun

    run = ScoringRun.latest_done(year)
    text = unit_explanation(run, world.districts[2].code).render("zh")
    assert "圆满完成重大活动期间临时招聘保障任务" in text and "京就领办〔2024〕5号" in text
    do_propose_awards(year, acting_user=world.office)
    client = world.client(world.office)
    zh = client.get(reverse("awards:decision", args=[year.pk])).content.decode()
    assert "奖励与通报批评" in zh and "通报批评名单" in zh
    client.post(reverse("set_language"), {"language": "en"})
    en = client.get(reverse("awards:decision", args=[year.pk])).content.decode()
    assert "Awards and criticism" in en and "Criticism list" in en


def test_a_round_with_price_factors_and_a_beijing_round_archive_and_verify(world, year, leader):
    """The evaluator's factors, the letters' targets and bonus points all reach the archive,
    which re-assesses to the published totals."""
    from kaoping.archive import verify_bundle
    from kaoping.web.rounds.models import RoundArchive

    round = world.collecting(2024)
    do_set_price_factor(
        round, world.dongcheng, factor=1.2, reason="物价指数", acting_user=world.agency
    )
    world.submit_all(round)
    for action, who in (("start_verification", world.office), ("start_scoring", world.office)):
        do_transition(round, action, acting_user=who)
    do_start_scoring_run(round, acting_user=world.agency)
    for action, who in (
        ("submit_for_review", world.office),
        ("approve", world.committee),
        ("publish_results", world.office),
        ("close", world.office),
    ):
        do_transition(round, action, acting_user=who)
    report = verify_bundle(RoundArchive.objects.get(round=round).file.path)
    assert report.ok, report.render("en")
    for action, who in (("publish_results", world.office), ("close", world.office)):
        do_transition(year, action, acting_user=who)
    report = verify_bundle(RoundArchive.objects.get(round=year).file.path)
    assert report.ok, report.render("en")
