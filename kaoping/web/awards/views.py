"""The year's awards: the decision page (proposal, nominations, review, the leading group's
fund and approval, publication), the allocation export, certificates, the honours register."""

from __future__ import annotations

import zipfile
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.web.accounts.models import Role
from kaoping.web.awards.actions import (
    do_decision_transition,
    do_generate_certificates,
    do_nominate,
    do_propose_awards,
    do_set_reward_fund,
)
from kaoping.web.awards.forms import FundForm, NominationForm
from kaoping.web.awards.models import (
    DECISION_TRANSITIONS,
    AwardDecision,
    CertificateJob,
    DecisionState,
    LineKind,
    honours_register,
)
from kaoping.web.common import ActionError, download, require, xlsx_response
from kaoping.web.inputs import ReasonForm, form_errors
from kaoping.web.permissions import has_role, is_staff_viewer, roles_of
from kaoping.web.rounds.views import round_for


def lang_of(request) -> str:
    return "en" if request.LANGUAGE_CODE == "en" else "zh"


@login_required
def decision(request, round_id: int):
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    found = AwardDecision.current(round)
    user = request.user
    superseded = (
        AwardDecision.objects.filter(round=round, state=DecisionState.SUPERSEDED)
        .select_related("run", "proposed_by")
        .prefetch_related("allocations__unit")
    )
    context = {
        "round": round,
        "decision": found,
        "superseded": superseded,
        "may_propose": has_role(user, Role.OFFICE),
    }
    if found is not None:
        lines = found.lines.select_related("unit", "source")
        context.update(
            {
                "tiers": [ln for ln in lines if ln.kind == LineKind.TIER],
                "specials": [ln for ln in lines if ln.kind in (LineKind.SPECIAL, LineKind.MEMBER)],
                "criticism": [ln for ln in lines if ln.kind == LineKind.CRITICISM],
                "honours": found.honours.select_related("unit", "nominated_by"),
                "allocations": found.allocations.select_related("unit"),
                "steps": found.steps.select_related("actor"),
                "actions": [
                    t
                    for t in DECISION_TRANSITIONS.values()
                    if found.state in t.sources and has_role(user, *t.roles)
                ],
                "may_nominate": has_role(user, Role.OFFICE)
                and found.state == DecisionState.PROPOSED,
                "may_fund": has_role(user, Role.LEADING_GROUP)
                and found.state in (DecisionState.PROPOSED, DecisionState.REVIEWED),
                "may_certify": has_role(user, Role.OFFICE)
                and found.state == DecisionState.PUBLISHED,
                "nomination": NominationForm(),
                "fund": FundForm(initial={"total": found.fund_total}),
                "jobs": found.certificate_jobs.all()[:3],
                "lang": lang_of(request),
            }
        )
        context["may_propose"] = context["may_propose"] and found.state == DecisionState.PROPOSED
    return render(request, "awards/decision.html", context)


def _decision(request, round_id: int) -> AwardDecision:
    """The round's decision in force; a superseded one is history, not acted on."""
    found = AwardDecision.current(round_for(request, round_id))
    if found is None:
        raise Http404
    return found


def _done(request, round_id: int, call, success: str):
    try:
        call()
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("awards:decision", round_id)


@login_required
@require_POST
def propose(request, round_id: int):
    round = round_for(request, round_id)
    require(has_role(request.user, Role.OFFICE))
    return _done(
        request,
        round_id,
        lambda: do_propose_awards(round, acting_user=request.user),
        _("Awards proposed from the scheme's rules."),
    )


@login_required
@require_POST
def nominate(request, round_id: int):
    found = _decision(request, round_id)
    require(has_role(request.user, Role.OFFICE))
    form = NominationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "; ".join(f"{form[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        )
        return redirect("awards:decision", round_id)
    d = form.cleaned_data
    return _done(
        request,
        round_id,
        lambda: do_nominate(
            found,
            kind=d["kind"],
            unit=d["unit"],
            person=d["person"],
            organisation=d["organisation"],
            title=d["title"],
            reason=d["reason"],
            acting_user=request.user,
        ),
        _("Nomination recorded."),
    )


@login_required
@require_POST
def fund(request, round_id: int):
    found = _decision(request, round_id)
    require(has_role(request.user, Role.LEADING_GROUP))
    form = FundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(" ".join(v) for v in form.errors.values()))
        return redirect("awards:decision", round_id)
    return _done(
        request,
        round_id,
        lambda: do_set_reward_fund(found, form.cleaned_data["total"], acting_user=request.user),
        _("Reward fund allocated."),
    )


@login_required
@require_POST
def transition(request, round_id: int, action: str):
    found = _decision(request, round_id)
    step = DECISION_TRANSITIONS.get(action)
    require(step is not None and has_role(request.user, *step.roles))
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("awards:decision", round_id)
    return _done(
        request,
        round_id,
        lambda: do_decision_transition(
            found, action, acting_user=request.user, reason=form.cleaned_data["reason"]
        ),
        _("Done: %(action)s.") % {"action": step.label},
    )


@login_required
def allocation_xlsx(request, round_id: int):
    found = _decision(request, round_id)
    require(is_staff_viewer(request.user))
    # Amounts as numbers (Decimal, to the fen), so that SUM() in Excel gives the total.
    rows = [
        (a.unit.code, a.unit.name, a.tier, a.coefficient, a.amount)
        for a in found.allocations.select_related("unit")
    ]
    rows.append(("", "合计", "", None, sum((r[4] for r in rows), Decimal(0))))
    return xlsx_response(
        f"奖励资金分配-{found.round.year}.xlsx",
        ["单位编码", "单位名称", "获奖档次", "分配系数", "金额（元）"],
        rows,
        title="奖励资金分配",
    )


@login_required
@require_POST
def certificates(request, round_id: int):
    found = _decision(request, round_id)
    require(has_role(request.user, Role.OFFICE))
    return _done(
        request,
        round_id,
        lambda: do_generate_certificates(found, acting_user=request.user),
        _("Certificates are being generated."),
    )


def _job(request, round_id: int, job_id: int) -> CertificateJob:
    found = _decision(request, round_id)
    require(is_staff_viewer(request.user))
    job = get_object_or_404(CertificateJob, pk=job_id, decision=found, status="done")
    return job


@login_required
def certificates_zip(request, round_id: int, job_id: int):
    job = _job(request, round_id, job_id)
    with job.archive.open("rb") as handle:
        return download(handle.read(), f"荣誉证书-{job.decision.round.year}.zip", "application/zip")


@login_required
def certificate_file(request, round_id: int, job_id: int, number: int):
    job = _job(request, round_id, job_id)
    if not 1 <= number <= len(job.contents):
        raise Http404
    name = job.contents[number - 1]
    with job.archive.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        return download(archive.read(name), name, "application/pdf")


@login_required
def honours(request, year: int):
    """Every honour of the year, units and individuals: awards, special awards, nominations.
    Staff see them as soon as proposed; everyone once published."""
    require(bool(roles_of(request.user)))
    lines, nominations = honours_register(year, staff=is_staff_viewer(request.user))
    return render(
        request,
        "awards/honours.html",
        {"year": year, "lines": lines, "nominations": nominations, "lang": lang_of(request)},
    )
