"""What the submission pages post besides numbers (issue 11: every input through a form):
the upload's reason, the return for rectification, an attachment's field."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.web.inputs import reason_field


class UploadReasonForm(forms.Form):
    reason = reason_field(gettext_lazy("Reason"))


class ReturnForm(forms.Form):
    """A reason per input field (``reason_<key>``), general remarks and the deadline."""

    general = reason_field(gettext_lazy("General remarks"))
    deadline = forms.CharField(label=gettext_lazy("Deadline"), max_length=32, required=False)

    def __init__(self, fields, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = [f.key for f in fields]
        for f in fields:
            self.fields[f"reason_{f.key}"] = reason_field(f.label)

    def clean_deadline(self) -> date:
        # An <input type="date"> posts ISO dates; anything else is refused, as before.
        try:
            return date.fromisoformat(self.cleaned_data["deadline"])
        except ValueError:
            raise forms.ValidationError(_("Give the deadline as a date.")) from None

    def reasons(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"reason_{key}"] for key in self.keys}


class AttachForm(forms.Form):
    field = forms.CharField(label=gettext_lazy("Field"), max_length=80, required=False, strip=False)
