"""Durable tasks with real worker processes: a scoring run and a report job go through the
queue; a worker killed with SIGKILL mid-task loses nothing (the task runs again); a task
that raises, or is lost twice, fails its job with the reason and never blocks the round."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from kaoping.web.jobs.durable import MAX_ATTEMPTS

from .sites import SCORED_ROUND, Site

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    yield site
    site.close()


START_RUN = """
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.rounds.models import Round
from django.contrib.auth import get_user_model
run = do_start_scoring_run(Round.objects.get(pk={round}),
                           acting_user=get_user_model().objects.get(username="agency"))
print(json.dumps(run.pk))
"""

RUN_FINISHED = "SELECT status FROM results_scoringrun WHERE id = ? AND status IN ('done', 'failed')"

RUN_STATE = """
from kaoping.web.results.models import ScoringRun
run = ScoringRun.objects.get(pk={run})
print(json.dumps([run.status, run.message, run.unit_results.count()]))
"""


@pytest.mark.postgres
def test_a_scoring_run_is_queued_and_done_by_a_worker_process(site):
    round = site.python(SCORED_ROUND)["round"]
    run = site.python(START_RUN.format(round=round))
    # No worker yet: the run waits in the queue (it is a database row, not a thread).
    assert site.python(RUN_STATE.format(run=run))[0] == "queued"
    site.worker("w1")
    site.wait_for(RUN_FINISHED, (run,))
    assert site.python(RUN_STATE.format(run=run)) == ["done", "", 16]
    verify = site.manage("verify_log", check=False)
    assert verify.returncode == 0, verify.stderr


@pytest.mark.postgres
def test_a_killed_worker_loses_no_report_task(site):
    round = site.python(SCORED_ROUND)["round"]
    run = site.python(START_RUN.format(round=round))
    site.worker("w1")
    site.wait_for(RUN_FINISHED, (run,))
    site.workers[0].send_signal(signal.SIGTERM)
    site.workers[0].wait(30)
    job = site.python(f"""
from django.contrib.auth import get_user_model
from kaoping.web.results.models import ScoringRun
from kaoping.web.results.report_actions import do_start_report_job
run = ScoringRun.objects.get(pk={run})
job = do_start_report_job(run.round, run, acting_user=get_user_model().objects.get(username="agency"),
                          unit_codes=["110101", "110102", "110105"], with_docx=False)
print(json.dumps(job.pk))
""")
    victim = site.worker("victim")
    # Kill -9 the worker while it renders a unit's report.
    site.wait_for(
        "SELECT id FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
        "AND task_path LIKE '%render_unit_reports'",
        every=0.02,
    )
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    state = site.python(f"""
from kaoping.web.results.models import ReportJob
print(json.dumps(ReportJob.objects.get(pk={job}).status))
""")
    assert state in ("queued", "running")  # left behind by the dead worker
    site.worker("rescuer")
    site.wait_for(
        "SELECT id FROM results_reportjob WHERE id = ? AND status IN ('done', 'failed')",
        (job,),
        timeout=240,
    )
    done = site.python(f"""
from kaoping.web.results.models import ReportJob
job = ReportJob.objects.get(pk={job})
print(json.dumps([job.status, job.message, job.contents]))
""")
    assert done[0] == "done", done
    assert [n for n in done[2] if n.startswith("units/")] == [
        "units/110101-东城区-绩效评价报告.pdf",
        "units/110102-西城区-绩效评价报告.pdf",
        "units/110105-朝阳区-绩效评价报告.pdf",
    ]
    tasks = site.python("""
from django_tasks_db.models import DBTaskResult
print(json.dumps([[t.status, t.exception_class_path.rsplit(".", 1)[-1], t.args_kwargs["kwargs"]]
                  for t in DBTaskResult.objects.filter(task_path__endswith="render_unit_reports")]))
""")
    assert ["FAILED", "WorkerLost", {}] in tasks  # the task the killed worker held ...
    assert ["SUCCESSFUL", "", {"attempt": 2}] in tasks  # ... ran again on the rescuer
    assert site.manage("verify_log", check=False).returncode == 0


@pytest.mark.postgres
def test_a_task_that_raises_fails_its_job_with_the_reason_and_does_not_block(site):
    round = site.python(SCORED_ROUND)["round"]
    # Break a verified submission behind the application's back: its values are no longer a
    # mapping, so the run raises something unforeseen (not a KaopingError it would expect).
    site.python(f"""
from kaoping.web.submissions.models import Submission
Submission.objects.filter(round_id={round}, unit__code="110101").update(values=[1, 2])
print("null")
""")
    run = site.python(START_RUN.format(round=round))
    site.worker("w1")
    site.wait_for(RUN_FINISHED, (run,))
    state = site.python(RUN_STATE.format(run=run))
    assert state[0] == "failed" and state[1]  # the reason, for the page
    again = site.python(START_RUN.format(round=round))  # not refused: nothing is "running"
    assert again != run


@pytest.mark.postgres
def test_a_task_lost_twice_fails_its_job_and_frees_the_round(site):
    round = site.python(SCORED_ROUND)["round"]
    run = site.python(START_RUN.format(round=round))
    # The run's task as a dead worker left it on its last attempt (no worker heartbeat).
    site.python(f"""
import datetime
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from kaoping.web.jobs.models import WorkerBeat
from kaoping.web.results.models import ScoringRun
task = DBTaskResult.objects.get(task_path__endswith="compute_run")
task.args_kwargs["kwargs"] = {{"attempt": {MAX_ATTEMPTS}}}
task.status, task.worker_ids, task.started_at = "RUNNING", ["gone"], timezone.now()
task.save()
WorkerBeat.objects.create(worker_id="gone", hostname="x", pid=1, started_at=timezone.now(),
                          seen_at=timezone.now() - datetime.timedelta(minutes=5))
ScoringRun.objects.filter(pk={run}).update(status="running")
print("null")
""")
    # The next start recovers the lost task first: the run fails with the reason ...
    again = site.python(START_RUN.format(round=round))
    state = site.python(RUN_STATE.format(run=run))
    assert state[0] == "failed" and "后台进程在执行中退出" in state[1]
    # ... and the new run goes ahead.
    assert again != run


def test_gunicorn_serves_the_application_and_healthz_sees_the_worker(site):
    import json
    import socket
    import subprocess
    import time
    import urllib.error
    import urllib.request

    from .sites import ROOT

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "kaoping.web.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    site.workers.append(server)

    def health():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    deadline = time.monotonic() + 60
    while True:
        try:
            status, body = health()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
    assert status == 503 and body["workers"] == "no worker heartbeat"
    site.worker("w1")
    deadline = time.monotonic() + 60
    while health()[0] != 200:
        assert time.monotonic() < deadline, health()
        time.sleep(0.3)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=60) as page:
        assert page.headers["Server"] == "gunicorn" and "登录" in page.read().decode()


CLOSE_PUBLISHED = """
from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.rounds.models import ArchiveBuild, Round
from kaoping.web.workflow.actions import do_transition
user = get_user_model().objects.get
round = Round.objects.get(pk={round})
with override_settings(KAOPING_JOBS_INLINE=True):
    do_start_scoring_run(round, acting_user=user(username="agency"))
    do_transition(round, "submit_for_review", acting_user=user(username="office"))
    do_transition(round, "approve", acting_user=user(username="committee"))
    do_transition(round, "publish_results", acting_user=user(username="office"))
do_transition(round, "close", acting_user=user(username="office"))  # queued, not built in the request
round.refresh_from_db()
build = ArchiveBuild.objects.get(round=round)
print(json.dumps([round.state, build.pk, build.status, round.archives.count()]))
"""

BUILD_FINISHED = "SELECT status FROM rounds_archivebuild WHERE id = ? AND status != 'queued'"

BUILD_STATE = """
from kaoping.archive import verify_bundle
from kaoping.web.audit.models import AuditEntry
from kaoping.web.rounds.models import ArchiveBuild
build = ArchiveBuild.objects.select_related("archive").get(pk={build})
pinned = AuditEntry.objects.filter(action="round.archive", data__build={build}).first()
print(json.dumps([build.status, build.message, verify_bundle(build.archive.file.path).ok,
                  pinned.data["archive_manifest_sha256"] == build.archive.manifest_sha256]))
"""


@pytest.mark.postgres
def test_closing_queues_the_archive_and_a_worker_process_builds_it(site):
    round = site.python(SCORED_ROUND)["round"]
    state, build, status, archives = site.python(CLOSE_PUBLISHED.format(round=round))
    # Closed at once; the archive waits in the queue (a database row) for a worker.
    assert (state, status, archives) == ("closed", "queued", 0)
    site.worker("w1")
    site.wait_for(BUILD_FINISHED, (build,))
    assert site.python(BUILD_STATE.format(build=build)) == ["done", "", True, True]
    verify = site.manage("verify_log", check=False)
    assert verify.returncode == 0, verify.stderr
