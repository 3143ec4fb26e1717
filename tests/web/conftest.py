"""Fixtures for the web application's tests: real database, real files, the Django client."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from kaoping.web.accounts.models import Membership, Role
from kaoping.web.rounds.actions import do_create_round
from kaoping.web.submissions import actions as sub
from kaoping.web.units.models import Unit, UnitLevel
from kaoping.web.workflow.actions import do_transition

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _web_settings(settings, tmp_path):
    settings.KAOPING_JOBS_INLINE = True  # background jobs run inline: the test sees the result
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KAOPING_KEYS_DIR = tmp_path / "keys"
    settings.KAOPING_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "zh-hans"


def demo_rows(year: int) -> list[dict]:
    with open(EXAMPLES / f"mof-2012-demo-{year}.csv", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def numbers(row: dict) -> dict:
    return {k: float(v) for k, v in row.items() if k not in ("unit_code", "unit_name", "year")}


def make_user(username: str, role: str | None = None, unit=None):
    account = get_user_model().objects.create_user(username=username, password="pw-" + username)
    if role:
        Membership.objects.create(user=account, role=role, unit=unit)
    return account


class World:
    """Beijing, its 16 districts and one user per role (plus two units' users)."""

    def __init__(self):
        self.beijing = Unit.objects.create(code="110000", name="北京市", level=UnitLevel.PROVINCE)
        self.districts = [
            Unit.objects.create(code=r["unit_code"], name=r["unit_name"], parent=self.beijing)
            for r in demo_rows(2024)
        ]
        self.dongcheng, self.xicheng = self.districts[0], self.districts[1]
        self.office = make_user("office", Role.OFFICE)
        self.agency = make_user("agency", Role.AGENCY)
        self.committee = make_user("committee", Role.COMMITTEE)
        self.expert1 = make_user("expert1", Role.EXPERT)
        self.expert2 = make_user("expert2", Role.EXPERT)
        self.admin = make_user("admin", Role.ADMIN)
        self.unit_users = {u.code: make_user(f"u{u.code}", Role.UNIT, u) for u in self.districts}
        self.dong_user = self.unit_users["110101"]
        self.xi_user = self.unit_users["110102"]
        self.outsider = make_user("nobody")

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def round(self, year: int = 2024, **kwargs):
        return do_create_round(
            name=f"北京市{year}年度评价",
            year=year,
            units=self.districts,
            acting_user=self.office,
            **kwargs,
        )

    def collecting(self, year: int = 2024, **kwargs):
        round = self.round(year, **kwargs)
        do_transition(round, "publish_scheme", acting_user=self.office)
        do_transition(round, "open_collection", acting_user=self.office)
        return round

    def submit_all(self, round, verify: bool = True):
        rows = {r["unit_code"]: r for r in demo_rows(round.year)}
        for unit in self.districts:
            s = sub.submission_for(round, unit)
            sub.do_save_draft(s, numbers(rows[unit.code]), acting_user=self.unit_users[unit.code])
            sub.do_submit(s, acting_user=self.unit_users[unit.code])
            if verify:
                sub.do_verify(s, acting_user=self.agency)

    def scored(self, year: int = 2024, **kwargs):
        """A round with all data verified and one finished scoring run, in state scoring."""
        from kaoping.web.results.actions import do_start_scoring_run

        round = self.collecting(year, **kwargs)
        self.submit_all(round)
        do_transition(round, "start_verification", acting_user=self.office)
        do_transition(round, "start_scoring", acting_user=self.office)
        do_start_scoring_run(round, acting_user=self.agency)
        round.refresh_from_db()
        return round

    def published(self, year: int = 2024, **kwargs):
        round = self.scored(year, **kwargs)
        do_transition(round, "submit_for_review", acting_user=self.office)
        do_transition(round, "approve", acting_user=self.committee)
        do_transition(round, "publish_results", acting_user=self.office)
        round.refresh_from_db()
        return round


@pytest.fixture
def world(db) -> World:
    return World()


def days(n: int):
    return timezone.localdate() + timedelta(days=n)
