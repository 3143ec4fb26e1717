"""Disputes (复验): a unit files one, the office handles it, the panel re-reviews, the office
decides and re-publishes; the unit follows every step and every publication version."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaoping.web.accounts.models import Role
from kaoping.web.common import ActionError, download, require
from kaoping.web.disputes import actions
from kaoping.web.disputes.forms import DecideForm, FileForm, OpinionForm, PanelForm
from kaoping.web.disputes.models import Decision, Dispute, DisputeStatus, dispute_deadline
from kaoping.web.inputs import ReasonForm, form_errors, id_list, posted_id
from kaoping.web.listing import ListForm, page_of, query_without_page
from kaoping.web.permissions import (
    can_file_dispute,
    can_handle_disputes,
    can_record_rereview,
    can_view_dispute,
    is_staff_viewer,
    unit_ids_of,
)
from kaoping.web.results.models import Publication, UnitResult
from kaoping.web.rounds.views import round_for


class DisputeFilter(ListForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *DisputeStatus.choices],
    )


@login_required
def dispute_list(request, round_id: int):
    round = round_for(request, round_id)
    disputes = Dispute.objects.filter(round=round).select_related("unit", "filed_by", "publication")
    if not is_staff_viewer(request.user):
        disputes = disputes.filter(unit_id__in=unit_ids_of(request.user))
    form = DisputeFilter(request.GET)
    chosen = form.chosen()
    if text := chosen.get("q"):
        disputes = disputes.filter(
            Q(unit__code__icontains=text)
            | Q(unit__name__icontains=text)
            | Q(reasons__icontains=text)
        )
    if status := chosen.get("status"):
        disputes = disputes.filter(status=status)
    my_units = round.units.filter(pk__in=unit_ids_of(request.user)).order_by("code")
    fileable = [u for u in my_units if can_file_dispute(request.user, round, u)]
    current = Publication.current(round)
    return render(
        request,
        "disputes/list.html",
        {
            "round": round,
            "disputes": page_of(request, disputes.order_by("-filed_at", "-id")),
            "form": form,
            "query": query_without_page(request),
            "fileable": fileable,
            "publication": current,
            "deadline": dispute_deadline(current) if current else None,
        },
    )


@login_required
@require_POST
def file(request, round_id: int):
    round = round_for(request, round_id)
    unit = get_object_or_404(round.units, pk=posted_id(request.POST, "unit"))
    if unit.pk not in unit_ids_of(request.user):
        raise Http404
    form = FileForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("disputes:list", round.pk)
    try:
        dispute = actions.do_file_dispute(
            round,
            unit,
            reasons=form.cleaned_data["reasons"],
            acting_user=request.user,
            attachment=request.FILES.get("attachment"),
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("disputes:list", round.pk)
    messages.success(request, _("Your dispute is filed."))
    return redirect("disputes:detail", round.pk, dispute.pk)


def dispute_for(request, round_id: int, dispute_id: int) -> Dispute:
    round = round_for(request, round_id)
    dispute = get_object_or_404(
        Dispute.objects.select_related("round", "unit", "panel"), round=round, pk=dispute_id
    )
    if not can_view_dispute(request.user, dispute):
        raise Http404  # another unit's dispute does not exist for this user
    return dispute


def _history(dispute: Dispute) -> list[dict]:
    """Every publication version with the unit's result in it (the old ones are history)."""
    rows = []
    publications = Publication.objects.filter(round=dispute.round).select_related("run")
    for p in publications.order_by("-version"):
        result = UnitResult.objects.filter(run=p.run, unit=dispute.unit).first()
        rows.append({"publication": p, "result": result})
    return rows


@login_required
def detail(request, round_id: int, dispute_id: int):
    dispute = dispute_for(request, round_id, dispute_id)
    round = dispute.round
    handle = can_handle_disputes(request.user, round)
    fields = actions.reviewable_fields(round)
    experts = get_user_model().objects.filter(memberships__role=Role.EXPERT).distinct()
    opinions = dispute.opinions.select_related("expert")
    return render(
        request,
        "disputes/detail.html",
        {
            "round": round,
            "dispute": dispute,
            "handle": handle,
            "S": DisputeStatus,
            "can_review": can_record_rereview(request.user, dispute)
            and dispute.status in (DisputeStatus.PANEL_FORMED, DisputeStatus.REVIEWED),
            "fields": [(k, f.label) for k, f in fields.items()],
            "labels": {k: f.label for k, f in fields.items()},
            "opinions": [
                (o, fields[o.field].label if o.field in fields else o.field) for o in opinions
            ],
            "corrections": [
                (c, fields[c.field].label if c.field in fields else c.field)
                for c in dispute.corrections.all()
            ],
            "excluded": actions.excluded_from_panel(dispute) if handle else {},
            "experts": experts.order_by("username"),
            "decisions": Decision.choices,
            "history": _history(dispute),
            "panel_members": dispute.panel.members.order_by("username") if dispute.panel else [],
            "staff": is_staff_viewer(request.user),
        },
    )


def _office_action(request, round_id: int, dispute_id: int, run, form=None) -> object:
    dispute = dispute_for(request, round_id, dispute_id)
    require(can_handle_disputes(request.user, dispute.round))
    if form is not None and not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("disputes:detail", dispute.round_id, dispute.pk)
    try:
        run(dispute)
    except ActionError as exc:
        messages.error(request, str(exc))
    return redirect("disputes:detail", dispute.round_id, dispute.pk)


@login_required
@require_POST
def accept(request, round_id: int, dispute_id: int):
    form = ReasonForm(request.POST)
    return _office_action(
        request,
        round_id,
        dispute_id,
        lambda d: actions.do_accept_dispute(
            d, reason=form.cleaned_data["reason"], acting_user=request.user
        ),
        form,
    )


@login_required
@require_POST
def reject(request, round_id: int, dispute_id: int):
    form = ReasonForm(request.POST)
    return _office_action(
        request,
        round_id,
        dispute_id,
        lambda d: actions.do_reject_dispute(
            d, reason=form.cleaned_data["reason"], acting_user=request.user
        ),
        form,
    )


@login_required
@require_POST
def form_panel(request, round_id: int, dispute_id: int):
    members = list(get_user_model().objects.filter(pk__in=id_list(request.POST.getlist("members"))))
    form = PanelForm(request.POST)
    return _office_action(
        request,
        round_id,
        dispute_id,
        lambda d: actions.do_form_panel(
            d, name=form.cleaned_data["name"], members=members, acting_user=request.user
        ),
        form,
    )


@login_required
@require_POST
def decide(request, round_id: int, dispute_id: int):
    form = DecideForm(request.POST)
    return _office_action(
        request,
        round_id,
        dispute_id,
        lambda d: actions.do_decide(
            d,
            decision=form.cleaned_data["decision"],
            reasoning=form.cleaned_data["reasoning"],
            acting_user=request.user,
        ),
        form,
    )


@login_required
@require_POST
def republish(request, round_id: int, dispute_id: int):
    return _office_action(
        request, round_id, dispute_id, lambda d: actions.do_republish(d, acting_user=request.user)
    )


@login_required
@require_POST
def opinion(request, round_id: int, dispute_id: int):
    dispute = dispute_for(request, round_id, dispute_id)
    require(can_record_rereview(request.user, dispute))
    form = OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("disputes:detail", dispute.round_id, dispute.pk)
    try:
        actions.do_record_opinion(
            dispute,
            field=form.cleaned_data["field"],
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
            acting_user=request.user,
        )
        messages.success(request, _("Re-review recorded."))
    except ActionError as exc:
        messages.error(request, str(exc))
    return redirect("disputes:detail", dispute.round_id, dispute.pk)


@login_required
def attachment(request, round_id: int, dispute_id: int):
    dispute = dispute_for(request, round_id, dispute_id)
    if not dispute.attachment:
        raise Http404
    with dispute.attachment.open("rb") as handle:
        return download(
            handle.read(), dispute.attachment_name or "attachment", "application/octet-stream"
        )
