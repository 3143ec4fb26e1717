"""Tampering outside the application is caught: direct SQL edits of every kind of row the
log vouches for, a cut log tail, forged checkpoints, and the CLI names each (issue 10)."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from django.db import connection
from django.urls import reverse

from kaoping.cli.main import app
from kaoping.web.audit.anchors import verify_log
from kaoping.web.audit.models import AuditEntry
from kaoping.web.results.models import ScoringRun, UnitResult
from kaoping.web.rounds.models import Round
from kaoping.web.submissions.models import Submission

# On PostgreSQL too: direct SQL edits of vouched rows.
pytestmark = pytest.mark.postgres


@pytest.fixture
def published(world, django_capture_on_commit_callbacks):
    # Checkpoints are written once an action commits: run the callbacks as a server would.
    with django_capture_on_commit_callbacks(execute=True):
        round = world.published()
    return round


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_published_round_verifies_with_its_checkpoints(published, settings):
    report = verify_log()
    assert report.ok, report.problems()
    [path] = settings.KAOPING_CHECKPOINT_DIR.glob("checkpoints-*.jsonl")
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert report.checkpoints == len(lines) > 1  # one per entry written since the capture
    assert lines[-1]["count"] == AuditEntry.objects.count() == report.chain.count
    assert lines[-1]["head"] == report.chain.head and lines[-1]["signature"]


def test_a_raised_published_total_is_named_and_flagged_on_the_pages(published, world):
    run = ScoringRun.latest_done(published)
    row = UnitResult.objects.get(run=run, unit=world.dongcheng)
    sql("UPDATE results_unitresult SET total = %s WHERE id = %s", [row.total + 5, row.pk])
    report = verify_log()
    assert not report.ok
    problems = "\n".join(report.problems("zh"))
    assert "110101" in problems and "总分" in problems
    assert any(p.model == "results.scoringrun" and "unit 110101" in p.fields for p in report.rows)
    page = (
        world.client(world.office)
        .get(reverse("results:ranking", args=[published.pk]))
        .content.decode()
    )
    assert "与评价日志" in page or "不符" in page
    unit_page = (
        world.client(world.office)
        .get(reverse("results:unit", args=[published.pk, world.dongcheng.pk]))
        .content.decode()
    )
    assert "不符" in unit_page


def test_a_changed_published_rank_is_named(published, world):
    run = ScoringRun.latest_done(published)
    row = UnitResult.objects.get(run=run, unit=world.xicheng)
    sql(
        "UPDATE results_unitresult SET rank = %s WHERE id = %s", [1 if row.rank != 1 else 2, row.pk]
    )
    problems = "\n".join(verify_log().problems("en"))
    assert "unit 110102: stored rank" in problems


def test_a_changed_verified_value_is_named_with_its_entry(published, world):
    submission = Submission.objects.get(round=published, unit=world.dongcheng)
    values = dict(submission.values)
    key = next(iter(values))
    values[key] = (values[key] or 0) + 1
    sql(
        'UPDATE submissions_submission SET "values" = %s WHERE id = %s',
        [json.dumps(values), submission.pk],
    )
    report = verify_log(rederive=False)
    [problem] = report.rows
    assert (problem.model, problem.pk, problem.fields) == (
        "submissions.submission",
        str(submission.pk),
        ("values",),
    )
    vouching = AuditEntry.objects.get(pk=problem.entry_id)
    assert vouching.object_id == str(submission.pk) or vouching.unit_id == world.dongcheng.pk
    assert f"#{problem.entry_id}" in problem.render("zh")


def test_a_changed_round_state_is_named(published):
    sql("UPDATE rounds_round SET state = %s WHERE id = %s", ["collection", published.pk])
    report = verify_log(rederive=False)
    assert [(p.model, p.fields) for p in report.rows] == [("rounds.round", ("state",))]


@pytest.mark.parametrize("cut", [1, 20, "all"])
def test_cutting_the_log_tail_is_caught_by_the_checkpoints(published, cut):
    ids = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True))
    doomed = ids if cut == "all" else ids[:cut]
    AuditEntry.objects.filter(pk__in=doomed)._raw_delete(AuditEntry.objects.db)
    report = verify_log(rederive=False)
    assert report.chain.ok  # what is left is still a valid chain ...
    assert report.anchor_problem is not None  # ... but the checkpoints say it was longer
    text = report.anchor_problem.render("en")
    assert f"says {len(ids)} entries" in text, text
    assert "截断" in report.anchor_problem.render("zh")


def test_a_forged_checkpoint_line_is_named(published, settings):
    path = next(settings.KAOPING_CHECKPOINT_DIR.glob("checkpoints-*.jsonl"))
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["count"] += 1000
    path.write_text("\n".join([*lines, json.dumps(forged)]) + "\n")
    report = verify_log(rederive=False)
    assert report.forged_checkpoints == [f"{path.name}:{len(lines) + 1}"]


def test_a_log_rewritten_from_some_point_on_is_caught(published, settings):
    """Someone holding the log key, but not the signing key, re-chains the newest entries
    from a changed one: the chain is valid again, the checkpoints are not."""
    from kaoping.web.audit.log import entry_hash

    entries = list(AuditEntry.objects.order_by("id"))
    target = entries[-3]
    previous = entries[-4].hash
    for entry in entries[-3:]:
        if entry.pk == target.pk:
            entry.actor_name = "someone else"
        entry.prev_hash = previous
        entry.hash = entry_hash(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(
            actor_name=entry.actor_name, prev_hash=entry.prev_hash, hash=entry.hash
        )
        previous = entry.hash
    report = verify_log(rederive=False)
    assert report.chain.ok and report.anchor_problem is not None
    assert report.anchor_problem.kind == "rewritten"


def test_kaoping_log_verify_names_a_cut_tail_and_exits_2(published):
    runner = CliRunner()
    ok = runner.invoke(app, ["log", "verify", "--lang", "zh"])
    assert ok.exit_code == 0, ok.output
    assert "签名检查点" in ok.output
    last = AuditEntry.objects.order_by("-id").first()
    AuditEntry.objects.filter(pk=last.pk)._raw_delete(AuditEntry.objects.db)
    bad = runner.invoke(app, ["log", "verify", "--lang", "zh"])
    assert bad.exit_code == 2
    assert "日志被截断" in bad.output and f"#{last.pk}" in bad.output


def test_round_state_change_through_the_application_is_not_a_false_alarm(published, world):
    from kaoping.web.workflow.actions import do_transition

    do_transition(published, "close", acting_user=world.office)
    assert Round.objects.get(pk=published.pk).state == "closed"
    report = verify_log()
    assert report.ok, report.problems()


def test_after_a_key_rotation_old_signatures_still_verify_and_new_ones_use_the_new_key(
    published, world, settings, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from kaoping.archive import signing
    from kaoping.web.workflow.actions import do_transition

    old = {p.stem for p in settings.KAOPING_KEYS_DIR.glob("*.pub")}
    call_command("rotate_signing_key", stdout=io.StringIO())
    new = {p.stem for p in settings.KAOPING_KEYS_DIR.glob("*.pub")} - old
    assert len(old) == len(new) == 1
    with django_capture_on_commit_callbacks(execute=True):
        do_transition(published, "close", acting_user=world.office)
    [path] = settings.KAOPING_CHECKPOINT_DIR.glob("checkpoints-*.jsonl")
    key_ids = [json.loads(line)["key_id"] for line in path.read_text().splitlines()]
    assert set(key_ids) == old | new and key_ids[-1] in new
    assert verify_log().ok
    # Without the old public key the old checkpoints no longer count as signed.
    (settings.KAOPING_KEYS_DIR / f"{next(iter(old))}.pub").unlink()
    assert verify_log(rederive=False).forged_checkpoints
    assert signing.key_id(signing.load_or_create(settings.KAOPING_KEYS_DIR).public_key()) in new
