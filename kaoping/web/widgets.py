"""Form widgets for lists of thousands: a unit drop-down at 3,000 units.

Django renders every ``<option>`` of a ``Select`` through the template engine (a template per
option), which took about 250 ms for the 3,000 units of a large round's bonus-point form
(bench/bench_web.py). These widgets write the same HTML in one pass; labels and values are
escaped as Django escapes them. Flat choices only (no option groups).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")


def _chosen(value: Any) -> set[str]:
    values: Iterable[Any] = value if isinstance(value, (list, tuple)) else [value]
    return {str(v) for v in values if v is not None}


class FastSelect(forms.Select):
    """A ``<select>`` rendered without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = _chosen(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), SELECTED if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    """A multiple ``<select>`` rendered without a template per option."""

    allow_multiple_selected = True
