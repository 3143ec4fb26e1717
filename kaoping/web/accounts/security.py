"""Login lockout, client addresses and the initial-password rule (issue 6, hardening).

A user name is locked for ``KAOPING_LOCKOUT_MINUTES`` after ``KAOPING_LOCKOUT_FAILURES``
failed logins from one address within that window; a successful login clears the count.
Failures are counted per user name *and* address, so an attacker guessing from one machine
cannot lock a colleague out of his own office PC.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kaoping.web.accounts.models import LoginFailure

DEFAULT_FAILURES = 5
DEFAULT_MINUTES = 15


def lockout_failures() -> int:
    return int(getattr(settings, "KAOPING_LOCKOUT_FAILURES", DEFAULT_FAILURES))


def lockout_window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KAOPING_LOCKOUT_MINUTES", DEFAULT_MINUTES)))


def client_ip(request) -> str:
    """The client's address as the server sees it (a proxy must pass REMOTE_ADDR through)."""
    if request is None:
        return ""
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def normalised(username: str | None) -> str:
    return (username or "").strip()[:150]


def locked_until(username: str | None, ip: str, now: datetime | None = None) -> datetime | None:
    """When the lockout of ``username`` from ``ip`` ends, or None when it is not locked."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(
        username=normalised(username), ip=ip, at__gte=now - lockout_window()
    ).order_by("-at")
    times = list(recent.values_list("at", flat=True)[: lockout_failures()])
    if len(times) < lockout_failures():
        return None
    return times[0] + lockout_window()


def note_failure(username: str | None, ip: str) -> None:
    LoginFailure.objects.create(username=normalised(username), ip=ip, at=timezone.now())


def clear_failures(username: str | None, ip: str) -> None:
    LoginFailure.objects.filter(username=normalised(username), ip=ip).delete()


class LockoutBackend(ModelBackend):
    """Django's model backend that refuses every password while the name is locked out.

    Raising PermissionDenied stops Django from trying further backends, and Django still
    sends ``user_login_failed`` (so the refused attempt is logged too).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self.user_model_field())
        if locked_until(username, client_ip(request)) is not None:
            raise PermissionDenied("locked out")
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def user_model_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
