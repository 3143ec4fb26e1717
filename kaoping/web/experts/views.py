"""Expert groups of a round; an expert's own tasks; the group's scores once it is closed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from kaoping.web.common import require
from kaoping.web.experts.models import Assignment, ExpertGroup, ExpertScore
from kaoping.web.permissions import can_manage_experts, can_see_expert_scores, is_staff_viewer
from kaoping.web.rounds.views import round_for


@login_required
def mine(request):
    assignments = Assignment.objects.filter(expert=request.user).select_related(
        "group__round", "unit"
    )
    return render(request, "experts/mine.html", {"assignments": assignments})


@login_required
def groups(request, round_id: int):
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    items = ExpertGroup.objects.filter(round=round).prefetch_related("members")
    return render(request, "experts/groups.html", {"round": round, "groups": items,
                                                   "can_manage": can_manage_experts(request.user, round)})  # fmt: skip


@login_required
def group_detail(request, group_id: int):
    group = get_object_or_404(ExpertGroup.objects.select_related("round"), pk=group_id)
    member = group.members.filter(pk=request.user.pk).exists()
    if not (member or is_staff_viewer(request.user)):
        raise Http404
    if can_see_expert_scores(request.user, group):
        scores = ExpertScore.objects.filter(group=group)
    else:
        # Before the group closes an expert sees his own scores only.
        scores = ExpertScore.objects.filter(group=group, expert=request.user)
    return render(
        request,
        "experts/group.html",
        {"group": group, "scores": scores.select_related("expert", "unit")},
    )
