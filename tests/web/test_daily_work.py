"""Deadlines, to-do lists, the progress board, reminders (in the application and by e-mail),
and bulk verification."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from kaoping.web.audit.models import AuditEntry
from kaoping.web.planning.models import Reminder, RoundPlan
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Rectification, Submission, SubmissionStatus

from .conftest import days, demo_rows, numbers


def submit(world, round, unit):
    values = numbers(next(r for r in demo_rows(2024) if r["unit_code"] == unit.code))
    s = sub.submission_for(round, unit)
    sub.do_save_draft(s, values, acting_user=world.unit_users[unit.code])
    sub.do_submit(s, acting_user=world.unit_users[unit.code])
    return s


def home(world, user) -> str:
    page = world.client(user).get(reverse("home")).content.decode()
    return page[page.index('id="todo"') : page.index("</div>", page.index('id="todo"'))]


def test_the_office_sets_deadlines_through_a_form_and_the_log_records_it(world):
    round = world.collecting()
    url = reverse("planning:plan", args=[round.pk])
    assert world.client(world.dong_user).get(url).status_code == 403
    response = world.client(world.office).post(
        url,
        {
            "collection_deadline": days(10).isoformat(),
            "rectification_days": "5",
            "verification_deadline": "",
            "expert_deadline": "not a date",
        },
    )
    assert response.status_code == 200 and not RoundPlan.objects.exists()  # the bad date
    world.client(world.office).post(
        url, {"collection_deadline": days(10).isoformat(), "rectification_days": "5"}
    )
    plan = RoundPlan.objects.get(round=round)
    assert plan.collection_deadline == days(10) and plan.rectification_days == 5
    assert AuditEntry.objects.filter(action="planning.set_plan", round=round).exists()
    unit_page = (
        world.client(world.agency)
        .get(reverse("submissions:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    submit(world, round, world.dongcheng)
    unit_page = (
        world.client(world.agency)
        .get(reverse("submissions:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    assert f'value="{days(5).isoformat()}"' in unit_page  # the return's default deadline


def test_each_role_sees_what_waits_for_it_overdue_first(world):
    round = world.collecting()
    RoundPlan.objects.create(round=round, collection_deadline=days(-1))
    s = submit(world, round, world.xicheng)
    sub.do_return(s, reasons={}, general="请补充", deadline=days(3), acting_user=world.agency)
    submit(world, round, world.districts[2])
    unit_todo = home(world, world.dong_user)
    assert "东城区" in unit_todo and "逾期" in unit_todo
    returned = home(world, world.xi_user)
    assert "整改" in returned and days(3).isoformat() in returned
    office = home(world, world.office)
    assert "15 个单位尚未提交" in office and "逾期" in office
    Rectification.objects.update(deadline=days(-2))  # the rectification is now overdue
    agency = home(world, world.agency)
    assert "核实" in agency and "1 项整改已逾期" in agency
    assert agency.index("1 项整改已逾期") < agency.index("核实")  # overdue first
    assert "没有待办" in home(world, world.committee)


def test_the_office_reminds_late_units_in_the_application_and_by_mail(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_HOST = "mail.intranet"
    world.dong_user.email = "dong@example.cn"
    world.dong_user.save()
    round = world.collecting()
    for unit in world.districts[1:]:
        submit(world, round, unit)
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes after the commit
        world.client(world.office).post(
            reverse("submissions:bulk", args=[round.pk]),
            {"everyone_late": "1", "message": "请于本周五前提交"},
        )
    reminder = Reminder.objects.get()
    assert reminder.unit == world.dongcheng and reminder.emailed == 1
    assert len(mail.outbox) == 1 and "请于本周五前提交" in mail.outbox[0].body
    assert mail.outbox[0].to == ["dong@example.cn"]
    assert "请于本周五前提交" in home(world, world.dong_user)
    entry = AuditEntry.objects.get(action="planning.remind")
    assert entry.data["units"] == ["110101"] and entry.data["emails"] == 1


def test_without_a_mail_server_reminders_stay_in_the_application(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    world.dong_user.email = "dong@example.cn"
    world.dong_user.save()
    round = world.collecting()
    with django_capture_on_commit_callbacks(execute=True):
        world.client(world.office).post(
            reverse("submissions:bulk", args=[round.pk]), {"units": [world.dongcheng.pk]}
        )
    assert Reminder.objects.get().emailed == 0 and not mail.outbox
    assert "请" in Reminder.objects.get().message  # the default text


def test_units_cannot_remind_or_verify(world):
    round = world.collecting()
    response = world.client(world.dong_user).post(
        reverse("submissions:bulk", args=[round.pk]), {"units": [world.dongcheng.pk]}
    )
    assert response.status_code in (403, 404) and not Reminder.objects.exists()


@pytest.mark.postgres
def test_bulk_verify_verifies_the_submitted_and_names_the_others(world):
    round = world.collecting()
    for unit in world.districts[:3]:
        submit(world, round, unit)
    chosen = [u.pk for u in world.districts[:4]]  # the fourth has not submitted
    response = world.client(world.agency).post(
        reverse("submissions:bulk", args=[round.pk]), {"units": chosen, "verify": "1"}, follow=True
    )
    statuses = dict(Submission.objects.filter(round=round).values_list("unit_id", "status"))
    assert [statuses.get(pk) for pk in chosen[:3]] == [SubmissionStatus.VERIFIED] * 3
    page = response.content.decode()
    assert world.districts[3].code in page and "已核实 3 个" in page
    assert AuditEntry.objects.filter(action="submission.verify").count() == 3
    office = world.client(world.office).post(
        reverse("submissions:bulk", args=[round.pk]), {"units": chosen, "verify": "1"}
    )
    assert office.status_code == 403  # verification is the agency's


@pytest.mark.postgres
def test_the_progress_board_counts_every_status_and_filters_by_it(world):
    round = world.collecting()
    submit(world, round, world.dongcheng)
    page = (
        world.client(world.office)
        .get(reverse("submissions:list", args=[round.pk]))
        .content.decode()
    )
    board = page[page.index('id="progress-board"') : page.index("</div>\n<form")]
    assert ">15</b>" in board and ">1</b>" in board  # not started, submitted
    unsubmitted = (
        world.client(world.office)
        .get(reverse("submissions:list", args=[round.pk]) + "?status=unsubmitted")
        .content.decode()
    )
    assert "西城区" in unsubmitted and "东城区" not in unsubmitted
