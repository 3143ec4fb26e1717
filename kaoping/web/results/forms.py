"""What the report pages post (issue 11: every input through a form): the six parts' texts
and a report job's options."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from kaoping.web.results.models import ReportSigning
from kaoping.web.results.report_actions import MAX_NARRATIVE_CHARS

UNIT_CODES_MAX = 20000  # codes separated by spaces or commas, a few thousand units at most


class NarrativesForm(forms.Form):
    """One text per report part (``sections``: key and title pairs)."""

    def __init__(self, sections, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, title in sections:
            self.fields[key] = forms.CharField(
                label=title, max_length=MAX_NARRATIVE_CHARS, required=False, strip=False
            )


class ReportJobForm(forms.Form):
    docx = forms.ChoiceField(
        label=gettext_lazy("Word documents"),
        required=False,
        choices=[("", ""), ("0", "0"), ("1", "1")],
    )
    units = forms.CharField(label=gettext_lazy("Units"), max_length=UNIT_CODES_MAX, required=False)

    def unit_codes(self) -> list[str] | None:
        return self.cleaned_data["units"].replace(",", " ").split() or None


class ReportSigningForm(forms.ModelForm):
    """Who signs the round's reports and certificates (落款), set by the office."""

    class Meta:
        model = ReportSigning
        fields = ["issuer", "client", "number", "date"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
