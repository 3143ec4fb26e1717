"""Settings from the environment, the demo command, the language switch."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaoping.web.accounts.models import Membership
from kaoping.web.audit.log import verify_chain
from kaoping.web.results.models import Publication
from kaoping.web.rounds.models import Round
from kaoping.web.settings import database_from_url
from kaoping.web.units.models import Unit

from .conftest import ROOT


def test_database_urls_for_sqlite_and_postgresql():
    pg = database_from_url("postgres://kp:p%40ss@db.local:5433/kaoping")
    assert pg == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "kaoping",
        "USER": "kp",
        "PASSWORD": "p@ss",
        "HOST": "db.local",
        "PORT": "5433",
    }
    assert database_from_url("sqlite:////srv/kp.sqlite3")["NAME"] == "/srv/kp.sqlite3"
    with pytest.raises(ValueError):
        database_from_url("mysql://x/y")


def test_the_development_secret_key_is_flagged_by_the_deployment_check(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "DEBUG": "0"}
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "security.W009" in done.stderr + done.stdout  # the insecure SECRET_KEY


@pytest.mark.postgres
@pytest.mark.django_db
def test_load_demo_builds_beijing_two_rounds_and_every_role_and_is_idempotent(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "u110119" in out.getvalue() and "kaoping-demo" in out.getvalue()
    assert Unit.objects.get(code="110000").children.count() == 16
    closed = Round.objects.get(year=2023)
    collecting = Round.objects.get(year=2024)
    assert closed.state == "closed" and Publication.current(closed).version == 1
    assert collecting.state == "collection" and collecting.previous == closed
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"admin", "office", "agency", "expert", "committee", "leading_group", "unit"}
    assert Round.objects.count() == 2
    assert verify_chain() is None


def test_chinese_is_the_default_whatever_the_browser_says_and_english_is_switchable(world):
    client = world.client(world.office)
    page = client.get(reverse("rounds:list"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "评价批次" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/rounds/"})
    page = client.get(reverse("rounds:list")).content.decode()
    assert "Evaluation rounds" in page
