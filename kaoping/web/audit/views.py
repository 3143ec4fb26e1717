from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.web.audit.log import verify_chain
from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import require, wants_xlsx, xlsx_response
from kaoping.web.permissions import can_view_log


@login_required
def log(request):
    require(can_view_log(request.user))
    entries = AuditEntry.objects.select_related("round", "unit").order_by("-id")
    if request.GET.get("round"):
        entries = entries.filter(round_id=request.GET["round"])
    if wants_xlsx(request):
        return xlsx_response(
            "评价日志.xlsx",
            ["#", _("Time"), _("Action"), _("Actor"), _("Round"), _("Unit"), _("Details"), "sha256"],
            (
                (e.pk, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.action, e.actor_name,
                 str(e.round or ""), str(e.unit or ""), str(e.data), e.hash)
                for e in entries.iterator()
            ),
        )  # fmt: skip
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    broken = verify_chain() if request.GET.get("verify") else None
    return render(
        request,
        "audit/log.html",
        {"page": page, "verified": bool(request.GET.get("verify")), "broken": broken},
    )
