"""Search, filters and paging for the lists that grow (units, submissions, log, results...).

A list page reads its query parameters through a :class:`ListForm` (a Django form: bad input
falls back to "no filter", never a server error) and shows one :func:`page_of` page at a
time, so a page costs the same few queries at 16 units as at 3,000.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

PER_PAGE = 50


class ListForm(forms.Form):
    """The search box every growing list has; subclasses add their filters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def chosen(self) -> dict:
        """The valid filters (an invalid one is dropped, as if not given)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in ("", None)}


def page_of(request, items, per_page: int = PER_PAGE, param: str = "page") -> Page:
    """The requested page of ``items`` (a queryset is sliced in the database).

    ``param`` names the page's query parameter where a page has two paged tables.
    """
    return Paginator(items, per_page).get_page(request.GET.get(param))


def query_without_page(request, param: str = "page") -> str:
    """The current filters as a query string, for the pager's and export's links."""
    return urlencode([(k, v) for k, v in request.GET.items() if k not in (param, "format")])
