from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.web.awards.models import HonourKind
from kaoping.web.schemes.forms import IdChoiceField
from kaoping.web.units.models import Unit


class NominationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=HonourKind.choices)
    unit = IdChoiceField(label=_("Unit"), queryset=Unit.objects.all(), required=False)
    person = forms.CharField(label=_("Name of the individual"), max_length=100, required=False)
    organisation = forms.CharField(label=_("Work unit"), max_length=200, required=False)
    title = forms.CharField(label=_("Honour"), max_length=100)
    reason = forms.CharField(label=_("Deeds"), widget=forms.Textarea(attrs={"rows": 2}))


class FundForm(forms.Form):
    # Yuan with up to two decimals (jiao, fen): the leading group may set e.g. 1000000.50;
    # whole yuan are then shared in whole yuan, anything finer to the fen.
    total = forms.DecimalField(
        label=_("Reward fund (yuan)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
