"""The evaluation log page: filters (round, unit, user, action, dates), export, chain check.

Read-only by construction: this module has no view that changes an entry, and the model
refuses updates and deletes.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaoping.web.audit.anchors import verify_log
from kaoping.web.audit.labels import action_label
from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import download, join_details, lang_of, require, wants_xlsx, xlsx_response
from kaoping.web.inputs import id_list
from kaoping.web.permissions import can_view_log
from kaoping.web.rounds.models import Round

FILTERS = ("round", "unit", "user", "action", "since", "until")


def filtered_entries(params) -> tuple:
    """Entries matching the query parameters (newest first), and the cleaned filter values."""
    entries = AuditEntry.objects.select_related("round", "unit").order_by("-id")
    chosen = {k: (params.get(k) or "").strip() for k in FILTERS}
    if id_list([chosen["round"]]):
        entries = entries.filter(round_id=int(chosen["round"]))
    if chosen["unit"]:
        entries = entries.filter(Q(unit__code=chosen["unit"]) | Q(unit__name=chosen["unit"]))
    if chosen["user"]:
        entries = entries.filter(actor_name=chosen["user"])
    if chosen["action"]:
        entries = entries.filter(action__startswith=chosen["action"])
    since, until = _date(chosen["since"]), _date(chosen["until"])
    if since:
        entries = entries.filter(at__gte=_aware(datetime.combine(since, time.min)))
    if until:
        entries = entries.filter(at__lte=_aware(datetime.combine(until, time.max)))
    return entries, chosen


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment, timezone.get_current_timezone())


def _row(e: AuditEntry) -> tuple:
    return (
        e.pk,
        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
        e.action,
        e.actor_name,
        str(e.round or ""),
        str(e.unit or ""),
        json.dumps(e.data, ensure_ascii=False, sort_keys=True),
        e.prev_hash,
        e.hash,
    )


HEADERS = ("#", "time", "action", "actor", "round", "unit", "details", "prev_hash", "hash")


@login_required
def log(request):
    require(can_view_log(request.user))
    entries, chosen = filtered_entries(request.GET)
    if wants_xlsx(request):
        headers = [
            "#",
            _("Time"),
            _("Action"),
            _("Actor"),
            _("Round"),
            _("Unit"),
            _("Details"),
            "prev_hash",
            "hash",
        ]
        return xlsx_response(
            pgettext("file name", "Evaluation log") + ".xlsx",
            headers,
            (_row(e) for e in entries.iterator()),
        )
    if request.GET.get("format") == "jsonl":
        # One JSON object per line with both hashes, for checking the chain elsewhere.
        lines = (
            json.dumps(dict(zip(HEADERS, _row(e), strict=True)), ensure_ascii=False)
            for e in entries.iterator()
        )
        return download(
            ("\n".join(lines) + "\n").encode("utf-8"),
            pgettext("file name", "Evaluation log") + ".jsonl",
            "application/x-ndjson",
        )
    page = Paginator(entries.select_related("actor"), 50).get_page(request.GET.get("page"))
    for entry in page:  # words and people's names, not keys and user names
        entry.action_label = action_label(entry.action)
        entry.actor_display = (
            entry.actor.get_full_name() if entry.actor else ""
        ) or entry.actor_name
    # The whole check: chain, signed checkpoints, recorded heads and the rows the log vouches
    # for (results are re-derived by `kaoping log verify` and on the results pages).
    verification = verify_log(rederive=False) if request.GET.get("verify") else None
    report = verification.chain if verification else None
    query = urlencode({k: v for k, v in chosen.items() if v})
    context = {
        "page": page,
        "verified": report is not None,
        "report": report,
        "problem": join_details(verification.problems(lang_of(request))) if verification else "",
        "chosen": chosen,
        "query": query,
        "rounds": Round.objects.order_by("-year", "-id"),
    }
    return render(request, "audit/log.html", context)
