"""What the submission pages post (issue 11: every input through a form): the board's filters
and bulk actions, the import of every unit's table, the values of one unit (numbers read as
the table reader reads cells), the upload's reason, a check, the return for rectification,
an attachment's field."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.web.inputs import NumberField, reason_field
from kaoping.web.listing import ListForm
from kaoping.web.submissions.data import input_fields
from kaoping.web.submissions.models import CheckKind, SubmissionStatus
from kaoping.web.submissions.queries import NOT_STARTED, NOT_SUBMITTED, OVERDUE, filtered_units
from kaoping.web.units.models import Unit


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


class SubmissionFilter(ListForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All statuses")),
            (NOT_STARTED, gettext_lazy("not started")),
            *SubmissionStatus.choices,
            (OVERDUE, gettext_lazy("overdue")),
            (NOT_SUBMITTED, gettext_lazy("not yet submitted (all kinds)")),
        ],
    )


class BulkForm(forms.Form):
    """Work on several units at once: the selected ones, or every unit not yet submitted."""

    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.none(), required=False)
    everyone_late = forms.BooleanField(required=False)
    message = forms.CharField(label=gettext_lazy("Message"), max_length=1000, required=False)
    back = forms.CharField(max_length=2000, required=False)  # the board's filters, to return to

    def __init__(self, round, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.fields["units"].queryset = round.units.all()

    def chosen_units(self) -> list:
        if self.cleaned_data.get("everyone_late"):
            return list(filtered_units(self.round, {"status": NOT_SUBMITTED}))
        return list(self.cleaned_data["units"].order_by("code"))


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Table of all units (Excel or CSV)"))
    on_behalf = forms.BooleanField(
        label=gettext_lazy("Submit on the units' behalf (no confirmation by the units)"),
        required=False,
    )


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CheckKind.choices)
    when = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    method = forms.CharField(label=gettext_lazy("Method"), max_length=200)
    finding = forms.CharField(label=gettext_lazy("Finding"), widget=forms.Textarea)
    attachment = forms.FileField(label=gettext_lazy("Attachment"), required=False)


def values_form_class(scheme, lang: str):
    fields = {
        spec.key: NumberField(
            label=spec.label_for(lang),
            required=False,
            percent=spec.type == "rate",
            expected=spec.expected(lang),
            help_text=f"{spec.unit} · {spec.expected(lang)}".strip(" ·"),
        )
        for spec in input_fields(scheme)
    }
    fields["reason"] = forms.CharField(label=gettext_lazy("Reason for changes"), required=False)
    # The version of the submission the form shows (optimistic locking).
    fields["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    return type("ValuesForm", (forms.Form,), fields)


def parse_typed_values(form, scheme) -> tuple[dict, dict]:
    """The numbers of a validated values form, and the message of each field that is not one
    (``kaoping.web.inputs.NumberField`` reads them as the table reader reads cells)."""
    keys = [spec.key for spec in input_fields(scheme)]
    values = {k: form.cleaned_data.get(k) for k in keys if k not in form.errors}
    errors = {k: form.errors[k][0] for k in keys if k in form.errors}
    return values, errors
