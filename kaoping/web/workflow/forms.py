"""Forms of the round's workflow: what a transition posts (issue 11: every input through a form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from kaoping.web.inputs import reason_field
from kaoping.web.rounds.models import RoundState


class TransitionForm(forms.Form):
    reason = reason_field(gettext_lazy("Reason"))
    # Whether this target is allowed from the round's state is the action's rule; here only
    # that it is a real state.
    target = forms.ChoiceField(
        label=gettext_lazy("Back to"), required=False, choices=[("", ""), *RoundState.choices]
    )
