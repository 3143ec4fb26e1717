"""A whole round in a real browser: scheme, upload with errors, fix, return, verify, scoring,
approval, publication, and the unit reading its published results."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kaoping.web.results.models import Publication
from kaoping.web.rounds.models import Round
from kaoping.web.submissions.models import Submission, SubmissionStatus

from ..conftest import World, demo_rows, numbers
from .conftest import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username)
    page.click("button[type=submit]")


def act(page, action: str, reason: str = "") -> None:
    form = page.locator(f"form:has(button[data-action='{action}'])")
    if reason:
        form.locator("input[name=reason]").fill(reason)
    form.locator("button").click()


def fill_template(path, values: dict) -> bytes:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    keys_row = next(r for r in range(1, 8) if sheet.cell(r, 1).value == "unit_code")
    columns = {sheet.cell(keys_row, c).value: c for c in range(1, sheet.max_column + 1)}
    for key, value in values.items():
        if key in columns:  # the price factor is the evaluator's, not on the unit's template
            sheet.cell(keys_row + 1, columns[key]).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_whole_round_in_the_browser(live_server, page, settings, tmp_path):
    settings.KAOPING_JOBS_INLINE = True
    world = World()
    base = live_server.url
    round = world.round()
    rows = {r["unit_code"]: r for r in demo_rows(2024)}

    # The office publishes the scheme and opens data collection.
    login(page, base, "office")
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "publish_scheme", "评价前公布方案")
    act(page, "open_collection")
    assert Round.objects.get(pk=round.pk).state == "collection"
    assert "数据采集" in page.inner_text("h1")

    # The other 15 districts submit through the actions; Dongcheng uses the browser.
    from kaoping.web.submissions import actions as sub

    for unit in world.districts[1:]:
        s = sub.submission_for(round, unit)
        sub.do_save_draft(s, numbers(rows[unit.code]), acting_user=world.unit_users[unit.code])
        sub.do_submit(s, acting_user=world.unit_users[unit.code])
        sub.do_verify(s, acting_user=world.agency)

    # Dongcheng downloads its template, uploads it with errors and sees every problem.
    login(page, base, "u110101")
    page.goto(f"{base}/rounds/{round.pk}/data/unit/{world.dongcheng.pk}/")
    with page.expect_download() as download:
        page.click("text=下载预填的基础数据表模板")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    good = numbers(rows["110101"])
    bad = {**good, "local_raised": "很多", "employed_after_subsidy": -5}
    (tmp_path / "bad.xlsx").write_bytes(fill_template(template, bad))
    page.set_input_files("input[name=file]", str(tmp_path / "bad.xlsx"))
    page.click("#upload")
    problems = page.locator("#problems tbody tr")
    assert problems.count() >= 2
    assert "很多" in page.inner_text("#problems")
    shot(page, "upload-problems")

    # ...fixes the file, uploads it again and submits.
    (tmp_path / "good.xlsx").write_bytes(fill_template(template, good))
    page.set_input_files("input[name=file]", str(tmp_path / "good.xlsx"))
    page.click("#upload")
    page.click("#submit")
    assert page.inner_text("#status") == "已提交"

    # The agency returns it for rectification with a reason on one field.
    login(page, base, "agency")
    page.goto(f"{base}/rounds/{round.pk}/data/unit/{world.dongcheng.pk}/")
    page.fill("input[name=reason_fund_expenditure]", "与决算报表不符，请核对")
    page.click("#return")
    assert page.inner_text("#status") == "退回整改"

    # The unit sees what to fix, corrects the value with a reason and submits again.
    login(page, base, "u110101")
    page.goto(f"{base}/rounds/{round.pk}/data/unit/{world.dongcheng.pk}/")
    assert "与决算报表不符" in page.inner_text("#rectification") + page.inner_text("table")
    shot(page, "rectification")
    page.fill("input[name=fund_expenditure]", "14800")
    page.fill("#id_reason", "按决算报表更正")
    page.click("#submit")
    assert page.inner_text("#status") == "已提交"
    assert "按决算报表更正" in page.inner_text("#history")

    # The agency verifies; the office moves on to scoring and runs it.
    login(page, base, "agency")
    page.goto(f"{base}/rounds/{round.pk}/data/unit/{world.dongcheng.pk}/")
    page.click("#verify")
    assert (
        Submission.objects.get(round=round, unit=world.dongcheng).status
        == SubmissionStatus.VERIFIED
    )
    login(page, base, "office")
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "start_verification")
    act(page, "start_scoring")
    page.goto(f"{base}/rounds/{round.pk}/results/")
    page.click("#run-scoring")
    assert page.inner_text("#run-status") == "已完成"
    page.click("#see-ranking")
    assert page.locator("#ranking tbody tr").count() == 16
    shot(page, "ranking")
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "submit_for_review")

    # The committee approves; the office publishes.
    login(page, base, "committee")
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "approve", "考核委员会审议通过")
    login(page, base, "office")
    page.goto(f"{base}/rounds/{round.pk}/")
    act(page, "publish_results", "公布结果")
    assert Publication.current(round).version == 1

    # The unit now reads its result with the full derivation.
    login(page, base, "u110101")
    page.goto(f"{base}/rounds/{round.pk}/results/unit/{world.dongcheng.pk}/")
    assert "标准得分" in page.inner_text("#derivation")
    assert page.locator("svg").count() == 2
    shot(page, "unit-result")
