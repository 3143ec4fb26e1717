"""Login lockout, client addresses and the initial-password rule (issues 6 and 11).

Failed logins are counted three ways within ``KAOPING_LOCKOUT_MINUTES``, and any one of them
locks the login until the oldest counted failure leaves that window:

* per user name *and* address (``KAOPING_LOCKOUT_FAILURES``, 5): a colleague guessing
  from one PC;
* per user name from any address (``KAOPING_LOCKOUT_ACCOUNT_FAILURES``, 10): one account
  attacked from many addresses, each of which would otherwise get 5 more guesses;
* per address for any user name (``KAOPING_LOCKOUT_ADDRESS_FAILURES``, 20): one password
  sprayed over many accounts from one machine.

A successful login clears the failures of that user name. Rows older than a day (and the
lockout window) are deleted whenever a failure is noted: the evaluation log keeps every
failed login for good, this table only counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from kaoping.web.accounts.models import LoginFailure
from kaoping.web.accounts.passwords import PUBLISHED_PASSWORDS

DEFAULT_FAILURES = 5
DEFAULT_ACCOUNT_FAILURES = 10
DEFAULT_ADDRESS_FAILURES = 20
DEFAULT_MINUTES = 15
KEEP_FAILURES = timedelta(days=1)


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


def _limits() -> list[tuple[str, int]]:
    return [
        ("pair", lockout_failures()),
        (
            "account",
            int(getattr(settings, "KAOPING_LOCKOUT_ACCOUNT_FAILURES", DEFAULT_ACCOUNT_FAILURES)),
        ),
        (
            "address",
            int(getattr(settings, "KAOPING_LOCKOUT_ADDRESS_FAILURES", DEFAULT_ADDRESS_FAILURES)),
        ),
    ]


def locked_until(username: str | None, ip: str, now: datetime | None = None) -> datetime | None:
    """When the lockout of ``username`` from ``ip`` ends, or None when it is not locked."""
    now = now or timezone.now()
    name = normalised(username)
    recent = LoginFailure.objects.filter(at__gte=now - lockout_window())
    scopes = {
        "pair": Q(username=name, ip=ip),
        "account": Q(username=name),
        "address": Q(ip=ip) if ip else None,
    }
    ends = []
    for scope, limit in _limits():
        if scopes[scope] is None or limit <= 0:
            continue
        times = list(
            recent.filter(scopes[scope]).order_by("-at").values_list("at", flat=True)[:limit]
        )
        if len(times) >= limit:
            ends.append(times[-1] + lockout_window())
    return max(ends) if ends else None


def note_failure(username: str | None, ip: str) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - max(KEEP_FAILURES, lockout_window())).delete()
    LoginFailure.objects.create(username=normalised(username), ip=ip, at=now)


def clear_failures(username: str | None, ip: str) -> None:
    LoginFailure.objects.filter(username=normalised(username)).delete()


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
        if getattr(settings, "PRODUCTION", False) and password in PUBLISHED_PASSWORDS:
            # A demo account on a production server: its password is in the README.
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def user_model_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
