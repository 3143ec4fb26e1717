"""Responsibility letters: the office's targets per unit, the unit's plan and progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.web.accounts.models import Role
from kaoping.web.common import ActionError, download, require, wants_xlsx, xlsx_response
from kaoping.web.letters.actions import (
    SETTING_STATES,
    do_file_plan,
    do_import_targets,
    do_report_progress,
    do_set_target,
)
from kaoping.web.letters.forms import ImportForm, PlanForm, ProgressForm, TargetForm
from kaoping.web.letters.models import Target
from kaoping.web.listing import ListForm, page_of, query_without_page
from kaoping.web.permissions import has_role, is_member_of_unit, is_staff_viewer
from kaoping.web.rounds.views import round_for
from kaoping.web.units.models import Unit


def _may_set(user, round) -> bool:
    return has_role(user, Role.OFFICE) and round.state in SETTING_STATES


@login_required
def targets(request, round_id: int):
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    rows = Target.objects.filter(round=round).select_related("unit").order_by("unit__code", "key")
    search = ListForm(request.GET)
    if text := search.chosen().get("q"):
        rows = rows.filter(
            Q(unit__code__icontains=text)
            | Q(unit__name__icontains=text)
            | Q(key__icontains=text)
            | Q(name__icontains=text)
        )
    if wants_xlsx(request):
        return xlsx_response(
            "目标责任书.xlsx",
            [
                "单位编码",
                "单位名称",
                "目标代码",
                "目标名称",
                "目标值",
                "权重",
                "方向",
                "第一季度",
                "第二季度",
                "第三季度",
                "第四季度",
                "实际完成",
                "截至期",
                "完成率",
            ],
            (
                (
                    t.unit.code,
                    t.unit.name,
                    t.key,
                    t.name,
                    t.value,
                    t.weight,
                    t.get_direction_display(),
                    *(list(t.plan) + [None] * 4)[:4],
                    t.actual,
                    t.through,
                    t.completion,
                )
                for t in rows
            ),
        )
    form = TargetForm(round, request.POST if "set" in request.POST else None)
    upload = ImportForm(
        request.POST if "import" in request.POST else None,
        request.FILES if "import" in request.POST else None,
    )
    if request.method == "POST":
        require(_may_set(request.user, round))
        try:
            if "set" in request.POST and form.is_valid():
                data = form.cleaned_data
                do_set_target(
                    round,
                    data["unit"],
                    key=data["key"],
                    value=data["value"],
                    name=data["name"],
                    weight=data["weight"],
                    direction=data["direction"],
                    level=data["level"],
                    acting_user=request.user,
                )
                messages.success(request, _("Target saved."))
                return redirect("letters:targets", round.pk)
            if "import" in request.POST and upload.is_valid():
                f = upload.cleaned_data["file"]
                n = do_import_targets(round, f.read(), f.name, acting_user=request.user)
                messages.success(request, _("%(n)s target(s) imported.") % {"n": n})
                return redirect("letters:targets", round.pk)
        except ActionError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "letters/targets.html",
        {
            "round": round,
            "rows": page_of(request, rows),
            "form": form,
            "upload": upload,
            "may_set": _may_set(request.user, round),
            "search": search,
            "query": query_without_page(request),
        },
    )


def _letter_unit(request, round, unit_id: int) -> Unit:
    unit = get_object_or_404(round.units, pk=unit_id)
    if not (is_staff_viewer(request.user) or is_member_of_unit(request.user, unit)):
        raise Http404
    return unit


@login_required
def unit_letter(request, round_id: int, unit_id: int):
    """A unit's letter: targets, its plan for each, progress, held / not held."""
    round = round_for(request, round_id)
    unit = _letter_unit(request, round, unit_id)
    own = is_member_of_unit(request.user, unit)
    rows = [
        (
            t,
            PlanForm(
                initial=dict(zip(("q1", "q2", "q3", "q4"), t.plan, strict=False)), prefix=f"p{t.pk}"
            ),
            ProgressForm(initial={"actual": t.actual, "through": t.through}, prefix=f"g{t.pk}"),
        )
        for t in Target.objects.filter(round=round, unit=unit)
    ]
    return render(
        request,
        "letters/unit.html",
        {"round": round, "unit": unit, "rows": rows, "own": own and round.state in SETTING_STATES},
    )


def _own_target(request, round_id: int, target_id: int) -> Target:
    round = round_for(request, round_id)
    target = get_object_or_404(Target.objects.select_related("unit"), pk=target_id, round=round)
    require(is_member_of_unit(request.user, target.unit))
    return target


@login_required
@require_POST
def file_plan(request, round_id: int, target_id: int):
    target = _own_target(request, round_id, target_id)
    form = PlanForm(request.POST, request.FILES, prefix=f"p{target.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            do_file_plan(
                target,
                [d["q1"], d["q2"], d["q3"], d["q4"]],
                acting_user=request.user,
                attachment=d.get("attachment"),
            )
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Plan filed."))
    else:
        messages.error(
            request, "; ".join(f"{form[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        )
    return redirect("letters:unit", round_id, target.unit_id)


@login_required
@require_POST
def report_progress(request, round_id: int, target_id: int):
    target = _own_target(request, round_id, target_id)
    form = ProgressForm(request.POST, prefix=f"g{target.pk}")
    if form.is_valid():
        try:
            do_report_progress(
                target,
                actual=form.cleaned_data["actual"],
                through=form.cleaned_data["through"],
                acting_user=request.user,
            )
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Progress reported."))
    else:
        messages.error(
            request, "; ".join(f"{form[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        )
    return redirect("letters:unit", round_id, target.unit_id)


@login_required
def attachment(request, round_id: int, target_id: int):
    round = round_for(request, round_id)
    target = get_object_or_404(Target.objects.select_related("unit"), pk=target_id, round=round)
    _letter_unit(request, round, target.unit_id)
    if not target.plan_attachment:
        raise Http404
    with target.plan_attachment.open("rb") as handle:
        content = handle.read()
    name = target.plan_attachment.name.rsplit("/", 1)[-1]
    return download(content, name, "application/octet-stream")
