from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kaoping.web.disputes.models import Dispute
from kaoping.web.permissions import is_staff_viewer, unit_ids_of
from kaoping.web.rounds.views import round_for


@login_required
def dispute_list(request, round_id: int):
    round = round_for(request, round_id)
    disputes = Dispute.objects.filter(round=round).select_related("unit", "filed_by")
    if not is_staff_viewer(request.user):
        disputes = disputes.filter(unit_id__in=unit_ids_of(request.user))
    return render(request, "disputes/list.html", {"round": round, "disputes": disputes})
