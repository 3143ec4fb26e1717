"""The evaluation log: one entry per action, append-only, hash-chained."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.audit.log import GENESIS, record, verify_chain
from kaoping.web.audit.models import AppendOnlyError, AuditEntry
from kaoping.web.workflow.actions import do_transition

# On PostgreSQL too: the log's appends and its append-only guard.
pytestmark = pytest.mark.postgres


def test_entries_chain_to_their_predecessor(world):
    first = record("test.one", world.office, data={"a": 1})
    second = record("test.two", world.agency, data={"b": "二"})
    assert second.prev_hash == first.hash
    assert AuditEntry.objects.order_by("id").first().prev_hash == GENESIS
    assert verify_chain() is None


def test_entries_cannot_be_changed_or_deleted_through_the_model(world):
    entry = record("test.one", world.office)
    entry.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_tampering_in_the_database_is_found_at_the_first_bad_entry(world):
    round = world.round()
    do_transition(round, "publish_scheme", acting_user=world.office)
    do_transition(round, "open_collection", acting_user=world.office)
    entries = list(AuditEntry.objects.order_by("id"))
    target = entries[1]
    AuditEntry.objects.filter(pk=target.pk).update(data={"from": "forged"})
    assert verify_chain().pk == target.pk


def test_deleting_an_entry_breaks_the_chain_after_it(world):
    for i in range(3):
        record("test.n", world.office, data={"i": i})
    entries = list(AuditEntry.objects.order_by("id"))
    AuditEntry.objects.filter(pk=entries[1].pk)._raw_delete(AuditEntry.objects.db)
    assert verify_chain().pk == entries[2].pk


def test_every_round_action_writes_its_entry_in_the_same_transaction(world):
    round = world.collecting()
    actions = list(AuditEntry.objects.filter(round=round).values_list("action", flat=True))
    assert actions == ["round.create", "round.publish_scheme", "round.open_collection"]
    entry = AuditEntry.objects.get(round=round, action="round.publish_scheme")
    assert entry.actor_name == "office" and entry.data["to"] == "scheme_published"


def test_the_log_page_is_for_staff_only_and_exports(world):
    world.round()
    assert world.client(world.dong_user).get(reverse("audit:log")).status_code == 403
    page = world.client(world.office).get(reverse("audit:log") + "?verify=1").content.decode()
    assert "round.create" in page
    export = world.client(world.office).get(reverse("audit:log") + "?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
