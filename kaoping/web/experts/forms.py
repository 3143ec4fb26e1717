"""What the expert pages post besides scores (issue 11: every input through a form). The
score grid's numbers go through :class:`kaoping.web.inputs.NumberField` in the view; whether
an item is qualitative stays the ``do_*`` action's rule (its message names the item)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from kaoping.web.inputs import reason_field


class CodeListField(forms.Field):
    """A list of short codes posted under one name (``getlist``), bounded in count and size."""

    widget = forms.MultipleHiddenInput

    def clean(self, value):
        codes = [str(v).strip() for v in (value or [])]
        if len(codes) > 200 or any(len(c) > 40 for c in codes):
            raise forms.ValidationError(gettext_lazy("Not a list of item codes."))
        return codes


class GroupForm(forms.Form):
    panel = forms.ChoiceField(label=gettext_lazy("Professional group"), required=False)
    items = CodeListField(label=gettext_lazy("Items"), required=False)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)

    def __init__(self, panels, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].choices = [("", ""), *((p[0], p[1]) for p in panels)]


class RecusalForm(forms.Form):
    reason = reason_field(gettext_lazy("Reason"), max_length=200)
