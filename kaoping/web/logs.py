"""Request ids and the acting user in every log line (``LOGGING`` in settings).

``RequestIdMiddleware`` gives each request an id (the proxy's ``X-Request-ID`` when it is a
plain token, else a new one), returns it in the response's ``X-Request-ID`` header and
keeps it, with the user name, for :class:`RequestContextFilter`, which adds
``request_id`` and ``user`` to every log record written while the request is served
(``-`` outside requests: workers, commands). Log lines never carry passwords, tokens or
form bodies: only messages the code writes, and Django's own 500 reports (path and traceback).
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("kaoping_request_id", default="-")
# The user of the request being served (set by kaoping.web.middleware.CurrentUserMiddleware),
# so that log lines, and the evaluation log's entries for changes made through Django's admin
# or signals (kaoping.web.audit.log.acting_user), name their actor. It lives here, in a module
# without models, because logging is configured before Django's apps are loaded.
current_user: contextvars.ContextVar = contextvars.ContextVar("kaoping_current_user", default=None)
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = given if _TOKEN.match(given) else uuid.uuid4().hex[:16]
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class StderrHandler(logging.StreamHandler):
    """A stream handler writing to whatever ``sys.stderr`` is when a record comes (test
    runners and daemons replace it; a stream bound at start-up may be closed by then)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user`` (user name, or ``-``) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)  # Django's request logs pass it
        record.request_id = getattr(request, "request_id", None) or request_id.get()
        user = getattr(request, "user", None) or current_user.get()
        try:
            name = user.get_username() if getattr(user, "is_authenticated", False) else "-"
        except Exception:  # a user object that cannot be read must not break logging
            name = "?"
        record.user = name or "-"
        return True
