"""Issue 6.1: every state change writes one chained entry; tampering is found and named."""

from __future__ import annotations

import io

import openpyxl
import pytest
from click.testing import CliRunner
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from kaoping.archive.chain import check_entries
from kaoping.cli.main import app
from kaoping.web.accounts.models import Membership, Role
from kaoping.web.audit.log import chain_entries, check_chain, log_key, record
from kaoping.web.audit.models import AuditEntry
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission

from .conftest import days

# On PostgreSQL too: the chain's appends and the database's refusal to change entries.
pytestmark = pytest.mark.postgres


def actions_of(**filters) -> list[str]:
    return list(
        AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


def test_a_whole_round_logs_every_state_change_in_order(world):
    round = world.published()
    from kaoping.web.workflow.actions import do_transition

    do_transition(round, "close", acting_user=world.office)
    logged = set(actions_of(round=round))
    assert {
        "round.create",
        "round.publish_scheme",
        "round.open_collection",
        "submission.save_draft",
        "submission.submit",
        "submission.verify",
        "round.start_verification",
        "round.start_scoring",
        "results.start_run",
        "results.run_done",
        "round.submit_for_review",
        "round.approve",
        "results.publish",
        "round.publish_results",
        "round.close",
    } <= logged
    assert check_chain().ok


def test_value_changes_after_submission_log_old_and_new_value_who_and_why(world):
    round = world.collecting()
    world.submit_all(round, verify=False)
    s = Submission.objects.get(round=round, unit=world.dongcheng)
    sub.do_return(
        s,
        reasons={"local_raised": "与决算不符"},
        general="",
        deadline=days(3),
        acting_user=world.agency,
    )
    old = s.values["local_raised"]
    sub.do_save_draft(
        s, {"local_raised": old + 10}, acting_user=world.dong_user, reason="按决算更正"
    )
    entry = AuditEntry.objects.filter(action="submission.save_draft", unit=world.dongcheng).last()
    assert entry.actor_name == "u110101"
    assert entry.data["changed"] == {"local_raised": [old, old + 10]}
    assert entry.data["reason"] == "按决算更正"
    assert actions_of(unit=world.dongcheng)[-2] == "submission.return"


def test_logins_failed_logins_and_logouts_are_logged(world):
    client = world.client(world.office)  # force_login sends user_logged_in too
    assert AuditEntry.objects.filter(action="auth.login", actor=world.office).count() == 1
    client.post(reverse("logout"))
    assert AuditEntry.objects.filter(action="auth.logout", actor=world.office).exists()
    from django.test import Client

    Client().post(reverse("login"), {"username": "office", "password": "wrong-password"})
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.actor is None and failed.actor_name == "office"
    assert failed.data["username"] == "office" and failed.data["ip"] == "127.0.0.1"
    assert "wrong-password" not in str(failed.data)


def test_permission_changes_are_logged_with_the_administrator_who_made_them(world):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="root-password-1")
    client = world.client(root)
    membership = Membership.objects.get(user=world.expert1)
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": world.expert1.pk, "role": Role.AGENCY, "unit": "", "organisation": "评价机构"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="accounts.membership_change").last()
    assert entry.actor == root and entry.data["role"] == "agency"
    world.expert2.is_staff = True
    world.expert2.save()
    change = AuditEntry.objects.filter(action="accounts.permissions_change").last()
    assert change.data["changed"] == {"is_staff": [False, True]}


def test_the_chain_names_an_altered_entry(world):
    entries = [record("test.n", world.office, data={"i": i}) for i in range(4)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["agency", entries[2].pk]
        )
    problem = check_chain().problem
    assert (problem.entry_id, problem.kind, problem.after_id) == (
        entries[2].pk,
        "altered",
        entries[1].pk,
    )


def test_the_chain_names_the_place_of_a_removed_entry(world):
    entries = [record("test.n", world.office, data={"i": i}) for i in range(4)]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    problem = check_chain().problem
    assert (problem.entry_id, problem.kind, problem.after_id) == (
        entries[2].pk,
        "removed",
        entries[0].pk,
    )
    assert f"#{entries[0].pk}" in problem.render("zh") and "删除" in problem.render("zh")


def test_the_chain_names_an_inserted_entry(world):
    entries = [record("test.n", world.office, data={"i": i}) for i in range(3)]
    # An entry slipped in after the fact (the gap of a deleted one), linked to look right.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    forged = AuditEntry(
        pk=entries[1].pk,
        at=entries[1].at,
        action="round.approve",
        actor_name="committee",
        data={},
        prev_hash=entries[0].hash,
        hash="f" * 64,
    )
    AuditEntry.objects.bulk_create([forged])
    # Now entry 2 (intact) chains to the deleted original: judge the forged one.
    problem = check_chain().problem
    assert problem.entry_id == entries[1].pk and problem.kind == "altered"
    # A successor chaining past the forged entry would share its predecessor: the unique
    # constraint on prev_hash refuses that fork even to SQL ...
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET prev_hash = %s WHERE id = %s",
            [entries[0].hash, entries[2].pk],
        )
    # ... and a chain exported with such a fork names the inserted entry.
    rows = list(chain_entries())
    at = next(i for i, row in enumerate(rows) if row["id"] == entries[2].pk)
    rows[at] = {**rows[at], "prev_hash": entries[0].hash}
    problem = check_entries(rows, log_key()).problem
    assert (problem.entry_id, problem.kind) == (entries[1].pk, "inserted")


def test_kaoping_log_verify_checks_the_database_and_names_the_tampered_entry(world):
    round = world.collecting()
    runner = CliRunner()
    ok = runner.invoke(app, ["log", "verify", "--lang", "zh"])
    assert ok.exit_code == 0, ok.output
    assert "评价日志完整" in ok.output and check_chain().head in ok.output
    target = AuditEntry.objects.get(round=round, action="round.publish_scheme")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"from": "forged"}', target.pk]
        )
    bad = runner.invoke(app, ["log", "verify", "--lang", "en"])
    assert bad.exit_code == 2
    assert f"entry #{target.pk} was altered" in bad.output


def test_the_log_page_filters_by_round_unit_user_action_and_date(world):
    round = world.collecting()
    world.submit_all(round, verify=False)
    client = world.client(world.office)
    base = reverse("audit:log")
    page = client.get(base, {"round": round.pk, "unit": "110102", "action": "submission."})
    text = page.content.decode()
    assert "submission.submit" in text and "u110102" in text and "u110101" not in text
    by_user = client.get(base, {"user": "u110105"}).content.decode()
    assert "u110105" in by_user and "round.create" not in by_user
    today = days(0).isoformat()
    assert "round.create" in client.get(base, {"since": today, "until": today}).content.decode()
    assert "round.create" not in client.get(base, {"until": days(-1).isoformat()}).content.decode()
    verify = client.get(base, {"verify": "1"}).content.decode()
    assert 'id="chain-intact"' in verify


def test_the_export_keeps_the_filters_and_neutralises_formulas(world):
    from django.test import Client

    world.round()
    Client().post(reverse("login"), {"username": '=HYPERLINK("http://x")', "password": "x"})
    response = world.client(world.office).get(
        reverse("audit:log"), {"format": "xlsx", "action": "auth.login_failed"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][2] == "auth.login_failed"
    assert rows[0][3] == '\'=HYPERLINK("http://x")'
    lines = world.client(world.office).get(reverse("audit:log"), {"format": "jsonl"})
    assert lines.content.decode().count("\n") == AuditEntry.objects.count()


def test_the_log_cannot_be_edited_or_deleted_in_the_admin(world):
    from django.contrib.auth import get_user_model

    entry = record("test.one", world.office)
    root = get_user_model().objects.create_superuser("root", password="root-password-1")
    client = world.client(root)
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    change = client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "forged"}
    )
    assert change.status_code == 403
    delete = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    bulk = client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.one").exists()
    assert bulk.status_code in (200, 302, 403)
    assert check_chain().ok
