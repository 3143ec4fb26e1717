"""Bonus and deduction points (article 11): the office's list, bounded by the scheme."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.scoring import KaopingError
from kaoping.scoring.adjustments import adjustment_rules
from kaoping.web.accounts.models import Role
from kaoping.web.adjustments.actions import OPEN_STATES, do_add_adjustment, do_withdraw_adjustment
from kaoping.web.adjustments.forms import AdjustmentForm
from kaoping.web.adjustments.models import Adjustment
from kaoping.web.common import ActionError, require, wants_xlsx, xlsx_response
from kaoping.web.inputs import ReasonForm, form_errors
from kaoping.web.listing import ListForm, page_of, query_without_page
from kaoping.web.permissions import has_role, is_staff_viewer
from kaoping.web.rounds.views import round_for


def _may_enter(user, round) -> bool:
    return has_role(user, Role.OFFICE) and round.state in OPEN_STATES


@login_required
def adjustment_list(request, round_id: int):
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    rows = (
        Adjustment.objects.filter(round=round)
        .select_related("unit", "entered_by")
        .order_by("unit__code", "id")
    )
    search = ListForm(request.GET)
    if text := search.chosen().get("q"):
        rows = rows.filter(
            Q(unit__code__icontains=text)
            | Q(unit__name__icontains=text)
            | Q(reason__icontains=text)
            | Q(reference__icontains=text)
        )
    if wants_xlsx(request):
        return xlsx_response(
            "加减分.xlsx",
            ["单位编码", "单位名称", "分值", "事由", "依据文件", "录入人"],
            (
                (a.unit.code, a.unit.name, a.points, a.reason, a.reference, a.entered_by.username)
                for a in rows
            ),
        )
    form = AdjustmentForm(round, request.POST or None)
    if request.method == "POST":
        require(_may_enter(request.user, round))
        if form.is_valid():
            d = form.cleaned_data
            try:
                do_add_adjustment(
                    round,
                    d["unit"],
                    points=d["points"],
                    reason=d["reason"],
                    reference=d["reference"],
                    acting_user=request.user,
                )
            except ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Entry saved."))
                return redirect("adjustments:list", round.pk)
    try:
        rules = adjustment_rules(round.scheme())
    except KaopingError:
        rules = None
    return render(
        request,
        "adjustments/list.html",
        {
            "round": round,
            "rows": page_of(request, rows),
            "form": form,
            "rules": rules,
            "may_enter": _may_enter(request.user, round),
            "search": search,
            "query": query_without_page(request),
        },
    )


@login_required
@require_POST
def withdraw(request, round_id: int, adjustment_id: int):
    round = round_for(request, round_id)
    require(_may_enter(request.user, round))
    adjustment = get_object_or_404(Adjustment, pk=adjustment_id, round=round)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("adjustments:list", round.pk)
    try:
        do_withdraw_adjustment(
            adjustment, reason=form.cleaned_data["reason"], acting_user=request.user
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Entry withdrawn."))
    return redirect("adjustments:list", round.pk)
