"""Issue 11: no input can produce a 500. Numbers typed into pages are read as the table
reader reads cells (full-width digits, proper thousands separators; never NaN, infinity or
the ambiguous ``1,2``), with a Chinese message naming the field; ids that are not ids are
refused; and a walk posts hostile values to every page as every role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaoping.web.submissions.models import Submission

from .test_security_permissions import fill, patterns, url_ids


def save(client, round, unit, data):
    url = reverse("submissions:save", args=[round.pk, unit.pk])
    return client.post(url, data)


@pytest.mark.parametrize("typed", ["NaN", "inf", "-Infinity", "1e309", "1,2", "12,34,5", "１,２"])
def test_a_value_that_is_not_a_finite_unambiguous_number_is_refused_naming_the_field(world, typed):
    round = world.collecting()
    response = save(
        world.client(world.dong_user), round, world.dongcheng, {"local_raised": typed, "save": "1"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "当年本级财政筹集就业专项资金：" in text and "不是数字" in text  # names the field
    assert not Submission.objects.filter(round=round, values__has_key="local_raised").exists()


def test_the_ambiguous_comma_is_explained(world):
    round = world.collecting()
    response = save(
        world.client(world.dong_user), round, world.dongcheng, {"local_raised": "1,2", "save": "1"}
    )
    assert "千分位" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１２３４５", 12345.0),
        ("1,234,567.8", 1234567.8),
        ("１２，３４５．５", 12345.5),
        (" 1234 ", 1234.0),
        ("-0", 0.0),
    ],
)
def test_what_chinese_excel_users_type_is_accepted(world, typed, stored):
    round = world.collecting()
    response = save(
        world.client(world.dong_user), round, world.dongcheng, {"local_raised": typed, "save": "1"}
    )
    assert response.status_code == 302
    assert Submission.objects.get(round=round).values["local_raised"] == stored


def test_a_non_numeric_id_is_refused_not_a_server_error(world):
    round = world.collecting()
    client = world.client(world.office)
    client.raise_request_exception = False
    for value in ("abc", "²", "1e3", "-1", "99999999999999999999999", ""):
        response = client.post(
            reverse("experts:recuse", args=[round.pk]),
            {"expert": value, "unit": value, "reason": "x"},
        )
        assert response.status_code in (400, 404), value  # 400: 19 digits or more


@pytest.mark.postgres
def test_a_number_too_long_for_any_database_integer_is_refused_with_400(world):
    client = world.client(world.office)
    response = client.post(reverse("schemes:new_round"), {"units": "9" * 23, "name": "x"})
    assert response.status_code == 400
    assert "19" in response.content.decode()


def test_a_nul_character_is_refused_with_400(world):
    round = world.collecting()
    client = world.client(world.dong_user)
    response = save(client, round, world.dongcheng, {"local_raised": "1", "reason": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


HOSTILE = [
    "NaN",
    "inf",
    "1e309",
    "1,2",
    "abc",
    "²",
    "-1",
    "99999999999999999999999",
    "",
    "２０２４",
    "<script>",
    "' OR 1=1 --",
    "9" * 5000,
]
FIELDS = [
    "unit",
    "expert",
    "experts",
    "members",
    "units",
    "items",
    "panel",
    "name",
    "reason",
    "reasons",
    "decision",
    "reasoning",
    "field",
    "value",
    "comment",
    "target",
    "deadline",
    "general",
    "version",
    "docx",
    "run",
    "page",
    "format",
    "round",
    "user",
    "action",
    "since",
    "until",
    "key",
    "save",
    "submit",
    "local_raised",
    "year",
]


def test_hostile_values_posted_to_every_page_never_give_a_server_error(world):
    round = world.published()
    ids = url_ids(round, world.dongcheng)
    # The documents read no form input (only their URL) and take seconds each to render:
    # tests/web/test_reports_web.py covers them.
    # /healthz is the service probe (no input; 503 while no job worker runs, as in tests).
    slow = {"logout", "unit_report", "round_report", "healthz"}
    routes = [(name, fill(route, ids)) for route, name in patterns() if name not in slow]
    failures = []
    for offset, role in enumerate(["office", "agency", "committee", "dong_user", "expert1"]):
        client: Client = world.client(getattr(world, role))
        client.raise_request_exception = False
        for index, (name, route) in enumerate(routes):
            value = HOSTILE[(index + offset) % len(HOSTILE)]
            data = {field: value for field in FIELDS}
            for response in (client.get(route, data), client.post(route, data)):
                if response.status_code >= 500:
                    failures.append((role, name, route, value[:20], response.status_code))
    assert failures == []
