"""Demo data: Beijing and its 16 districts, a closed 2023 round, a 2024 round collecting data.

Everything is created through the same ``do_*`` actions people use, so the demo's evaluation
log and history look like a real year's. Running it again changes nothing.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from kaoping.web.accounts.models import Membership, Role
from kaoping.web.accounts.passwords import DEMO_PASSWORD
from kaoping.web.experts.models import Assignment, ExpertGroup
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.rounds.actions import do_create_round
from kaoping.web.rounds.models import Round
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import CheckKind
from kaoping.web.units.models import Unit, UnitLevel
from kaoping.web.workflow.actions import do_transition

EXAMPLES = Path(settings.BASE_DIR) / "examples"
ROUND_2023 = "北京市2023年度就业专项资金绩效评价"
ROUND_2024 = "北京市2024年度就业专项资金绩效评价"

# (user name, full name, role, organisation)
STAFF = [
    ("admin", "系统管理员", Role.ADMIN, "市人力资源和社会保障局信息中心"),
    ("office", "王办公室", Role.OFFICE, "市财政局 市人力资源和社会保障局 评价办公室"),
    ("agency", "李评价", Role.AGENCY, "北京某会计师事务所（受托评价机构）"),
    ("expert1", "赵专家", Role.EXPERT, "专家库"),
    ("expert2", "钱专家", Role.EXPERT, "专家库"),
    ("expert3", "孙专家", Role.EXPERT, "专家库"),
    ("expert4", "周专家", Role.EXPERT, "专家库"),
    ("committee", "陈主任", Role.COMMITTEE, "考核委员会"),
    ("leader", "刘组长", Role.LEADING_GROUP, "就业工作领导小组"),
]


def read_rows(year: int) -> list[dict]:
    with open(EXAMPLES / f"mof-2012-demo-{year}.csv", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def numbers(row: dict) -> dict:
    return {
        k: (float(v) if v not in ("", None) else None)
        for k, v in row.items()
        if k not in ("unit_code", "unit_name", "year")
    }


@lru_cache(maxsize=1)
def demo_password_hash() -> str:
    # Hashing is deliberately slow; every demo account shares one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def user(username: str, full_name: str, role: str, organisation: str = "", unit=None):
    User = get_user_model()
    account, created = User.objects.get_or_create(username=username)
    if created:
        account.password = demo_password_hash()
        account.first_name = full_name
        account.is_staff = account.is_superuser = role == Role.ADMIN
        account.save()
    Membership.objects.get_or_create(
        user=account, role=role, unit=unit, defaults={"organisation": organisation}
    )
    return account


def load_demo() -> list[tuple[str, str, str]]:
    """Create the demo (idempotent); returns (user name, role, unit) of every demo account."""
    with transaction.atomic():
        beijing, _ = Unit.objects.get_or_create(
            code="110000", defaults={"name": "北京市", "level": UnitLevel.PROVINCE}
        )
        districts = []
        for row in read_rows(2024):
            unit, _ = Unit.objects.get_or_create(
                code=row["unit_code"],
                defaults={"name": row["unit_name"], "parent": beijing, "level": UnitLevel.COUNTY},
            )
            districts.append(unit)
        people = {name: user(name, full, role, org) for name, full, role, org in STAFF}
        for unit in districts:
            user(f"u{unit.code}", f"{unit.name}填报员", Role.UNIT, unit.name, unit=unit)
    with override_settings(KAOPING_JOBS_INLINE=True):
        if not Round.objects.filter(name=ROUND_2023).exists():
            _closed_round(people, districts)
        if not Round.objects.filter(name=ROUND_2024).exists():
            _collecting_round(people, districts)
    accounts = [(name, str(Role(role).label), "") for name, _full, role, _org in STAFF]
    accounts += [(f"u{u.code}", str(Role.UNIT.label), u.name) for u in districts]
    return accounts


def _unit_user(unit):
    return get_user_model().objects.get(username=f"u{unit.code}")


def _closed_round(people, districts) -> Round:
    office, agency, committee = people["office"], people["agency"], people["committee"]
    round = do_create_round(name=ROUND_2023, year=2023, units=districts, acting_user=office)
    do_transition(
        round, "publish_scheme", acting_user=office, reason="按财社〔2012〕17号通知公布评价方案"
    )
    do_transition(round, "open_collection", acting_user=office)
    by_code = {u.code: u for u in districts}
    for row in read_rows(2023):
        unit = by_code[row["unit_code"]]
        submission = sub.submission_for(round, unit)
        sub.do_save_draft(submission, numbers(row), acting_user=_unit_user(unit))
        sub.do_submit(submission, acting_user=_unit_user(unit))
        sub.do_record_check(
            submission,
            kind=CheckKind.SPOT_CHECK,
            when=timezone.localdate() - timedelta(days=300),
            method="抽查财务凭证和台账",
            finding="数据与凭证一致",
            acting_user=agency,
        )
        sub.do_verify(submission, acting_user=agency)
    do_transition(round, "start_verification", acting_user=office)
    do_transition(round, "start_scoring", acting_user=office)
    do_start_scoring_run(round, acting_user=agency)
    do_transition(round, "submit_for_review", acting_user=office)
    do_transition(round, "approve", acting_user=committee, reason="考核委员会审议通过")
    do_transition(round, "publish_results", acting_user=office, reason="公布2023年度评价结果")
    do_transition(round, "close", acting_user=office, reason="年度评价结束，归档")
    return round


def _collecting_round(people, districts) -> Round:
    office, agency = people["office"], people["agency"]
    previous = Round.objects.filter(name=ROUND_2023).first()
    round = do_create_round(
        name=ROUND_2024, year=2024, units=districts, acting_user=office, previous=previous
    )
    do_transition(round, "publish_scheme", acting_user=office, reason="评价前公布方案、标准和权重")
    do_transition(round, "open_collection", acting_user=office)
    rows = {r["unit_code"]: r for r in read_rows(2024)}
    for i, unit in enumerate(districts[:10]):
        submission = sub.submission_for(round, unit)
        sub.do_save_draft(submission, numbers(rows[unit.code]), acting_user=_unit_user(unit))
        if i < 8:
            sub.do_submit(submission, acting_user=_unit_user(unit))
        if i < 4:
            sub.do_verify(submission, acting_user=agency)
        if i == 5:
            sub.do_return(
                submission,
                reasons={"fund_expenditure": "支出数与财务报表不一致，请核对"},
                general="请于期限内整改",
                deadline=timezone.localdate() + timedelta(days=7),
                acting_user=agency,
            )
    group = ExpertGroup.objects.create(round=round, name="政策落实考核小组")
    group.members.set([people["expert1"], people["expert2"], people["expert3"]])
    for expert in (people["expert1"], people["expert2"], people["expert3"]):
        for unit in districts[:8]:
            Assignment.objects.get_or_create(group=group, expert=expert, unit=unit)
    return round
