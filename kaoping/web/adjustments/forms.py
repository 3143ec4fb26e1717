from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.web.schemes.forms import IdChoiceField
from kaoping.web.units.models import Unit


class AdjustmentForm(forms.Form):
    unit = IdChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    points = forms.FloatField(label=_("Points (+ bonus, − deduction)"))
    reason = forms.CharField(label=_("Reason (ad-hoc task)"), max_length=300)
    reference = forms.CharField(label=_("Document number"), max_length=200, required=False)

    def __init__(self, round, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = round.units.all()
