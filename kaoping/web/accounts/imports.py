"""Accounts and memberships from an Excel list (the office's 人员名单), with initial passwords.

One row per person and role: 用户名, 姓名, 邮箱, 角色, 单位编码 (for a unit's staff), 所属机构.
Every problem (row, column, value, what is expected) is reported before anything is saved.
A new account gets a random initial password that must be changed at the first login; a known
user name only gains the membership. The whole import is one audited action.

Initial passwords are hashed with :class:`InitialPasswordHasher`: 14 random characters
(about 80 bits) need no key stretching, and 3,000 accounts are then created in seconds
instead of the half hour the default hasher's million iterations would take. Django re-hashes
with the default hasher at the first login, and the password is changed then anyway.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from kaoping.scoring import DataError
from kaoping.tables import read_sheet
from kaoping.web.accounts.models import AccountSecurity, Membership, Role
from kaoping.web.audit.log import record
from kaoping.web.common import join_list
from kaoping.web.units.models import Unit

MAX_ROWS = 10_000
COLUMNS = {  # key: (header in the template, accepted headers)
    "username": ("用户名", ("用户名", "账号", "username")),
    "name": ("姓名", ("姓名", "name", "full name")),
    "email": ("邮箱", ("邮箱", "电子邮箱", "email", "e-mail")),
    "role": ("角色", ("角色", "role")),
    "unit": ("单位编码", ("单位编码", "unit code", "unit_code")),
    "organisation": ("所属机构", ("所属机构", "机构", "organisation")),
}
# A problem names its column by the template's header.
HEADER = {key: header for key, (header, _names) in COLUMNS.items()}
ROLE_WORDS = {
    "办公室": Role.OFFICE,
    "评价办公室": Role.OFFICE,
    "评价机构": Role.AGENCY,
    "工作组": Role.AGENCY,
    "专家": Role.EXPERT,
    "评审委员会": Role.COMMITTEE,
    "领导小组": Role.COMMITTEE,
    "被评价单位": Role.UNIT,
    "单位": Role.UNIT,
    "系统管理员": Role.ADMIN,
}
# No 0/O, 1/l/I: initial passwords are read off a printed list.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few iterations, for random initial passwords only (see the module)."""

    algorithm = "pbkdf2_initial"
    iterations = 1000


def initial_password() -> str:
    """14 random characters with upper case, lower case and digits (the complexity rule)."""
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(14))
        if (
            any(c.isupper() for c in password)
            and any(c.islower() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


# What Django accepts as a user name (its own validator's pattern, compiled once).
USERNAME = re.compile(UnicodeUsernameValidator.regex)


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    value: str
    message: str


class AccountImportError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


@dataclass(frozen=True)
class Created:
    """One row's outcome; ``password`` is set for a new account (shown once, never stored)."""

    username: str
    name: str
    role: str
    unit: str
    password: str


# The template's sheet and its two example rows, in the words the file is filled in.
TEMPLATE_SHEET = "人员名单"
TEMPLATE_EXAMPLES = [
    ["dc_zhang", "张三", "zhangsan@example.gov.cn", "被评价单位", "110101", "东城区人社局"],
    ["pg_li", "李四", "", "评价机构", "", "某评价机构"],
]


def template_bytes() -> bytes:
    """The Excel template: the columns, two example rows, and the roles one may write."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    sheet.append([header for header, _names in COLUMNS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_EXAMPLES:
        sheet.append(row)
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 22
    # The headers and role words above are the file's format (read back whatever the
    # language); this sheet only explains them.
    roles = workbook.create_sheet(pgettext("sheet", "Roles"))
    roles.append([_("Role (write one of these)"), _("Meaning")])
    for word, role in ROLE_WORDS.items():
        roles.append([word, str(Role(role).label)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(content: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    try:
        sheet = read_sheet(content, filename)
    except DataError as exc:
        raise AccountImportError(
            [Problem(None, "", "", p.render("zh")) for p in exc.problems]
        ) from None
    header = [str(c).strip().lower() for c in sheet.rows[0]] if sheet.rows else []
    where = {
        key: next((i for i, h in enumerate(header) if h in [n.lower() for n in names]), None)
        for key, (_label, names) in COLUMNS.items()
    }
    missing = [COLUMNS[k][0] for k in ("username", "name", "role") if where[k] is None]
    if missing:
        raise AccountImportError(
            [Problem(1, m, "", _("Missing column “%(column)s”.") % {"column": m}) for m in missing]
        )
    if len(sheet.rows) - 1 > MAX_ROWS:
        raise AccountImportError(
            [
                Problem(
                    None,
                    "",
                    str(len(sheet.rows) - 1),
                    _("At most %(n)s rows per file.") % {"n": MAX_ROWS},
                )
            ]
        )
    rows = []
    for number, cells in enumerate(sheet.rows[1:], start=2):
        values = {}
        for key, i in where.items():
            value = cells[i] if i is not None and i < len(cells) else ""
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            values[key] = str(value if value is not None else "").strip()
        if any(values.values()):
            rows.append((number, values))
    return rows


def do_import_accounts(content: bytes, filename: str, *, acting_user) -> list[Created]:
    """Create the accounts and memberships of a list; all or nothing.

    Only a system administrator may create administrators.
    """
    may_make_admins = Membership.objects.filter(user=acting_user, role=Role.ADMIN).exists()
    User = get_user_model()
    rows = _rows(content, filename)
    units = {u.code: u for u in Unit.objects.filter(code__in={r["unit"] for _n, r in rows})}
    users = {
        u.username: u for u in User.objects.filter(username__in={r["username"] for _n, r in rows})
    }
    problems, plan, seen = [], [], set()
    for number, r in rows:
        role = ROLE_WORDS.get(r["role"], r["role"].lower())
        if not r["username"]:
            problems.append(Problem(number, HEADER["username"], "", _("The user name is empty.")))
        elif len(r["username"]) > 150 or not USERNAME.fullmatch(r["username"]):
            problems.append(
                Problem(
                    number,
                    HEADER["username"],
                    r["username"],
                    _("A user name has no spaces and at most 150 characters.")
                    + " "
                    + _("Letters, digits and @ . + - _ only."),
                )
            )
        if not r["name"] and r["username"] not in users:  # a known account: only a role added
            problems.append(Problem(number, HEADER["name"], "", _("The person's name is empty.")))
        elif len(r["name"]) > 150:
            problems.append(
                Problem(
                    number,
                    HEADER["name"],
                    r["name"][:20] + "…",
                    _("A name has at most 150 characters."),
                )
            )
        if role not in Role.values:
            problems.append(
                Problem(
                    number,
                    HEADER["role"],
                    r["role"],
                    _("Expected one of: %(roles)s.") % {"roles": join_list(ROLE_WORDS)},
                )
            )
        if role == Role.ADMIN and not may_make_admins:
            problems.append(
                Problem(
                    number,
                    HEADER["role"],
                    r["role"],
                    _("Only a system administrator may create administrators."),
                )
            )
        unit = units.get(r["unit"]) if r["unit"] else None
        if role == Role.UNIT and unit is None:
            problems.append(
                Problem(
                    number,
                    HEADER["unit"],
                    r["unit"],
                    _("A unit's staff needs the code of a known unit."),
                )
            )
        if r["email"] and ("@" not in r["email"] or len(r["email"]) > 254):
            problems.append(
                Problem(number, HEADER["email"], r["email"], _("Not an e-mail address."))
            )
        key = (r["username"], role, r["unit"] if role == Role.UNIT else "")
        if key in seen:
            problems.append(
                Problem(number, HEADER["username"], r["username"], _("This row appears twice."))
            )
        seen.add(key)
        plan.append((r, role, unit if role == Role.UNIT else None))
    if problems:
        raise AccountImportError(problems)
    try:
        hasher = get_hasher(InitialPasswordHasher.algorithm)
    except ValueError:  # not configured (e.g. the tests' fast hasher): the default one
        hasher = None
    created: list[Created] = []
    with transaction.atomic():
        new_users, passwords = [], {}
        for r, _role, _unit in plan:
            if r["username"] in users or r["username"] in passwords:
                continue
            password = initial_password()
            passwords[r["username"]] = password
            new_users.append(
                User(
                    username=r["username"],
                    first_name=r["name"][:150],
                    email=r["email"],
                    password=make_password(password, hasher=hasher or "default"),
                )
            )
        User.objects.bulk_create(new_users)
        users.update({u.username: u for u in User.objects.filter(username__in=passwords)})
        AccountSecurity.objects.bulk_create(
            [AccountSecurity(user=users[name], must_change_password=True) for name in passwords]
        )
        existing = set(
            Membership.objects.filter(user__in=users.values()).values_list(
                "user__username", "role", "unit_id"
            )
        )
        memberships = []
        for r, role, unit in plan:
            key = (r["username"], role, unit.pk if unit else None)
            if key not in existing:
                existing.add(key)
                memberships.append(
                    Membership(
                        user=users[r["username"]],
                        role=role,
                        unit=unit,
                        organisation=r["organisation"][:120],
                    )
                )
            created.append(
                Created(
                    r["username"],
                    r["name"],
                    str(Role(role).label),
                    unit.code if unit else "",
                    passwords.get(r["username"], ""),
                )
            )
        Membership.objects.bulk_create(memberships)
        record(
            "accounts.import",
            acting_user,
            data={
                "file": filename,
                "created": sorted(passwords),
                "memberships": [
                    [m.user.username, m.role, m.unit.code if m.unit else ""] for m in memberships
                ],
            },
        )
    return created
