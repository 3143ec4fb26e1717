from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.web.letters.models import Direction
from kaoping.web.schemes.forms import IdChoiceField
from kaoping.web.units.models import Unit

PERIODS = [
    ("Q1", _("1st quarter")),
    ("Q2", _("2nd quarter")),
    ("Q3", _("3rd quarter")),
    ("", _("year end")),
] + [(str(m), _("end of month %(m)s") % {"m": m}) for m in range(1, 12)]
ATTACHMENT_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".png")
MAX_ATTACHMENT = 10 * 1024 * 1024


class TargetForm(forms.Form):
    unit = IdChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    key = forms.SlugField(
        label=_("Target code"),
        max_length=60,
        initial="new_jobs",
        help_text=_("fills the scheme's field “code_target”, e.g. new_jobs"),
    )
    name = forms.CharField(label=_("Target"), max_length=200, required=False)
    value = forms.FloatField(label=_("Target value"), min_value=0)
    weight = forms.FloatField(label=_("Weight"), min_value=0, initial=1)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    level = forms.BooleanField(label=_("Level target (a rate to hold)"), required=False)

    def __init__(self, round, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = round.units.all()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Targets table (.xlsx or .csv)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")) or f.size > MAX_ATTACHMENT:
            raise forms.ValidationError(_("An .xlsx or .csv file of at most 10 MB, please."))
        return f


class PlanForm(forms.Form):
    q1 = forms.FloatField(label=_("1st quarter"), min_value=0)
    q2 = forms.FloatField(label=_("2nd quarter"), min_value=0)
    q3 = forms.FloatField(label=_("3rd quarter"), min_value=0)
    q4 = forms.FloatField(label=_("4th quarter"), min_value=0)
    attachment = forms.FileField(label=_("Plan document"), required=False)

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f and (not f.name.lower().endswith(ATTACHMENT_TYPES) or f.size > MAX_ATTACHMENT):
            raise forms.ValidationError(
                _("A PDF, Word, Excel or image file of at most 10 MB, please.")
            )
        return f


class ProgressForm(forms.Form):
    actual = forms.FloatField(label=_("Done so far"), min_value=0)
    through = forms.ChoiceField(label=_("As of"), choices=PERIODS, required=False)
