"""One validating boundary for what users type into forms (issue 11).

Every number typed into a page goes through :class:`NumberField`, which reads it with the
table reader's own :func:`kaoping.tables.cells.parse_number`: a value typed on a page and the
same value in an uploaded table meet the same rules. What Chinese Excel users type is
accepted (full-width digits ``１２３``, the ideographic comma ``，``, thousands separators in
their places ``1,234,567.8``, a trailing ``%`` for a rate); what is ambiguous or not a finite
number is refused with a message naming the field: ``1,2`` (one comma two, or twelve?),
``NaN``, ``inf``, ``1e309``.

:func:`id_list` and :func:`posted_id` read record ids posted by a page (an expert, a unit,
members): a non-numeric id matches nothing (a 404), never a server error.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.tables.cells import NotANumber, parse_number

MAX_ID = 2**63 - 1  # BigAutoField


def number_error(label: str, value: str, expected: str = "") -> str:
    message = _("%(field)s: “%(value)s” is not a number") % {"field": label, "value": value}
    if "," in value or "，" in value:
        message += _(" (use commas only between groups of three digits, as in 1,234,567.8)")
    return message + (_("; expected %(expected)s.") % {"expected": expected} if expected else ".")


def parse_typed_number(raw: str, label: str, *, percent: bool = False, expected: str = ""):
    """The float a user typed, or None for an empty field.

    Raises
    ------
    django.forms.ValidationError
        Naming the field and the value.
    """
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return parse_number(text, percent=percent)
    except NotANumber:
        raise forms.ValidationError(number_error(label, text, expected)) from None


class NumberField(forms.CharField):
    """A number as typed by a Chinese Excel user; the cleaned value is a float or None."""

    def __init__(self, *, percent: bool = False, expected: str = "", **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
        self.percent, self.expected = percent, expected

    def clean(self, value):
        text = super().clean(value)
        return parse_typed_number(
            text, str(self.label or ""), percent=self.percent, expected=self.expected
        )


def id_list(values: list[str]) -> list[int]:
    """The valid ids of a multiple choice; anything else is dropped (it can match nothing)."""
    return [
        int(v)
        for v in values
        if v.isascii() and v.isdigit() and len(v) < 20 and 0 < int(v) <= MAX_ID
    ]


def posted_id(data, key: str) -> int:
    """The id posted under ``key``, or 0 (which matches no record: a 404, never a 500)."""
    ids = id_list([str(data.get(key) or "")])
    return ids[0] if ids else 0


class ConfirmForm(forms.Form):
    """The reason confirming plausibility warnings (submission, verification)."""

    confirm_reason = forms.CharField(
        label=gettext_lazy("Reason for confirming the warnings"),
        max_length=500,
        required=False,
        strip=True,
    )


def confirm_reason(request) -> str:
    form = ConfirmForm(request.POST)
    return form.cleaned_data["confirm_reason"] if form.is_valid() else ""


REASON_MAX = 2000  # a reason is a paragraph, not a document


def reason_field(label, *, required: bool = False, max_length: int = REASON_MAX):
    """A free-text reason as typed, bounded; empty reasons are left to the ``do_*`` action."""
    return forms.CharField(label=label, max_length=max_length, required=required, strip=False)


class ReasonForm(forms.Form):
    """The one free-text reason posted with a transition, a withdrawal or a recusal."""

    reason = reason_field(gettext_lazy("Reason"))


def form_errors(form: forms.Form) -> str:
    """The form's errors as one message, each naming its field (for ``messages.error``)."""
    return "; ".join(
        f"{form[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
        for k, v in form.errors.items()
    )
