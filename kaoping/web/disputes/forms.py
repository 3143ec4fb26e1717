"""What the dispute pages post (issue 11: every input through a form). Whether a value fits
the dispute's state (a reason required, a field of the scheme, a number) stays the ``do_*``
action's rule; the forms bound the text and check choices against the real options."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from kaoping.web.disputes.models import Decision
from kaoping.web.inputs import reason_field


class FileForm(forms.Form):
    reasons = reason_field(gettext_lazy("Reasons for the dispute"), max_length=5000)


class PanelForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Panel name"), max_length=120, required=False, strip=False
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), required=False, choices=[("", ""), *Decision.choices]
    )
    reasoning = reason_field(gettext_lazy("Reasoning"))


class OpinionForm(forms.Form):
    field = forms.CharField(label=gettext_lazy("Field"), max_length=80, required=False)
    value = forms.CharField(label=gettext_lazy("Re-reviewed value"), max_length=64, required=False)
    comment = reason_field(gettext_lazy("Comment"))
