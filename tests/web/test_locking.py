"""Issue 6.4: two people saving the same submission never silently overwrite each other."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kaoping.web.accounts.models import Membership
from kaoping.web.schemes.fields import template_scheme
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.data import one_row_csv
from kaoping.web.submissions.models import Submission

from .conftest import demo_rows, numbers

# On PostgreSQL too: optimistic locking of concurrent saves.
pytestmark = pytest.mark.postgres


def shown_version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_a_stale_save_is_refused_with_a_clear_message_and_nothing_is_lost(world):
    round = world.collecting()
    colleague = get_user_model().objects.create_user("u110101b", password="x")
    Membership.objects.create(user=colleague, role="unit", unit=world.dongcheng)
    page_url = reverse("submissions:unit", args=[round.pk, world.dongcheng.pk])
    save_url = reverse("submissions:save", args=[round.pk, world.dongcheng.pk])
    first, second = world.client(world.dong_user), world.client(colleague)
    v1 = shown_version(first.get(page_url).content.decode())
    v2 = shown_version(second.get(page_url).content.decode())
    assert v1 == v2
    ok = first.post(save_url, {"local_raised": "111", "version": v1, "save": "1"})
    assert ok.status_code == 302
    stale = second.post(save_url, {"local_raised": "222", "version": v2, "save": "1"})
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "修改未保存" in text and "u110101" in text
    assert 'id="conflict"' in text and 'value="222"' in text  # the typed value is kept
    assert Submission.objects.get(round=round, unit=world.dongcheng).values["local_raised"] == 111
    # Saving again from the conflict page (now on the current version) is a deliberate overwrite.
    again = second.post(
        save_url, {"local_raised": "222", "version": shown_version(text), "save": "1"}
    )
    assert again.status_code == 302
    assert Submission.objects.get(round=round, unit=world.dongcheng).values["local_raised"] == 222


def test_every_save_bumps_the_version_and_the_action_refuses_an_old_one(world):
    round = world.collecting()
    s = sub.submission_for(round, world.dongcheng)
    assert s.version == 0
    s = sub.do_save_draft(s, {"local_raised": 1.0}, acting_user=world.dong_user, expected_version=0)
    assert s.version == 1
    with pytest.raises(sub.StaleEdit):
        sub.do_save_draft(s, {"local_raised": 2.0}, acting_user=world.dong_user, expected_version=0)
    assert Submission.objects.get(pk=s.pk).values["local_raised"] == 1.0


def test_a_stale_upload_is_refused_too(world):
    round = world.collecting()
    s = sub.submission_for(round, world.dongcheng)
    sub.do_save_draft(s, {"local_raised": 1.0}, acting_user=world.dong_user)
    row = numbers(next(r for r in demo_rows(2024) if r["unit_code"] == "110101"))
    # The unit's own columns, as its template has them (no price factor: the evaluator's).
    content = one_row_csv(template_scheme(round.scheme()), [(world.dongcheng, row)], round.year)
    with pytest.raises(sub.StaleEdit):
        sub.do_upload(s, content, "x.csv", acting_user=world.dong_user, expected_version=0)
    assert Submission.objects.get(pk=s.pk).values == {"local_raised": 1.0}
    unit_values = {k: v for k, v in row.items() if k != "price_factor"}  # the evaluator's
    assert (
        sub.do_upload(s, content, "x.csv", acting_user=world.dong_user, expected_version=1).values
        == unit_values
    )
