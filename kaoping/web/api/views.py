"""A small JSON API for integration: rounds, units, submissions, results; responsibility
letters (targets, plans, progress), bonus / deduction points and the award decision (tiers,
criticism, honours, the reward fund's allocation).

Authentication: the browser session, or ``Authorization: Bearer <token>`` with a token
issued on "My account". Every view asks the same permission functions as the pages and shows
the same stored numbers. Writes (setting a target, reporting progress, entering bonus points)
need a token (no cookie, so no cross-site forgery), go through the pages' forms and the same
audited ``do_*`` actions; every problem is returned at once, in the user's language.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kaoping.web.accounts.models import Role
from kaoping.web.accounts.security import client_ip
from kaoping.web.accounts.tokens import user_of_token
from kaoping.web.adjustments.actions import OPEN_STATES, do_add_adjustment
from kaoping.web.adjustments.forms import AdjustmentForm
from kaoping.web.adjustments.models import Adjustment
from kaoping.web.awards.models import AwardDecision, DecisionState, LineKind, honours_register
from kaoping.web.common import ActionError
from kaoping.web.letters.actions import SETTING_STATES, do_report_progress, do_set_target
from kaoping.web.letters.forms import ProgressForm, TargetForm
from kaoping.web.letters.models import Target
from kaoping.web.permissions import (
    can_view_ranking,
    can_view_round,
    can_view_unit_data,
    can_view_unit_result,
    has_role,
    is_member_of_unit,
    is_staff_viewer,
    roles_of,
    unit_ids_of,
    visible_rounds,
)
from kaoping.web.results.models import Publication, RunStatus, ScoringRun
from kaoping.web.rounds.models import Round
from kaoping.web.submissions.models import Submission


class Refused(Exception):
    """A request the API answers with an error status and message (never HTML)."""

    def __init__(self, status: int, error: str, errors: dict | None = None):
        super().__init__(error)
        self.status, self.error, self.errors = status, error, errors


def api_view(view):
    """Resolve the user from a bearer token or the session; JSON errors, never HTML. Writes
    (POST) only with a token: a session cookie would need the pages' CSRF protection."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header.startswith("Bearer ")
        if token:
            user = user_of_token(header[7:].strip(), client_ip(request))
            request.user = user or AnonymousUser()
        if not request.user.is_authenticated:
            return JsonResponse({"error": "authentication required"}, status=401)
        if request.method not in ("GET", "HEAD", "POST"):
            return JsonResponse({"error": "method not allowed"}, status=405)
        if request.method == "POST" and not token:
            return JsonResponse({"error": _("Writing through the API needs a token.")}, status=403)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return JsonResponse({"error": "not found"}, status=404)
        except Refused as exc:
            body = {"error": exc.error} | ({"errors": exc.errors} if exc.errors else {})
            return JsonResponse(body, status=exc.status)
        except ActionError as exc:
            return JsonResponse({"error": str(exc)}, status=400)

    return wrapper


def _payload(request) -> dict:
    """The JSON object a write sends (bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, _("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refused(400, _("The request body must be a JSON object."))
    return data


def _valid(form) -> dict:
    """The form's cleaned data, or every problem at once (field: messages)."""
    if not form.is_valid():
        raise Refused(
            400,
            _("Please correct the errors below."),
            {k: [str(m) for m in v] for k, v in form.errors.items()},
        )
    return form.cleaned_data


def _unit_pk(round: Round, data: dict) -> dict:
    """The API names units by code; the pages' forms take the unit's id."""
    code = str(data.get("unit", ""))
    unit = round.units.filter(code=code).first()
    return data | {"unit": unit.pk if unit else code}


def _require(allowed: bool) -> None:
    if not allowed:
        raise Refused(403, _("You do not have permission for this."))


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


# --- responsibility letters (目标责任书) --------------------------------------------------------


def _target_json(t: Target) -> dict:
    """A target as the letters' pages show it: plan, progress, completion, held / not held."""
    progress = t.progress
    return {
        "id": t.pk,
        "unit": t.unit.code,
        "unit_name": t.unit.name,
        "key": t.key,
        "name": t.name,
        "value": t.value,
        "weight": t.weight,
        "direction": t.direction,
        "level": t.level,
        "plan": list(t.plan or ()),
        "plan_filed": t.plan_filed_at is not None,
        "actual": t.actual,
        "through": t.through or None,
        "completion": t.completion,
        "held": t.held if t.level else None,
        "expected_to_date": getattr(progress, "expected", None),
    }


@api_view
def round_targets(request, round_id: int):
    """GET: the targets the user may see (staff: all; a unit: its own). POST (the office,
    while targets are set): one target, as the targets page's form."""
    round = _round(request, round_id)
    if request.method == "POST":
        _require(has_role(request.user, Role.OFFICE) and round.state in SETTING_STATES)
        d = _valid(TargetForm(round, _unit_pk(round, _payload(request))))
        target = do_set_target(
            round,
            d["unit"],
            key=d["key"],
            value=d["value"],
            name=d["name"],
            weight=d["weight"],
            direction=d["direction"],
            level=d["level"],
            acting_user=request.user,
        )
        return JsonResponse(_target_json(target), status=201)
    rows = Target.objects.filter(round=round).select_related("unit", "round")
    if not is_staff_viewer(request.user):
        rows = rows.filter(unit_id__in=unit_ids_of(request.user))
    return JsonResponse({"round": round.pk, "targets": [_target_json(t) for t in rows]})


@api_view
def target_progress(request, round_id: int, target_id: int):
    """POST (a member of the target's unit): progress during the year, as the letter's form."""
    round = _round(request, round_id)
    target = get_object_or_404(
        Target.objects.select_related("unit", "round"), pk=target_id, round=round
    )
    if request.method != "POST":
        return JsonResponse({"error": "method not allowed"}, status=405)
    _require(is_member_of_unit(request.user, target.unit))
    d = _valid(ProgressForm(_payload(request)))
    target = do_report_progress(
        target, actual=d["actual"], through=d["through"], acting_user=request.user
    )
    return JsonResponse(_target_json(target))


# --- bonus and deduction points (article 11) -----------------------------------------------------


def _adjustment_json(a: Adjustment) -> dict:
    return {
        "id": a.pk,
        "unit": a.unit.code,
        "unit_name": a.unit.name,
        "points": a.points,
        "reason": a.reason,
        "reference": a.reference,
        "entered_by": a.entered_by.username,
        "entered_at": a.entered_at.isoformat(),
    }


@api_view
def round_adjustments(request, round_id: int):
    """GET: staff see every entry, a unit its own (as in its explanation). POST (the office,
    while entries are open): one entry, bounded by the scheme as on the page."""
    round = _round(request, round_id)
    if request.method == "POST":
        _require(has_role(request.user, Role.OFFICE) and round.state in OPEN_STATES)
        d = _valid(AdjustmentForm(round, _unit_pk(round, _payload(request))))
        entry = do_add_adjustment(
            round,
            d["unit"],
            points=d["points"],
            reason=d["reason"],
            reference=d["reference"],
            acting_user=request.user,
        )
        return JsonResponse(_adjustment_json(entry), status=201)
    rows = Adjustment.objects.filter(round=round).select_related("unit", "entered_by")
    if not is_staff_viewer(request.user):
        rows = rows.filter(unit_id__in=unit_ids_of(request.user))
    return JsonResponse({"round": round.pk, "adjustments": [_adjustment_json(a) for a in rows]})


# --- the award decision (articles 20-23) ----------------------------------------------------------


def _decision_json(d: AwardDecision) -> dict:
    """The decision as its page shows it; money as exact decimal strings in yuan."""
    lines = d.lines.select_related("unit", "source")
    return {
        "id": d.pk,
        "state": d.state,
        "award": d.award_name,
        "results_version": d.run.version,
        "superseded_at": d.superseded_at.isoformat() if d.superseded_at else None,
        "superseded_reason": d.superseded_reason or None,
        "awards": [
            {
                "unit": ln.unit.code,
                "name": ln.unit.name,
                "kind": ln.kind,
                "assessment": ln.source.name,
                "award": ln.title,
                "rank": ln.rank,
                "total": ln.total,
                "coefficient": ln.coefficient,
            }
            for ln in lines
            if ln.kind != LineKind.CRITICISM
        ],
        "criticism": [
            {
                "unit": ln.unit.code,
                "name": ln.unit.name,
                "assessment": ln.source.name,
                "total": ln.total,
                "reason": ln.reason,
            }
            for ln in lines
            if ln.kind == LineKind.CRITICISM
        ],
        "honours": [
            {
                "kind": h.kind,
                "recipient": h.recipient,
                "organisation": h.organisation,
                "honour": h.title,
                "deeds": h.reason,
            }
            for h in d.honours.select_related("unit")
        ],
        "fund_total": None if d.fund_total is None else str(d.fund_total),
        "allocation": [
            {
                "unit": a.unit.code,
                "name": a.unit.name,
                "tier": a.tier,
                "coefficient": a.coefficient,
                "amount": str(a.amount),
            }
            for a in d.allocations.select_related("unit")
        ],
        "steps": [
            {
                "action": s.action,
                "to": s.to_state,
                "by": s.actor.username,
                "at": s.at.isoformat(),
                "reason": s.reason,
            }
            for s in d.steps.select_related("actor")
        ],
    }


@api_view
def round_awards(request, round_id: int):
    """The round's award decision in force (staff: from its proposal; everyone else: once
    published) and, for staff, the decisions superseded by new results."""
    round = _round(request, round_id)
    current = AwardDecision.current(round)
    staff = is_staff_viewer(request.user)
    if current is not None and not staff and current.state != DecisionState.PUBLISHED:
        current = None
    superseded = (
        AwardDecision.objects.filter(round=round, state=DecisionState.SUPERSEDED) if staff else []
    )
    return JsonResponse(
        {
            "round": round.pk,
            "decision": _decision_json(current) if current else None,
            "superseded": [_decision_json(d) for d in superseded],
        }
    )


@api_view
def honours(request, year: int):
    """The year's honours register, as its page: awards, special awards, nominations."""
    _require(bool(roles_of(request.user)))
    lines, nominations = honours_register(year, staff=is_staff_viewer(request.user))
    return JsonResponse(
        {
            "year": year,
            "awards": [
                {
                    "unit": ln.unit.code,
                    "name": ln.unit.name,
                    "kind": ln.kind,
                    "assessment": ln.source.name,
                    "award": ln.title,
                    "state": ln.decision.state,
                }
                for ln in lines
            ],
            "honours": [
                {
                    "kind": h.kind,
                    "recipient": h.recipient,
                    "organisation": h.organisation,
                    "honour": h.title,
                    "deeds": h.reason,
                    "state": h.decision.state,
                }
                for h in nominations
            ],
        }
    )
