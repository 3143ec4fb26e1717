"""The whole Beijing year in a real browser: the office starts the round from the built-in
district scheme and adjusts its weights, publishes it, imports the responsibility letters;
a district files its plan and progress; bonus points are entered (and bounded); scoring waits
for the expert groups; the committee approves the ranking; the awards are proposed with the
criticism list, an individual is nominated, the committee reviews, the leading group sets
the reward fund and approves, the office publishes and generates the certificates."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from kaoping.scoring.experts import scoring_items
from kaoping.web.accounts.models import Role
from kaoping.web.awards.models import AwardDecision
from kaoping.web.experts.models import ExpertGroup, ExpertScore
from kaoping.web.rounds.models import Round
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission, SubmissionStatus
from kaoping.web.workflow.actions import do_transition

from ..beijing_year import TARGETS, expert_value, score_every_item
from ..conftest import EXAMPLES, World, make_user, numbers
from ..test_beijing_year import approved, collected, new_round
from .walk_helpers import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, action: str, reason: str = "") -> None:
    form = page.locator(f"form:has(button[data-action='{action}'])")
    if reason:
        form.locator("input[name=reason]").fill(reason)
    form.locator("button").click()


def district_rows() -> dict[str, dict]:
    with open(EXAMPLES / "beijing" / "district-2024.csv", encoding="utf-8-sig") as handle:
        return {r["unit_code"]: r for r in csv.DictReader(handle)}


def test_the_beijing_year_in_the_browser(live_server, page, settings, tmp_path):
    settings.KAOPING_JOBS_INLINE = True
    settings.KAOPING_REPORT_ISSUER = "北京市就业工作领导小组"  # certificates name their issuer
    world = World()
    make_user("leader", Role.LEADING_GROUP)
    base = live_server.url

    # The office starts the round from the built-in district scheme, chosen by its name.
    login(page, base, "office")
    page.goto(f"{base}/rounds/")
    page.click("#new-round")
    page.fill("#id_name", "2024年度区县就业工作考核")
    page.fill("#id_year", "2024")
    page.check("input[name=source][value=builtin]")
    page.select_option(
        "#id_builtin", label="北京市区县就业工作综合考核（beijing-district-comprehensive）"
    )
    page.select_option("#id_parent", label=str(world.beijing))
    page.click("#new-round button[type=submit]")
    round = Round.objects.get(name="2024年度区县就业工作考核")

    # Weights are chosen each year: an invalid change shows the problem, then a valid one.
    page.fill("#id_w_A", "40")
    page.click("#save-scheme")
    assert "权重之和为 110" in page.inner_text("#scheme-problems")
    page.fill("#id_w_A", "35")
    page.fill("#id_w_B", "20")
    page.click("#preview-scheme")
    assert "w_A" in page.inner_text("#preview")
    page.click("#save-scheme")
    assert "35" in page.inner_text("#changes")
    shot(page, "beijing-scheme-settings")
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "publish_scheme", "考核前公布方案")
    act(page, "open_collection")
    round.refresh_from_db()
    assert round.scheme_sha256 and round.scheme().group("A").weight == pytest.approx(0.35)

    # The responsibility letters: targets imported from Excel.
    page.goto(f"{base}/rounds/{round.pk}/letters/")
    page.set_input_files("#import-targets input[type=file]", str(TARGETS))
    page.click("#import-targets button")
    assert page.locator("#targets tbody tr").count() == 32

    # 东城区 files its decomposition plan and reports progress at mid-year.
    login(page, base, "u110101")
    page.goto(f"{base}/rounds/{round.pk}/letters/units/{world.dongcheng.pk}/")
    plan = page.locator("#target-new_jobs .plan-form")  # a level target (rate) has no plan
    for q, value in zip(("q1", "q2", "q3", "q4"), ("5000", "6000", "6000", "5500"), strict=True):
        plan.locator(f"input[name$='-{q}']").fill(value)
    plan.locator("button").click()
    progress = page.locator("#target-new_jobs .progress-form")
    progress.locator("input[name$='-actual']").fill("12000")
    progress.locator("select").select_option("Q2")
    progress.locator("button").click()
    text = page.inner_text("#target-new_jobs")
    assert "5,000 / 6,000 / 6,000 / 5,500" in text and "按计划推进" in text
    shot(page, "beijing-letter")

    # 东城区 types its year-end figures into its data form and submits; the agency verifies
    # it on the page. The form has no expert items and no targets (never the unit's to type).
    rows = district_rows()
    dong = numbers(rows["110101"])
    page.goto(f"{base}/rounds/{round.pk}/data/unit/{world.dongcheng.pk}/")
    typed = {}
    for key, value in dong.items():
        box = page.locator(f"input[name={key}]")
        if box.count():
            box.fill(str(int(value)) if float(value).is_integer() else repr(value))
            typed[key] = value
    assert len(typed) >= 10, typed
    for never in ("job_creation_innovation", "policy_overall", "new_jobs_target"):
        assert page.locator(f"input[name={never}]").count() == 0
    page.click("#submit")
    assert page.inner_text("#status") == "已提交"
    login(page, base, "agency")
    page.goto(f"{base}/rounds/{round.pk}/data/unit/{world.dongcheng.pk}/")
    page.click("#verify")
    saved = Submission.objects.get(round=round, unit=world.dongcheng)
    assert saved.status == SubmissionStatus.VERIFIED
    assert {k: saved.values[k] for k in typed} == pytest.approx(typed)
    # The other 15 districts through the same actions (the upload and the rectification are
    # walked in test_whole_round).
    for unit in world.districts[1:]:
        s = sub.submission_for(round, unit)
        sub.do_save_draft(s, numbers(rows[unit.code]), acting_user=world.unit_users[unit.code])
        sub.do_submit(s, acting_user=world.unit_users[unit.code])
        sub.do_verify(s, acting_user=world.agency)

    # Bonus points for an ad-hoc task, bounded by the scheme.
    login(page, base, "office")
    page.goto(f"{base}/rounds/{round.pk}/adjustments/")
    chaoyang = world.districts[2]
    for points in ("3", "3"):
        page.select_option("#id_unit", str(chaoyang.pk))
        page.fill("#id_points", points)
        page.fill("#id_reason", "圆满完成重大活动期间临时招聘保障任务")
        page.fill("#id_reference", "京就领办〔2024〕5号")
        page.click("#add-adjustment button[type=submit]")
    assert "±5" in page.inner_text("#adjustment-problems")
    assert page.locator("#adjustments tbody tr").count() == 1

    # Scoring waits until every expert item of every unit is scored by a closed group.
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "start_verification")
    act(page, "start_scoring")
    page.goto(f"{base}/rounds/{round.pk}/results/")
    page.click("#run-scoring")
    assert "A2" in page.inner_text("body") and "东城区" in page.inner_text("body")
    # The office forms the new-jobs group (item A2) on the page from the scheme's panel, adds
    # two experts and assigns them every district; each expert types his scores into his
    # sheet and submits; the office closes the group. The other panels through the actions.
    page.goto(f"{base}/experts/round/{round.pk}/")
    page.select_option("#panel", "jobs")
    page.click("#create-group button[type=submit]")
    group_url = page.url
    experts = [str(world.expert1.pk), str(world.expert2.pk)]
    units = list(round.units.order_by("code"))
    page.select_option("form[action$='/members/'] select[name=experts]", experts)
    page.click("form[action$='/members/'] button")
    page.select_option("form[action$='/assign/'] select[name=experts]", experts)
    page.select_option("form[action$='/assign/'] select[name=units]", [str(u.pk) for u in units])
    page.click("form[action$='/assign/'] button")
    item_max = next(i.max for i in scoring_items(round.scheme()) if i.code == "A2")
    for username in ("expert1", "expert2"):
        login(page, base, username)
        page.goto(group_url)
        page.click("#my-sheet")
        for j, unit in enumerate(units):
            page.fill(f"input[name=s-{unit.pk}-A2]", str(expert_value(j, item_max)))
        page.click("#submit")
        assert page.inner_text("#sheet-status") == "已提交"
    login(page, base, "office")
    page.goto(group_url)
    page.click("#close-group")
    group = ExpertGroup.objects.get(round=round, name="新增就业考核小组")
    assert group.closed and ExpertScore.objects.filter(group=group).count() == 2 * len(units)
    score_every_item(world, round, skip_panels=("jobs",))
    page.goto(f"{base}/rounds/{round.pk}/results/")
    page.click("#run-scoring")
    assert page.inner_text("#run-status") == "已完成"
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "submit_for_review")
    login(page, base, "committee")
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "approve", "考核委员会审议通过排名")

    # The year's fund-performance special assessment, a round of its own scheme, published
    # (through the actions: its pages are those walked above).
    fund = new_round(world, code="beijing-fund-performance", name="2024年度资金绩效评价")
    collected(world, fund, "fund-performance-2024.csv", targets=False)
    approved(world, fund)
    do_transition(fund, "publish_results", acting_user=world.office)

    # The office has the scheme's rules propose the awards and the criticism list; the
    # special assessment's winners join the decision.
    login(page, base, "office")
    page.goto(f"{base}/awards/rounds/{round.pk}/")
    page.click("#propose")
    assert page.locator("#tiers tbody tr").count() >= 1
    assert "2024年度资金绩效评价" in page.inner_text("#specials")
    shot(page, "beijing-awards-proposed")
    form = page.locator("#nominate")
    form.locator("select[name=kind]").select_option("individual")
    form.locator("input[name=person]").fill("张某某")
    form.locator("input[name=organisation]").fill("朝阳区职业介绍中心")
    form.locator("input[name=title]").fill("就业工作先进个人")
    form.locator("textarea[name=reason]").fill("全年推荐就业 1,200 人")
    form.locator("button").click()
    assert "张某某" in page.inner_text("#honours")

    # The committee reviews; the leading group sets the fund and approves.
    login(page, base, "committee")
    page.goto(f"{base}/awards/rounds/{round.pk}/")
    act(page, "review", "同意提交领导小组")
    login(page, base, "leader")
    page.goto(f"{base}/awards/rounds/{round.pk}/")
    # A fund set to the fen is shared to the fen and sums exactly (whole yuan stay whole).
    page.fill("#set-fund input[name=total]", "1000000.50")
    page.click("#set-fund button")
    cells = page.locator("#allocation tbody td:last-child").all_inner_texts()
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d元", t) for t in cells), cells  # 108,696.05元
    amounts = [Decimal(t.removesuffix("元").replace(",", "")) for t in cells]
    assert sum(amounts) == Decimal("1000000.50")
    with page.expect_download() as download:
        page.click("#allocation-xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    amounts = [Decimal(str(r[4])) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sum(amounts[:-1]) == amounts[-1] == Decimal("1000000.50")  # what a finance officer sums
    act(page, "approve", "领导小组会议通过")

    # The office publishes the ranking, then the awards, and generates the certificates.
    login(page, base, "office")
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "publish_results", "公布考核结果")
    page.goto(f"{base}/awards/rounds/{round.pk}/")
    act(page, "publish")
    assert AwardDecision.objects.get(round=round).state == "published"
    page.click("#make-certificates")
    job = AwardDecision.objects.get(round=round).certificate_jobs.get()
    assert job.status == "done", (job.status, job.message)
    with page.expect_download() as download:
        page.click("#certificates-zip")
    names = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())).namelist()
    assert any("张某某" in n for n in names)
    links = page.locator("ul.certificates li a")
    assert links.count() == len(names)
    with page.expect_download() as download:
        links.last.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")  # one by one, too
    shot(page, "beijing-awards-published")
    page.goto(f"{base}/awards/honours/2024/")
    assert "张某某" in page.inner_text("#register-honours")
    assert "2024年度资金绩效评价" in page.inner_text("body")  # special awards are honours too
    steps = [s.action for s in AwardDecision.objects.get(round=round).steps.all()]
    assert steps == ["propose", "review", "fund", "approve", "publish"]
