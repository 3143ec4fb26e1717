"""Chinese first: the interface language comes from the user's choice, not the browser's.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with
an English Windows would get English pages. The system is Chinese by default (issue 4);
English is a deliberate choice made with the language switch (stored in a cookie).
"""

from __future__ import annotations

import re


class ChineseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class CurrentUserMiddleware:
    """Make the request's user known to the evaluation log (admin and signal changes).

    Placed after AuthenticationMiddleware; the user stays lazy until a log entry needs it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from kaoping.web.audit.log import current_user

        token = current_user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            current_user.reset(token)


class LoginLockoutMiddleware:
    """Tell a locked-out user so, clearly, instead of 'wrong user name or password'.

    The lockout itself is enforced by ``LockoutBackend`` for every way of logging in; this
    middleware turns a login POST that is (or has just become) locked into a redirect to the
    login page carrying a message with the time the lockout ends.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not self._is_login(request):
            return self.get_response(request)
        from kaoping.web.accounts.security import client_ip, locked_until

        username = request.POST.get("username")
        ip = client_ip(request)
        if locked_until(username, ip) is not None:
            from django.contrib.auth import authenticate

            # Goes through the backend, which refuses and logs the attempt.
            authenticate(request, username=username, password=request.POST.get("password"))
            return self._refused(request, locked_until(username, ip))
        response = self.get_response(request)
        until = locked_until(username, ip)
        if until is not None and response.status_code == 200:
            return self._refused(request, until)
        return response

    @staticmethod
    def _is_login(request) -> bool:
        from django.urls import reverse

        return request.path in (reverse("login"), reverse("admin:login"))

    @staticmethod
    def _refused(request, until):
        from django.contrib import messages
        from django.http import HttpResponseRedirect
        from django.utils import timezone
        from django.utils.translation import gettext as _

        when = timezone.localtime(until).strftime("%H:%M")
        messages.error(
            request,
            _(
                "Too many failed logins: logging in with this account or from this computer "
                "is locked until %(time)s. Try again later or ask the administrator."
            )
            % {"time": when},
        )
        return HttpResponseRedirect(request.get_full_path())


class PasswordChangeRequiredMiddleware:
    """Send a user whose password is an initial one to the password change page first."""

    ALLOWED = ("accounts:password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("kaoping_must_change_password"):
            from django.conf import settings
            from django.http import HttpResponseRedirect
            from django.urls import reverse

            allowed = {reverse(name) for name in self.ALLOWED}
            static = "/" + settings.STATIC_URL.lstrip("/")
            if request.path not in allowed and not request.path.startswith(static):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse({"error": "password change required"}, status=403)
                return HttpResponseRedirect(reverse("accounts:password_change"))
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, ``Cache-Control: no-store`` on every
    response to a logged-in user (issue 11).

    The policy allows scripts, styles, images and fonts from the server itself only (the
    intranet has no CDN); no inline script (``site.js`` carries what inline handlers did).
    Inline ``style`` attributes stay allowed: they cannot run code. Pages of a logged-in user
    hold unit data: a shared office PC's browser cache or a proxy must not keep them.
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


class InputBoundaryMiddleware:
    """Refuse request parameters no form field can hold, before any view reads them.

    - A NUL character cannot be stored by PostgreSQL (in text or JSON): a view that saved it
      would answer 500. No user types one.
    - A whole number of 19 digits or more fits no database integer: Django's model choice
      fields pass it to the database, which raises (SQLite: OverflowError) instead of saying
      "not a valid choice". No id, year or amount has that many digits.

    Either gets 400 with a message instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request.GET) or (request.method == "POST" and self._refused(request.POST)):
            from django.http import HttpResponseBadRequest
            from django.utils.translation import gettext as _

            return HttpResponseBadRequest(
                _(
                    "The form holds a value no field accepts (a NUL character, or a number of "
                    "19 digits or more); nothing was saved."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _refused(params) -> bool:
        return any(
            "\x00" in key
            or any("\x00" in v or _HUGE_WHOLE_NUMBER.match(v) for v in params.getlist(key))
            for key in params
        )


_HUGE_WHOLE_NUMBER = re.compile(r"\s*[+-]?\d{19,}\s*\Z")
