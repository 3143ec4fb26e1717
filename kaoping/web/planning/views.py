"""The round's plan: deadlines per phase, set by the office."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaoping.web.common import require
from kaoping.web.permissions import can_plan_round
from kaoping.web.planning.actions import PLAN_FIELDS, do_set_plan
from kaoping.web.planning.models import RoundPlan, plan_of
from kaoping.web.rounds.views import round_for


class PlanForm(forms.ModelForm):
    class Meta:
        model = RoundPlan
        fields = PLAN_FIELDS
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("collection_deadline", "verification_deadline", "expert_deadline")
        }

    def clean_rectification_days(self):
        days = self.cleaned_data["rectification_days"]
        if not 1 <= days <= 90:
            raise forms.ValidationError(_("Give between 1 and 90 days."))
        return days


@login_required
def plan(request, round_id: int):
    round = round_for(request, round_id)
    require(can_plan_round(request.user, round))
    current = plan_of(round)
    form = PlanForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        do_set_plan(
            round, acting_user=request.user, **{k: form.cleaned_data[k] for k in PLAN_FIELDS}
        )
        messages.success(request, _("Deadlines saved."))
        return redirect("submissions:list", round.pk)
    return render(
        request,
        "planning/plan.html",
        {"round": round, "form": form, "dispute_days": round.dispute_days},
    )
