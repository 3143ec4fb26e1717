"""History people can read: field labels, display names, reasons in words, whole numbers."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission
from kaoping.web.workflow.actions import do_transition

from .conftest import days, demo_rows, numbers


def test_the_value_history_shows_labels_names_and_whole_numbers(world):
    round = world.collecting()
    world.dong_user.first_name, world.dong_user.last_name = "东城", "张三"
    world.dong_user.save()
    values = numbers(next(r for r in demo_rows(2024) if r["unit_code"] == "110101"))
    s = sub.submission_for(round, world.dongcheng)
    sub.do_save_draft(s, values, acting_user=world.dong_user)
    sub.do_submit(s, acting_user=world.dong_user)
    sub.do_return(
        s,
        reasons={"year_end_balance": "与决算不符"},
        general="",
        deadline=days(5),
        acting_user=world.agency,
    )
    sub.do_save_draft(
        s, {"year_end_balance": 1234.0}, acting_user=world.dong_user, reason="按决算更正"
    )
    page = (
        world.client(world.office)
        .get(reverse("submissions:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    history = page[page.index('id="history"') : page.index("</table>", page.index('id="history"'))]
    assert "滚存结余" in history and "year_end_balance" not in history
    assert "张三" in history and "u110101" not in history
    assert "1,234" in history and "1234.0" not in history
    assert "按决算更正" in history
    rectifications = page[page.index("与决算不符") - 300 : page.index("与决算不符")]
    assert "year_end_balance" not in rectifications


def test_the_unit_page_translates_why_an_indicator_was_not_applicable(world):
    round = world.collecting()
    world.submit_all(round)
    # A value missing at scoring time (stored as verified; the fixture skips the form).
    s = Submission.objects.get(round=round, unit=world.dongcheng)
    Submission.objects.filter(pk=s.pk).update(values={**s.values, "fund_expenditure": None})
    do_transition(round, "start_verification", acting_user=world.office)
    do_transition(round, "start_scoring", acting_user=world.office)
    do_start_scoring_run(round, acting_user=world.agency)
    page = (
        world.client(world.office)
        .get(reverse("results:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    table = page[
        page.index('id="indicators"') : page.index("</table>", page.index('id="indicators"'))
    ]
    assert "基础数据缺失" in table and "eval.missing_value" not in table


def test_the_log_names_actions_in_words_and_people_by_name(world):
    round = world.collecting()
    world.office.first_name = "王主任"
    world.office.save()
    s = sub.submission_for(round, world.dongcheng)
    sub.do_save_draft(s, {}, acting_user=world.office)
    page = world.client(world.office).get(reverse("audit:log")).content.decode()
    assert "保存草稿" in page and "王主任" in page
    assert "原状态" not in page and "新状态" not in page and "起始日期" in page
