"""Chinese first: the interface language comes from the user's choice, not the browser's.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with
an English Windows would get English pages. The system is Chinese by default (issue 4);
English is a deliberate choice made with the language switch (stored in a cookie).
"""

from __future__ import annotations


class ChineseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
