"""Expert groups of a round (the office forms them), an expert's score sheet (form or Excel),
and a group's scores and aggregate (other experts' scores only once the group is closed)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.scoring.experts import expert_rules
from kaoping.tables.assessment import Expert, write_expert_sheet
from kaoping.web.accounts.models import Role
from kaoping.web.common import XLSX_TYPE, ActionError, download, require
from kaoping.web.experts import actions
from kaoping.web.experts.forms import GroupForm, RecusalForm
from kaoping.web.experts.models import (
    Assignment,
    ExpertGroup,
    ExpertScore,
    Recusal,
    SheetStatus,
)
from kaoping.web.experts.scoring import aggregation_of, group_items, round_items
from kaoping.web.inputs import form_errors, id_list, posted_id
from kaoping.web.listing import ListForm, page_of, query_without_page
from kaoping.web.permissions import (
    can_manage_experts,
    can_see_expert_scores,
    can_see_group_aggregate,
    can_view_group,
    is_staff_viewer,
)
from kaoping.web.rounds.views import round_for

MAX_UPLOAD = 5 * 1024 * 1024


def group_for(request, group_id: int) -> ExpertGroup:
    """The group, or 404 for anyone who is neither staff nor one of its members."""
    group = get_object_or_404(ExpertGroup.objects.select_related("round"), pk=group_id)
    if not can_view_group(request.user, group):
        raise Http404
    return group


def experts_qs():
    return (
        get_user_model()
        .objects.filter(memberships__role=Role.EXPERT)
        .distinct()
        .order_by("username")
    )


def unit_matches(text: str, prefix: str = "unit__") -> Q:
    return Q(**{f"{prefix}code__icontains": text}) | Q(**{f"{prefix}name__icontains": text})


def person_matches(text: str, prefix: str) -> Q:
    return (
        Q(**{f"{prefix}username__icontains": text})
        | Q(**{f"{prefix}first_name__icontains": text})
        | Q(**{f"{prefix}last_name__icontains": text})
    )


@login_required
def mine(request):
    form = ListForm(request.GET)
    assignments = (
        Assignment.objects.filter(expert=request.user)
        .select_related("group__round", "unit")
        .order_by("-group__round__year", "group__name", "unit__code")
    )
    if text := form.chosen().get("q"):
        assignments = assignments.filter(unit_matches(text) | Q(group__name__icontains=text))
    return render(
        request,
        "experts/mine.html",
        {
            "assignments": page_of(request, assignments),
            "form": form,
            "query": query_without_page(request),
        },
    )


@login_required
def groups(request, round_id: int):
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    search = ListForm(request.GET)
    text = search.chosen().get("q")
    items = ExpertGroup.objects.filter(round=round).prefetch_related("members").order_by("id")
    recusals = Recusal.objects.filter(round=round).select_related("expert", "unit")
    if text:
        items = items.filter(Q(name__icontains=text) | person_matches(text, "members__")).distinct()
        recusals = recusals.filter(unit_matches(text) | person_matches(text, "expert__"))
    can_manage = can_manage_experts(request.user, round)
    scheme_items = round_items(round)
    panels = []
    if scheme_items:
        panels = [(p.code, p.name, ", ".join(p.items)) for p in expert_rules(round.scheme()).panels]
    if request.method == "POST":
        require(can_manage)
        form = GroupForm(panels, request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect("experts:groups", round.pk)
        posted = form.cleaned_data
        panel = next((p for p in panels if p[0] == posted["panel"]), None)
        chosen = posted["items"] or (panel[2].split(", ") if panel else [])
        name = posted["name"].strip() or (panel[1] if panel else "")
        try:
            group = actions.do_create_group(
                round, name=name, items=chosen, acting_user=request.user
            )
        except ActionError as exc:
            messages.error(request, str(exc))
            return redirect("experts:groups", round.pk)
        messages.success(request, _("Expert group created."))
        return redirect("experts:group", group.pk)
    return render(
        request,
        "experts/groups.html",
        {
            "round": round,
            "groups": page_of(request, items),
            "can_manage": can_manage,
            "items": scheme_items,
            "panels": panels,
            "search": search,
            "query": query_without_page(request),
            "recusals": page_of(request, recusals.order_by("-recorded_at", "-id"), param="rpage"),
            "recusal_query": query_without_page(request, "rpage"),
            "experts": experts_qs(),
            "units": round.units.order_by("code"),
        },
    )


@login_required
def group_detail(request, group_id: int):
    group = group_for(request, group_id)
    if can_see_expert_scores(request.user, group):
        scores = ExpertScore.objects.filter(group=group)
    else:
        # Before the group closes an expert sees his own scores only.
        scores = ExpertScore.objects.filter(group=group, expert=request.user)
    search = ListForm(request.GET)
    text = search.chosen().get("q")
    if text:
        scores = scores.filter(unit_matches(text) | person_matches(text, "expert__"))
    aggregation = None
    if can_see_group_aggregate(request.user, group):
        try:
            aggregation = aggregation_of(group.round, [group])
        except ActionError as exc:
            messages.error(request, str(exc))
    found = aggregation.aggregates if aggregation else []
    if text:
        codes = set(group.round.units.filter(unit_matches(text, "")).values_list("code", flat=True))
        found = [a for a in found if a.unit_code in codes]
    # The experts' disagreements first: what the committee has to look at.
    found = sorted(found, key=lambda a: not a.flagged)
    aggregate_page = page_of(request, found, param="apage")
    units = {
        u.code: u for u in group.round.units.filter(code__in=[a.unit_code for a in aggregate_page])
    }
    aggregates = [
        {
            "unit": units.get(a.unit_code),
            "item": a.item,
            "scores": a.scores,
            "value": a.value,
            "spread": a.spread,
            "flagged": a.flagged,
        }
        for a in aggregate_page
    ]
    manage = can_manage_experts(request.user, group.round) and not group.closed
    member = group.members.filter(pk=request.user.pk).exists()
    is_staff = is_staff_viewer(request.user)
    return render(
        request,
        "experts/group.html",
        {
            "group": group,
            "scores": page_of(
                request,
                scores.select_related("expert", "unit").order_by(
                    "unit__code", "indicator", "expert__username", "id"
                ),
            ),
            "search": search,
            "query": query_without_page(request),
            "aggregate_page": aggregate_page,
            "aggregate_query": query_without_page(request, "apage"),
            "items": group_items(group) if group.items else [],
            "manage": manage,
            "member": member,
            "member_rows": _member_rows(group) if is_staff else [],
            "members": group.members.order_by("username"),
            "aggregates": aggregates,
            "experts": experts_qs(),
            "units": group.round.units.order_by("code"),
            "is_staff": is_staff,
        },
    )


SHOWN_UNITS = 10


def _member_rows(group: ExpertGroup) -> list[tuple]:
    """(member, his first assigned units' names, how many he has, his sheet or None), for the
    office: a member scoring 3,000 units gets a count, not 3,000 names in one cell."""
    sheets = {s.expert_id: s for s in group.sheets.all()}
    units: dict[int, list[str]] = {}
    counts: dict[int, int] = {}
    for expert_id, name in group.assignments.order_by("unit__code").values_list(
        "expert_id", "unit__name"
    ):
        counts[expert_id] = counts.get(expert_id, 0) + 1
        if counts[expert_id] <= SHOWN_UNITS:
            units.setdefault(expert_id, []).append(name)
    return [
        (m, units.get(m.pk, []), counts.get(m.pk, 0), sheets.get(m.pk))
        for m in group.members.order_by("username")
    ]


def _manage(request, group_id: int) -> ExpertGroup:
    group = group_for(request, group_id)
    require(can_manage_experts(request.user, group.round))
    return group


def _users(request, key: str):
    return list(experts_qs().filter(pk__in=id_list(request.POST.getlist(key))))


@login_required
@require_POST
def add_members(request, group_id: int):
    group = _manage(request, group_id)
    try:
        actions.do_add_members(group, _users(request, "experts"), acting_user=request.user)
        messages.success(request, _("Members added."))
    except ActionError as exc:
        messages.error(request, str(exc))
    return redirect("experts:group", group.pk)


@login_required
@require_POST
def assign(request, group_id: int):
    group = _manage(request, group_id)
    units = list(group.round.units.filter(pk__in=id_list(request.POST.getlist("units"))))
    try:
        skipped = actions.do_assign(
            group, _users(request, "experts"), units, acting_user=request.user
        )
        for text in skipped:
            messages.warning(request, text)
        messages.success(request, _("Units assigned."))
    except ActionError as exc:
        messages.error(request, str(exc))
    return redirect("experts:group", group.pk)


@login_required
@require_POST
def recuse(request, round_id: int):
    round = round_for(request, round_id)
    require(can_manage_experts(request.user, round))
    expert = get_object_or_404(experts_qs(), pk=posted_id(request.POST, "expert"))
    unit = get_object_or_404(round.units, pk=posted_id(request.POST, "unit"))
    form = RecusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("experts:groups", round.pk)
    try:
        actions.do_record_recusal(
            round, expert, unit, reason=form.cleaned_data["reason"], acting_user=request.user
        )
        messages.success(request, _("Recusal recorded."))
    except ActionError as exc:
        messages.error(request, str(exc))
    return redirect("experts:groups", round.pk)


@login_required
@require_POST
def close(request, group_id: int):
    group = _manage(request, group_id)
    try:
        actions.do_close_group(group, acting_user=request.user)
        messages.success(request, _("The group is closed; its scores now count."))
    except ActionError as exc:
        messages.error(request, str(exc))
    return redirect("experts:group", group.pk)


# --- the expert's score sheet -------------------------------------------------------------


def _sheet_context(request, group_id: int):
    group = group_for(request, group_id)
    units = actions.assigned_units(group, request.user)
    # Only a member with units to score has a sheet; staff and other experts get 403.
    require(group.members.filter(pk=request.user.pk).exists() and bool(units))
    return group, units, group_items(group)


@login_required
def sheet(request, group_id: int):
    group, units, items = _sheet_context(request, group_id)
    score_sheet = actions.sheet_for(group, request.user)
    saved = {
        (s.unit_id, s.indicator): s.score
        for s in ExpertScore.objects.filter(group=group, expert=request.user)
    }
    typed, problems = {}, []
    if request.method == "POST":
        entries = {
            (u.pk, i.code): request.POST.get(f"s-{u.pk}-{i.code}", "") for u in units for i in items
        }
        # A cell of a unit or item not on the page (a forged form) is refused by the action.
        for key in request.POST:
            parts = key.split("-")
            if len(parts) == 3 and parts[0] == "s" and id_list([parts[1]]):
                entries.setdefault((int(parts[1]), parts[2]), request.POST[key])
        try:
            actions.do_save_scores(
                group, entries, acting_user=request.user, submit="submit" in request.POST
            )
        except actions.ScoresRejected as exc:
            problems, typed = exc.problems, entries
        except ActionError as exc:
            problems, typed = [str(exc)], entries
        else:
            messages.success(
                request, _("Scores submitted.") if "submit" in request.POST else _("Draft saved.")
            )
            return redirect("experts:sheet", group.pk)
    rows = []
    for u in units:
        cells = []
        for i in items:
            value = typed.get((u.pk, i.code)) if typed else saved.get((u.pk, i.code))
            cells.append(
                {
                    "name": f"s-{u.pk}-{i.code}",
                    "value": "" if value is None else value,
                    "max": i.max,
                }
            )
        rows.append({"unit": u, "cells": cells})
    return render(
        request,
        "experts/sheet.html",
        {
            "group": group,
            "items": items,
            "rows": rows,
            "problems": problems,
            "sheet": score_sheet,
            "editable": score_sheet.status == SheetStatus.DRAFT and not group.closed,
        },
        status=400 if problems else 200,
    )


@login_required
def sheet_download(request, group_id: int):
    group, units, _items = _sheet_context(request, group_id)
    rules = expert_rules(group.round.scheme())
    panel = next((p.code for p in rules.panels if set(p.items) == set(group.items)), "")
    buffer = io.BytesIO()
    write_expert_sheet(
        group.round.scheme(),
        buffer,
        [Expert(request.user.username, panel)],
        [(u.code, u.name) for u in units],
    )
    return download(
        buffer.getvalue(), f"{group.name}-{request.user.username}-专家评分表.xlsx", XLSX_TYPE
    )


@login_required
@require_POST
def sheet_upload(request, group_id: int):
    group, _units, _items = _sheet_context(request, group_id)
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_UPLOAD:
        messages.error(request, _("Choose the scoring sheet (.xlsx or .csv, at most 5 MB)."))
        return redirect("experts:sheet", group.pk)
    try:
        actions.do_upload_scores(group, upload.read(), upload.name, acting_user=request.user)
    except actions.ScoresRejected as exc:
        for text in exc.problems:
            messages.error(request, text)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Scores read from %(file)s and saved as a draft.") % {"file": upload.name}
        )
    return redirect("experts:sheet", group.pk)
