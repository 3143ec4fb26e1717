"""Operations: /healthz, request ids and users in log lines, refused logins and 500s logged."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone

from kaoping.web.jobs.models import WorkerBeat
from kaoping.web.logs import RequestContextFilter


def test_healthz_needs_a_recent_worker_heartbeat(db, settings):
    client = Client()
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "fail",
        "database": "ok",
        "workers": "no worker heartbeat",
        "checkpoints": "ok",
    }
    now = timezone.now()
    WorkerBeat.objects.create(
        worker_id="old", hostname="h", pid=1, started_at=now, seen_at=now - timedelta(minutes=10)
    )
    assert client.get("/healthz").status_code == 503  # a dead worker does not count
    WorkerBeat.objects.create(worker_id="w", hostname="h", pid=2, started_at=now, seen_at=now)
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json()["workers"] == "ok (1)"


def test_healthz_fails_when_checkpoints_cannot_be_written(db, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.KAOPING_CHECKPOINT_DIR = blocker / "checkpoints"
    WorkerBeat.objects.create(
        worker_id="w", hostname="h", pid=2, started_at=timezone.now(), seen_at=timezone.now()
    )
    answer = Client().get("/healthz")
    assert answer.status_code == 503 and answer.json()["checkpoints"].startswith("not writable")


def test_every_response_carries_a_request_id_and_keeps_a_proxys(db):
    client = Client()
    mine = client.get("/healthz")["X-Request-ID"]
    assert len(mine) == 16 and mine != client.get("/healthz")["X-Request-ID"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-42")["X-Request-ID"] == "lb-42"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def explode(request):
    raise RuntimeError("kaboom")


urlpatterns = [path("explode/", explode)]


@pytest.fixture
def log_lines(settings):
    """Lines as the configured stderr handler writes them (format and filter from LOGGING)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["line"]["format"]))
    loggers = [logging.getLogger(n) for n in ("django.request", "kaoping.auth", "kaoping.jobs")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


@override_settings(ROOT_URLCONF=__name__)
def test_a_500_is_logged_with_request_id_and_user(world, log_lines):
    client = world.client(world.office)
    client.raise_request_exception = False
    response = client.get("/explode/", HTTP_X_REQUEST_ID="req-500")
    assert response.status_code == 500
    text = log_lines.getvalue()
    assert "[req=req-500 user=office] Internal Server Error: /explode/" in text
    assert "RuntimeError: kaboom" in text


def test_a_refused_login_is_logged_without_the_password(world, log_lines):
    Client().post("/login/", {"username": "office", "password": "wrong-secret-123"})
    text = log_lines.getvalue()
    assert "refused login for 'office'" in text
    assert "wrong-secret-123" not in text


def test_the_logging_setting_sends_everything_to_stderr_with_context(settings):
    handlers = settings.LOGGING["handlers"]
    assert handlers["stderr"]["filters"] == ["context"]
    assert "%(request_id)s" in settings.LOGGING["formatters"]["line"]["format"]
    assert settings.LOGGING["loggers"]["django"]["handlers"] == list(handlers)
