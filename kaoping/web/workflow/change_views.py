"""The office asks, the committee decides: changes after publication."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaoping.web.accounts.models import Role
from kaoping.web.common import ActionError, require
from kaoping.web.disputes.views import dispute_for
from kaoping.web.permissions import can_handle_disputes, can_transition, has_role, is_staff_viewer
from kaoping.web.rounds.models import REOPEN_TARGETS, RoundState
from kaoping.web.rounds.views import round_for
from kaoping.web.workflow import changes as actions
from kaoping.web.workflow.models import ChangeRequest


class ReopenForm(forms.Form):
    target = forms.ChoiceField(
        label=gettext_lazy("Back to"), choices=[(s, RoundState(s).label) for s in REOPEN_TARGETS]
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("The committee's note"), max_length=2000, required=False
    )


def can_decide(user) -> bool:
    return has_role(user, Role.COMMITTEE)


@login_required
def changes(request, round_id: int):
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    items = round.change_requests.select_related("requested_by", "decided_by", "dispute__unit")
    return render(
        request,
        "approvals/changes.html",
        {
            "round": round,
            "items": items,
            "can_decide": can_decide(request.user),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def request_reopen(request, round_id: int):
    round = round_for(request, round_id)
    require(can_transition(request.user, round, "reopen"))
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Please give a reason for “%(action)s”.") % {"action": _("Reopen")}
        )
        return redirect("rounds:detail", round.pk)
    try:
        actions.do_request_reopen(
            round,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("rounds:detail", round.pk)
    messages.success(
        request, _("Sent to the committee. The round stays as it is until it approves.")
    )
    return redirect("approvals:changes", round.pk)


@login_required
@require_POST
def request_republish(request, round_id: int, dispute_id: int):
    dispute = dispute_for(request, round_id, dispute_id)
    require(can_handle_disputes(request.user, dispute.round))
    try:
        actions.do_request_republish(dispute, acting_user=request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("disputes:detail", dispute.round_id, dispute.pk)
    messages.success(
        request, _("Sent to the committee. Units see the published version until it approves.")
    )
    return redirect("approvals:changes", dispute.round_id)


@login_required
@require_POST
def decide(request, round_id: int, change_id: int):
    round = round_for(request, round_id)
    require(can_decide(request.user))
    change = get_object_or_404(ChangeRequest, round=round, pk=change_id)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        actions.do_decide(
            change,
            approve="approve" in request.POST,
            note=form.cleaned_data.get("note", ""),
            acting_user=request.user,
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("approvals:changes", round.pk)
