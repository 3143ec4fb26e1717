"""A failed job shows its reason and a retry button; a queued one says when no worker runs."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.results.actions import do_start_scoring_run, fail_run
from kaoping.web.results.models import RunStatus, ScoringRun


def test_a_failed_run_shows_the_reason_and_retrying_starts_a_new_version(world):
    round = world.scored()
    run = ScoringRun.objects.get(round=round)
    ScoringRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    fail_run("后台进程在执行中退出（已尝试 2 次）", run.pk)
    client = world.client(world.agency)
    page = client.get(reverse("results:progress", args=[round.pk, run.version])).content.decode()
    assert "后台进程在执行中退出" in page and 'id="retry-run"' in page
    client.post(reverse("results:start_run", args=[round.pk]))
    assert ScoringRun.objects.filter(round=round).latest("version").status == RunStatus.DONE
    assert ScoringRun.objects.filter(round=round).count() == 2


def test_a_queued_run_without_a_worker_says_so(world, settings):
    round = world.scored()
    settings.KAOPING_JOBS_INLINE = False
    run = do_start_scoring_run(round, acting_user=world.agency)  # queued as a task row
    page = (
        world.client(world.agency)
        .get(reverse("results:progress", args=[round.pk, run.version]))
        .content.decode()
    )
    assert run.status == RunStatus.QUEUED and "等待后台进程" in page
