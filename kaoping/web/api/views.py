"""A small read-only JSON API (rounds, units, submissions, results) for integration.

Authentication: the browser session, or ``Authorization: Bearer <token>`` with a token
issued on "My account". Every view asks the same permission functions as the pages.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404

from kaoping.web.accounts.security import client_ip
from kaoping.web.accounts.tokens import user_of_token
from kaoping.web.permissions import (
    can_view_ranking,
    can_view_round,
    can_view_unit_data,
    can_view_unit_result,
    is_staff_viewer,
    unit_ids_of,
    visible_rounds,
)
from kaoping.web.results.models import Publication, RunStatus, ScoringRun
from kaoping.web.rounds.models import Round
from kaoping.web.submissions.models import Submission


def api_view(view):
    """Resolve the user from a bearer token or the session; JSON errors, never HTML."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = user_of_token(header[7:].strip(), client_ip(request))
            request.user = user or AnonymousUser()
        if not request.user.is_authenticated:
            return JsonResponse({"error": "authentication required"}, status=401)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return JsonResponse({"error": "not found"}, status=404)

    return wrapper


def _round(request, round_id: int) -> Round:
    round = get_object_or_404(Round, pk=round_id)
    if not can_view_round(request.user, round):
        raise Http404
    return round


def _round_json(r: Round) -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "year": r.year,
        "state": r.state,
        "scheme": r.scheme_code,
        "scheme_sha256": r.scheme_sha256 or None,
    }


@api_view
def rounds(request):
    return JsonResponse({"rounds": [_round_json(r) for r in visible_rounds(request.user)]})


@api_view
def round_units(request, round_id: int):
    round = _round(request, round_id)
    units = round.units.all()
    if not is_staff_viewer(request.user):
        units = units.filter(pk__in=unit_ids_of(request.user))
    return JsonResponse(
        {
            "round": round.pk,
            "units": [
                {
                    "id": u.pk,
                    "code": u.code,
                    "name": u.name,
                    "parent": u.parent.code if u.parent else None,
                }
                for u in units.select_related("parent")
            ],
        }
    )


@api_view
def round_submissions(request, round_id: int):
    round = _round(request, round_id)
    items = Submission.objects.filter(round=round).select_related("unit")
    visible = [s for s in items if can_view_unit_data(request.user, round, s.unit)]
    return JsonResponse(
        {
            "round": round.pk,
            "submissions": [
                {
                    "unit": s.unit.code,
                    "status": s.status,
                    "values": s.values,
                    "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
                }
                for s in visible
            ],
        }
    )


@api_view
def round_results(request, round_id: int):
    round = _round(request, round_id)
    if is_staff_viewer(request.user):
        run = ScoringRun.latest_done(round)
    else:
        publication = Publication.current(round) if round.results_visible_to_units else None
        run = publication.run if publication else None
    if run is None or run.status != RunStatus.DONE:
        return JsonResponse({"round": round.pk, "version": None, "results": []})
    results = run.unit_results.select_related("unit")
    if not can_view_ranking(request.user, round):
        results = [r for r in results if can_view_unit_result(request.user, round, r.unit)]
    codes = [i["code"] for i in run.summary.get("indicators", [])]
    staff = is_staff_viewer(request.user)
    own = unit_ids_of(request.user)
    return JsonResponse(
        {
            "round": round.pk,
            "version": run.version,
            "indicators": codes,
            "results": [_result_json(r, codes, staff or r.unit_id in own) for r in results],
        }
    )


def _result_json(r, codes: list[str], details: bool) -> dict:
    """One unit's stored numbers (``UnitResult``); indicators keyed by code only for those
    who may open the unit's page (a unit sees other units' totals in the ranking, no more)."""
    if not details:  # the published ranking: code, name, rank, total, grade (issue 11)
        return {
            "unit": r.unit.code,
            "name": r.unit.name,
            "rank": r.rank,
            "total": r.total,
            "grade": r.grade,
        }
    n = r.numbers
    indicators = {
        code: {"value": v, "z": z, "score": s}
        for code, v, z, s in zip(
            codes, n.get("values", []), n.get("z", []), n.get("scores", []), strict=False
        )
    }
    return {
        "unit": r.unit.code,
        "name": r.unit.name,
        "rank": r.rank,
        "total": r.total,
        "grade": r.grade,
        "groups": r.groups,
        "previous_total": r.previous_total,
        "base_total": n.get("base_total"),
        "bonus": n.get("bonus"),
        "indicators": indicators,
    }
