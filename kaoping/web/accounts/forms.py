"""Forms of the accounts app: every input is validated by a Django form (issue 11)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80, required=False, strip=True)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if any(not ch.isprintable() for ch in name):
            raise forms.ValidationError(_("The token name must not hold control characters."))
        return name or "api"
