"""Issue 11: password rules, expiry, lockout per account and per address, pruned failures,
API tokens with expiry and revocation (logged), admin edits logged, CSP and no-store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaoping.web.accounts.models import AccountSecurity, ApiToken, LoginFailure
from kaoping.web.accounts.passwords import DEMO_PASSWORD
from kaoping.web.accounts.tokens import do_issue_token
from kaoping.web.audit.models import AuditEntry
from kaoping.web.units.models import Unit


def login(client: Client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("zzzzzzzzzzzz", "至少包含"),  # one class
        (DEMO_PASSWORD, "演示密码"),  # published in the README
        ("Office#2024x", "用户名"),  # holds the user name
        ("Eciffo#2024x", "用户名"),  # its reverse
    ],
)
def test_passwords_breaking_a_rule_are_refused_naming_the_rule(world, password, why):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user=world.office)
    assert any(why in message for message in caught.value.messages)


def test_a_complex_password_passes(world):
    validate_password("Jiuye-Zijin-2024", user=world.office)


def test_an_expired_password_must_be_changed_at_login(world, settings):
    settings.KAOPING_PASSWORD_MAX_AGE_DAYS = 90
    AccountSecurity.objects.update_or_create(
        user=world.office, defaults={"password_changed_at": timezone.now() - timedelta(days=91)}
    )
    client = Client()
    login(client, "office", "pw-office")
    page = client.get(reverse("rounds:list"))
    assert page.status_code == 302 and page["Location"] == reverse("accounts:password_change")
    settings.KAOPING_PASSWORD_MAX_AGE_DAYS = 0  # off (the default): never expires
    fresh = Client()
    login(fresh, "office", "pw-office")
    assert fresh.get(reverse("rounds:list")).status_code == 200


def test_the_demo_password_does_not_open_a_production_server(world, settings):
    user = world.office
    user.set_password(DEMO_PASSWORD)
    user.save()
    settings.PRODUCTION = True
    client = Client()
    login(client, "office", DEMO_PASSWORD)
    assert not logged_in(client)
    settings.PRODUCTION = False
    login(client, "office", DEMO_PASSWORD)
    assert logged_in(client)


# --- lockout --------------------------------------------------------------------------------


@pytest.mark.postgres
def test_one_account_is_locked_across_addresses(world):
    for i in range(10):  # 10 addresses, one guess each: under the per-address limit of 5
        login(Client(), "office", "wrong", ip=f"10.9.0.{i}")
    client = Client()
    response = login(client, "office", "pw-office", ip="10.9.1.1")  # a new address
    assert not logged_in(client)
    assert "登录失败次数过多" in client.get(response["Location"]).content.decode()


@pytest.mark.postgres
def test_a_password_sprayed_over_many_accounts_locks_the_address(world):
    names = [u.username for u in world.unit_users.values()]  # 16 accounts
    names += ["office", "agency", "committee", "expert1"]
    for name in names:  # one guess per account: 20 failures from one address
        login(Client(), name, "Spray-2024!", ip="10.6.6.6")
    sprayer = Client()
    login(sprayer, "admin", "pw-admin", ip="10.6.6.6")  # even a right password
    assert not logged_in(sprayer)
    colleague = Client()
    login(colleague, "admin", "pw-admin", ip="10.7.7.7")  # the others are not hurt
    assert logged_in(colleague)


@pytest.mark.postgres
def test_old_failed_logins_are_pruned(world):
    LoginFailure.objects.create(username="old", ip="1.1.1.1", at=timezone.now() - timedelta(days=2))
    LoginFailure.objects.create(username="new", ip="1.1.1.1", at=timezone.now())
    login(Client(), "office", "wrong")
    assert sorted(LoginFailure.objects.values_list("username", flat=True)) == ["new", "office"]


# --- API tokens -----------------------------------------------------------------------------


def api(key: str):
    return Client().get(reverse("api:rounds"), HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_is_issued_with_an_expiry_and_logged(world, settings):
    client = world.client(world.office)
    response = client.post(reverse("accounts:issue_token"), {"name": "报表系统"}, follow=True)
    assert "API 令牌" in response.content.decode() or "token" in response.content.decode()
    token = ApiToken.objects.get(user=world.office)
    assert token.expires_at is not None
    days = (token.expires_at - timezone.now()).days
    assert settings.KAOPING_TOKEN_DAYS - 1 <= days <= settings.KAOPING_TOKEN_DAYS
    entry = AuditEntry.objects.get(action="accounts.token_issue")
    assert entry.actor == world.office and entry.data["name"] == "报表系统"


def test_an_expired_token_is_refused_and_the_refusal_logged(world):
    token, key = do_issue_token(world.office, "t", acting_user=world.office)
    assert api(key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api(key).status_code == 401
    refused = AuditEntry.objects.get(action="api.token_refused")
    assert refused.data["reason"] == "expired" and refused.actor_name == "office"
    assert api("not-a-token").status_code == 401
    assert AuditEntry.objects.filter(action="api.token_refused").last().data["reason"] == "unknown"


def test_the_owner_revokes_his_token_and_nobody_else_can(world):
    token, key = do_issue_token(world.office, "t", acting_user=world.office)
    other = world.client(world.agency)
    url = reverse("accounts:revoke_token", args=[token.pk])
    assert other.post(url).status_code == 404
    assert api(key).status_code == 200
    world.client(world.office).post(url)
    assert api(key).status_code == 401
    entry = AuditEntry.objects.get(action="accounts.token_revoke")
    assert entry.actor == world.office and entry.data["reason"] == "owner"


def test_the_administrator_revokes_a_token_in_the_admin(world):
    token, key = do_issue_token(world.dong_user, "t", acting_user=world.dong_user)
    root = get_user_model().objects.create_superuser("root", password="Root-password-1")
    admin = world.client(root)
    changelist = reverse("admin:accounts_apitoken_changelist")
    admin.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    assert api(key).status_code == 401
    entry = AuditEntry.objects.get(action="accounts.token_revoke")
    assert entry.actor == root and entry.data["reason"] == "administrator"
    assert admin.post(reverse("admin:accounts_apitoken_delete", args=[token.pk])).status_code == 403


def test_a_password_change_revokes_every_token(world):
    _token, key = do_issue_token(world.office, "t", acting_user=world.office)
    client = world.client(world.office)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pw-office",
            "new_password1": "Xin-Mima-2024!",
            "new_password2": "Xin-Mima-2024!",
        },
    )
    assert api(key).status_code == 401
    assert (
        AuditEntry.objects.get(action="accounts.token_revoke").data["reason"] == "password_change"
    )


# --- admin edits ----------------------------------------------------------------------------


def test_admin_edits_of_units_and_the_initial_password_flag_are_logged(world):
    root = get_user_model().objects.create_superuser("root", password="Root-password-1")
    admin = world.client(root)
    unit = world.dongcheng
    admin.post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {
            "code": unit.code,
            "name": "东城区（改）",
            "level": unit.level,
            "parent": unit.parent_id,
        },
    )
    assert Unit.objects.get(pk=unit.pk).name == "东城区（改）"
    entry = AuditEntry.objects.get(action="admin.unit_change")
    assert entry.actor == root and entry.data["changed"] == {"name": ["东城区", "东城区（改）"]}
    security = AccountSecurity.of(world.office)
    admin.post(
        reverse("admin:accounts_accountsecurity_change", args=[security.pk]),
        {
            "user": world.office.pk,
            "must_change_password": "on",
        },
    )
    flag = AuditEntry.objects.get(action="admin.accountsecurity_change")
    assert flag.data["changed"] == {"must_change_password": [False, True]}


# --- headers --------------------------------------------------------------------------------


def test_pages_carry_a_csp_without_inline_script_and_logged_in_pages_are_not_stored(world):
    anonymous = Client().get(reverse("login"))
    policy = anonymous["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    page = world.client(world.office).get(reverse("rounds:list"))
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "<script>" not in html and "onchange=" not in html and "onclick=" not in html
    assert api(do_issue_token(world.office, "t", acting_user=world.office)[1])["Cache-Control"] == (
        "no-store"
    )
