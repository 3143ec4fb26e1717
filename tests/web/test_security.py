"""Issue 6.3: passwords, lockout, idle timeout, initial passwords, separation of duties,
escaping, and the production settings (`manage.py check --deploy` clean)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaoping.web.accounts.models import AccountSecurity, LoginFailure, Membership, Role
from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import ActionError
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission
from kaoping.web.workflow.actions import do_transition

from .conftest import ROOT, demo_rows, numbers


def login(client: Client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.parametrize("weak", ["short1", "1234567890123", "password123", "office2024"])
def test_weak_passwords_are_refused(world, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=world.office)


def test_a_strong_password_passes_the_policy(world):
    validate_password("Qiang-mima-2024", user=world.office)


@pytest.mark.postgres
def test_five_failures_lock_the_account_from_that_address_with_a_clear_message(world):
    client = Client()
    for _ in range(4):
        assert login(client, "office", "wrong").status_code == 200
    fifth = login(client, "office", "wrong")
    assert fifth.status_code == 302  # locked now: told so at once
    page = client.get(fifth["Location"]).content.decode()
    assert "登录失败次数过多" in page
    # Even the right password is refused while locked; another address is not locked.
    assert login(client, "office", "pw-office").status_code == 302
    assert "_auth_user_id" not in client.session
    other = Client()
    assert login(other, "office", "pw-office", ip="10.2.2.2").status_code == 302
    assert other.session["_auth_user_id"] == str(world.office.pk)
    assert AuditEntry.objects.filter(action="auth.login_failed", actor_name="office").count() == 6


@pytest.mark.postgres
def test_the_lockout_ends_after_its_window(world):
    client = Client()
    for _ in range(5):
        login(client, "office", "wrong")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    login(client, "office", "pw-office")
    assert client.session["_auth_user_id"] == str(world.office.pk)
    assert not LoginFailure.objects.filter(username="office").exists()  # cleared on success


def test_an_idle_session_expires(world, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    login(client, "office", "pw-office")
    assert client.get(reverse("rounds:list")).status_code == 200
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(minutes=29)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("rounds:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_account_created_by_an_administrator_must_change_its_initial_password(world):
    root = get_user_model().objects.create_superuser("root", password="root-password-1")
    admin = world.client(root)
    response = admin.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newclerk",
            "password1": "Chushi-mima-2024",
            "password2": "Chushi-mima-2024",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    clerk = get_user_model().objects.get(username="newclerk")
    assert AccountSecurity.of(clerk).must_change_password
    client = Client()
    login(client, "newclerk", "Chushi-mima-2024")
    first = client.get(reverse("rounds:list"))
    assert first.status_code == 302 and first["Location"] == reverse("accounts:password_change")
    change = reverse("accounts:password_change")
    weak = client.post(
        change,
        {
            "old_password": "Chushi-mima-2024",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert weak.status_code == 200 and client.get(reverse("rounds:list")).status_code == 302
    done = client.post(
        change,
        {
            "old_password": "Chushi-mima-2024",
            "new_password1": "Wode-xin-mima-77",
            "new_password2": "Wode-xin-mima-77",
        },
    )
    assert done.status_code == 302
    assert client.get(reverse("rounds:list")).status_code == 200
    assert not AccountSecurity.of(clerk).must_change_password
    entry = AuditEntry.objects.filter(action="auth.password_change", object_id=str(clerk.pk)).last()
    assert entry.data["by_self"] is True and entry.actor == clerk


def test_accounts_created_by_code_such_as_the_demo_need_no_change(world):
    client = Client()
    login(client, "u110101", "pw-u110101")
    assert client.get(reverse("rounds:list")).status_code == 200


def test_nobody_verifies_or_returns_his_own_units_data_even_holding_the_agency_role(world):
    round = world.collecting()
    world.submit_all(round, verify=False)
    Membership.objects.create(user=world.agency, role=Role.UNIT, unit=world.dongcheng)
    s = Submission.objects.get(round=round, unit=world.dongcheng)
    with pytest.raises(ActionError):
        sub.do_verify(s, acting_user=world.agency)
    client = world.client(world.agency)
    url = reverse("submissions:verify", args=[round.pk, world.dongcheng.pk])
    assert client.post(url).status_code == 403
    s.refresh_from_db()
    assert s.status == "submitted"
    other = Submission.objects.get(round=round, unit=world.xicheng)
    assert sub.do_verify(other, acting_user=world.agency).status == "verified"


def test_nobody_verifies_data_he_submitted_himself(world):
    round = world.collecting()
    helper = get_user_model().objects.create_user("helper", password="x")
    Membership.objects.create(user=helper, role=Role.AGENCY)
    s = sub.submission_for(round, world.dongcheng)
    row = next(r for r in demo_rows(2024) if r["unit_code"] == "110101")
    sub.do_save_draft(s, numbers(row), acting_user=world.dong_user)
    s = sub.do_submit(s, acting_user=world.dong_user)
    Submission.objects.filter(pk=s.pk).update(submitted_by=helper)
    with pytest.raises(ActionError, match="您本人提交"):
        sub.do_verify(Submission.objects.get(pk=s.pk), acting_user=helper)


def test_a_committee_member_from_an_evaluated_unit_cannot_approve(world):
    round = world.scored()
    do_transition(round, "submit_for_review", acting_user=world.office)
    Membership.objects.create(user=world.committee, role=Role.UNIT, unit=world.xicheng)
    with pytest.raises(ActionError, match="不能审定"):
        do_transition(round, "approve", acting_user=world.committee)
    round.refresh_from_db()
    assert round.state == "review"


def test_user_text_is_escaped_in_pages(world):
    round = world.collecting()
    s = sub.submission_for(round, world.dongcheng)
    attack = '<script>alert("x")</script>'
    from datetime import date

    sub.do_record_check(
        s,
        kind="spot_check",
        when=date(2024, 5, 1),
        method=attack,
        finding=attack,
        acting_user=world.agency,
    )
    page = (
        world.client(world.agency)
        .get(reverse("submissions:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    assert attack not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    log = world.client(world.office).get(reverse("audit:log")).content.decode()
    assert "<script>alert" not in log


def run_check(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}", **env_extra}
    # Set by the browser tests' fixtures in this process; never set in a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_setting_passes_check_deploy_without_a_warning(tmp_path):
    done = run_check(
        {
            "KAOPING_PRODUCTION": "1",
            "ALLOWED_HOSTS": "kaoping.example.gov.cn",
            "SECRET_KEY": "p7Q!vZ2#kL9@xR4$mN8^bT6&wY3*jH5(cF1)dS0_gA7+eU2=Vb9%",
            "DEBUG": "",
        },
        tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_refuses_the_development_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"KAOPING_PRODUCTION": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr


def test_development_settings_are_flagged_by_check_deploy(tmp_path):
    done = run_check({"SECRET_KEY": "x" * 60}, tmp_path)
    assert done.returncode != 0
    for code in (
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
        "security.W018",
    ):
        assert code in done.stdout + done.stderr
