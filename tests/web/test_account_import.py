"""Accounts and roles from an Excel list: template, every problem at once, initial passwords
that work once and must be changed, one log entry, and the accounts list."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaoping.web.accounts.imports import initial_password
from kaoping.web.accounts.models import AccountSecurity, Membership, Role
from kaoping.web.audit.models import AuditEntry

URL = "/accounts/"


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "姓名", "邮箱", "角色", "单位编码", "所属机构"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post(client, rows):
    return client.post(URL, {"file": SimpleUploadedFile("人员名单.xlsx", workbook(rows))})


def test_the_template_has_the_columns_and_the_roles(world):
    response = world.client(world.office).get(URL + "?format=template")
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == [
        "用户名",
        "姓名",
        "邮箱",
        "角色",
        "单位编码",
        "所属机构",
    ]
    assert "被评价单位" in [row[0].value for row in book["角色说明"].iter_rows()]


def test_imported_people_log_in_with_their_initial_password_and_must_change_it(world, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "kaoping.web.accounts.imports.InitialPasswordHasher",
    ]
    page = post(
        world.client(world.office),
        [
            ["dc_zhang", "张三", "zhang@example.cn", "被评价单位", "110101", "东城区人社局"],
            ["pg_li", "李四", "", "评价机构", "", "某评价机构"],
            ["expert1", "", "", "专家", "", ""],  # an existing account: the role is added
        ],
    ).content.decode()
    table = page[page.index('id="created"') :]
    User = get_user_model()
    zhang = User.objects.get(username="dc_zhang")
    assert zhang.get_full_name() == "张三" and zhang.email == "zhang@example.cn"
    assert Membership.objects.filter(user=zhang, role=Role.UNIT, unit=world.dongcheng).exists()
    assert AccountSecurity.objects.get(user=zhang).must_change_password
    assert zhang.password.startswith("pbkdf2_initial$")
    password = table.split("dc_zhang")[1].split('class="mono">')[2].split("<")[0]
    assert len(password) == 14
    client = Client()
    client.post(reverse("login"), {"username": "dc_zhang", "password": password})
    assert client.get(reverse("home")).status_code == 302  # sent to change the password first
    assert User.objects.get(username="dc_zhang").password.startswith("md5$")  # re-hashed
    assert Membership.objects.filter(user=world.expert1, role=Role.EXPERT).count() == 1
    entry = AuditEntry.objects.get(action="accounts.import")
    assert entry.data["created"] == ["dc_zhang", "pg_li"] and entry.actor == world.office


def test_every_problem_is_reported_and_nothing_is_saved(world):
    before = get_user_model().objects.count()
    page = post(
        world.client(world.office),
        [
            ["a b", "甲", "", "被评价单位", "999999", ""],
            ["ok1", "乙", "not-mail", "校长", "", ""],
            ["ok2", "丙", "", "系统管理员", "", ""],
        ],
    ).content.decode()
    problems = page[page.index('id="account-problems"') :]
    for expected in ("a b", "999999", "not-mail", "校长", "系统管理员"):
        assert expected in problems
    assert get_user_model().objects.count() == before


def test_only_the_office_and_administrators_manage_accounts(world):
    assert world.client(world.agency).get(URL).status_code == 403
    assert world.client(world.dong_user).get(URL).status_code == 403
    page = world.client(world.office).get(URL + "?q=u1101").content.decode()
    assert "u110101" in page and "office" not in page.split('id="accounts"')[1]


def test_initial_passwords_follow_the_complexity_rule():
    passwords = {initial_password() for _ in range(200)}
    assert len(passwords) == 200
    assert all(any(c.isupper() for c in p) and any(c.isdigit() for c in p) for p in passwords)


def test_each_problem_names_the_file_row_column_and_value_in_chinese(world):
    page = post(
        world.client(world.office),
        [
            ["li!si", "李四", "", "评价机构", "", ""],
            ["wang5", "", "", "专家", "", ""],
            ["zhao6", "赵六", "", "被评价单位", "", ""],
        ],
    ).content.decode()
    problems = page[
        page.index('id="account-problems"') : page.index(
            "</table>", page.index('id="account-problems"')
        )
    ]
    assert "文件“人员名单.xlsx”未导入任何账号" in problems
    cells = [
        [c.split(">", 1)[1] for c in row.split("</td>")[:4]] for row in problems.split("<tr>")[2:]
    ]
    assert cells[0][:3] == ["2", "用户名", "li!si"] and "只能用字母、数字" in cells[0][3]
    assert cells[1][:3] == ["3", "姓名", ""] and cells[1][3] == "姓名为空。"
    assert cells[2][:3] == ["4", "单位编码", ""] and "单位" in cells[2][3]
    assert not get_user_model().objects.filter(username__in=["li!si", "wang5", "zhao6"]).exists()
