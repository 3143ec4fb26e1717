"""The award decision's actions; each ``do_*`` writes its log entry in its transaction.

Numbers come from the scoring core only: ``decide_awards`` on the committee-approved run's
evaluation (with the scheme's tie rule), ``allocate`` for the reward fund. Nothing is
recomputed here.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaoping import reports  # its renderers load on first use (WeasyPrint is heavy)
from kaoping.scoring import KaopingError
from kaoping.scoring.allocation import Recipient, allocate
from kaoping.scoring.awards import AwardDecisions
from kaoping.web.accounts.models import Membership, Role
from kaoping.web.audit.log import record
from kaoping.web.awards.models import (
    DECISION_TRANSITIONS,
    Allocation,
    AwardDecision,
    AwardLine,
    CertificateJob,
    DecisionState,
    DecisionStep,
    Honour,
    HonourKind,
    LineKind,
)
from kaoping.web.common import ActionError, after_label, in_language
from kaoping.web.jobs.durable import durable, enqueue, recover_lost
from kaoping.web.results.actions import inline_jobs
from kaoping.web.results.documents import award_decisions, certificate_signing
from kaoping.web.results.frozen import frozen_result
from kaoping.web.results.models import Publication, RunStatus, ScoringRun
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.units.models import Unit

# The committee has approved the ranking: from here the awards can be proposed.
PROPOSABLE = (RoundState.APPROVED, RoundState.PUBLISHED, RoundState.CLOSED)
FEEDING = (RoundState.PUBLISHED, RoundState.CLOSED)


def decisions_of(run: ScoringRun) -> AwardDecisions | None:
    """The scoring core's award decisions for a run (its scheme's rules and tie rule), the
    same the round's report and certificates show (``results.documents.award_decisions``)."""
    try:
        return award_decisions(frozen_result(run))
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None


def feeding_rounds(round: Round) -> list[tuple[Round, ScoringRun]]:
    """The same year's other assessments with published results (special assessments,
    member units): their awards and criticism join this decision."""
    found = []
    for other in Round.objects.filter(year=round.year, state__in=FEEDING).exclude(pk=round.pk):
        publication = Publication.current(other)
        if publication is not None:
            found.append((other, publication.run))
    return found


def _lines(decision: AwardDecision, source: Round, run: ScoringRun, main: bool) -> list[AwardLine]:
    decisions = decisions_of(run)
    if decisions is None:
        return []
    rules = decisions.rules
    units = {
        u.code: u for u in Unit.objects.filter(code__in=[d.unit_code for d in decisions.decisions])
    }
    tiers = {t.name: t for t in rules.tiers}
    kind = LineKind.TIER if main else (LineKind.SPECIAL if rules.special else LineKind.MEMBER)
    lines = []
    for d in decisions.decisions:
        unit = units.get(d.unit_code)
        if unit is None:
            continue
        if d.tier is not None:
            tier = tiers.get(d.tier)
            lines.append(
                AwardLine(
                    decision=decision,
                    source=source,
                    unit=unit,
                    kind=kind,
                    title=d.tier,
                    title_en=tier.name_for("en") if tier else d.tier,
                    coefficient=d.coefficient if main else 0.0,
                    total=d.total,
                    rank=d.rank,
                )
            )
        if d.criticised:
            # Stored in both languages, as the tiers' titles are.
            title, reason = {}, {}
            for lang in ("zh", "en"):
                with in_language(lang):
                    title[lang] = pgettext("a line of an award decision", "criticism")
                    reason[lang] = d.reason_text(lang)
                    if not main:
                        reason[lang] = after_label(source.name, reason[lang])
            lines.append(
                AwardLine(
                    decision=decision,
                    source=source,
                    unit=unit,
                    kind=LineKind.CRITICISM,
                    title=title["zh"],
                    title_en=title["en"],
                    total=d.total,
                    rank=d.overall_rank,
                    reason=reason["zh"],
                    reason_en=reason["en"],
                )
            )
    return lines


def _proposal_run(round: Round) -> ScoringRun | None:
    """The results the awards rest on: the current publication's run (after a re-review, the
    committee-approved republication), else the latest committee-approved run."""
    publication = Publication.current(round)
    if publication is not None:
        return publication.run
    return (
        ScoringRun.objects.filter(round=round, approved_at__isnull=False, status=RunStatus.DONE)
        .order_by("-version")
        .first()
    )


def do_propose_awards(round: Round, *, acting_user: User) -> AwardDecision:
    """Propose (or propose again, while still proposed) the year's awards and criticism."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.state not in PROPOSABLE:
            raise ActionError(
                _(
                    "Awards are proposed after the committee approves the ranking; the round is "
                    "“%(state)s”."
                )
                % {"state": round.get_state_display()}
            )
        run = _proposal_run(round)
        if run is None:
            raise ActionError(_("There are no approved results."))
        decision = AwardDecision.current(round)
        if decision is not None and decision.state != DecisionState.PROPOSED:
            raise ActionError(_("The awards are past the proposal; send them back first."))
        decided = decisions_of(run)
        if decided is None:
            raise ActionError(_("The round's scheme has no award rules."))
        now = timezone.now()
        if decision is None:
            decision = AwardDecision(round=round)
        decision.run, decision.proposed_by, decision.proposed_at = run, acting_user, now
        decision.award_name = decided.rules.name
        decision.fund_total = None
        decision.based_on = {str(round.pk): run.pk}
        decision.save()
        decision.lines.all().delete()
        decision.allocations.all().delete()
        lines = _lines(decision, round, run, main=True)
        for other, other_run in feeding_rounds(round):
            lines += _lines(decision, other, other_run, main=False)
            decision.based_on[str(other.pk)] = other_run.pk
        decision.save(update_fields=["based_on"])
        AwardLine.objects.bulk_create(lines)
        DecisionStep.objects.create(
            decision=decision, action="propose", to_state=decision.state, actor=acting_user, at=now
        )
        record(
            "awards.propose",
            acting_user,
            round=round,
            obj=decision,
            data={
                "run": run.version,
                "rounds": [int(k) for k in decision.based_on],
                "based_on": decision.based_on,
                "lines": [[ln.unit.code, ln.kind, ln.title] for ln in lines],
            },
        )
    return decision


def do_supersede_awards(
    publication: Publication, *, acting_user: User, reason: str
) -> list[AwardDecision]:
    """New results of a round took effect (``publication``, e.g. the committee-approved
    republication after a re-review): every decision of the year made from other results of
    that round (its own, or one it fed) is superseded, its allocation and certificates kept
    as history only, and a new decision is required. Called inside the publishing action's
    transaction; returns the decisions superseded."""
    source = str(publication.round_id)
    stale = [
        d
        for d in AwardDecision.objects.select_for_update()
        .filter(round__year=publication.round.year)
        .exclude(state=DecisionState.SUPERSEDED)
        .select_related("round")
        if source in d.based_on and d.based_on[source] != publication.run_id
    ]
    now = timezone.now()
    for decision in stale:
        current = decision.state
        decision.state, decision.superseded_at = DecisionState.SUPERSEDED, now
        decision.superseded_reason = reason
        decision.save(update_fields=["state", "superseded_at", "superseded_reason"])
        step = DecisionStep.objects.create(
            decision=decision,
            action="supersede",
            from_state=current,
            to_state=decision.state,
            actor=acting_user,
            at=now,
            reason=reason,
        )
        record(
            "awards.supersede",
            acting_user,
            round=decision.round,
            obj=step,
            data={
                "from": current,
                "reason": reason,
                "source_round": publication.round_id,
                "publication": publication.version,
                "run": publication.run.version,
                "fund_total": str(decision.fund_total or ""),
                "allocations": [
                    [a.unit.code, str(a.amount)]
                    for a in decision.allocations.select_related("unit")
                ],
            },
        )
    return stale


def _require_state(decision: AwardDecision, *states: str) -> None:
    if decision.state not in states:
        raise ActionError(
            _("Not possible while the awards are “%(state)s”.")
            % {"state": decision.get_state_display()}
        )


def do_nominate(
    decision: AwardDecision,
    *,
    kind: str,
    title: str,
    reason: str,
    acting_user: User,
    unit: Unit | None = None,
    person: str = "",
    organisation: str = "",
) -> Honour:
    """The office nominates an outstanding unit or individual (an honour, never money)."""
    title, reason, person = title.strip(), reason.strip(), person.strip()
    if not title or not reason:
        raise ActionError(_("Give the honour and the deeds it recognises."))
    if kind == HonourKind.UNIT and unit is None:
        raise ActionError(_("Choose the unit."))
    if kind == HonourKind.INDIVIDUAL and not person:
        raise ActionError(_("Give the individual's name."))
    with transaction.atomic():
        decision = AwardDecision.objects.select_for_update().get(pk=decision.pk)
        _require_state(decision, DecisionState.PROPOSED)
        honour = Honour.objects.create(
            decision=decision,
            kind=kind,
            unit=unit if kind == HonourKind.UNIT else None,
            person=person if kind == HonourKind.INDIVIDUAL else "",
            organisation=organisation.strip(),
            title=title,
            reason=reason,
            nominated_by=acting_user,
        )
        record(
            "awards.nominate",
            acting_user,
            round=decision.round,
            obj=honour,
            data={"kind": kind, "recipient": honour.recipient, "title": title, "reason": reason},
        )
    return honour


def do_set_reward_fund(
    decision: AwardDecision, total: str, *, acting_user: User
) -> list[Allocation]:
    """The leading group sets the reward fund; it is shared among the winning units by tier
    coefficient, summing exactly (``kaoping.scoring.allocation``): in whole yuan when the
    fund is whole yuan, to the fen when it has jiao or fen (e.g. 1000000.50)."""
    try:
        amount = Decimal(str(total).replace(",", "").strip())
    except InvalidOperation:
        raise ActionError(_("The reward fund is an amount in yuan, e.g. 1000000.")) from None
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ActionError(
            _(
                "The reward fund “%(value)s” must be a positive amount in yuan with at most two "
                "decimals (jiao and fen), e.g. 1000000 or 1000000.50."
            )
            % {"value": total}
        )
    precision = "yuan" if amount == amount.to_integral_value() else "fen"
    with transaction.atomic():
        decision = AwardDecision.objects.select_for_update().get(pk=decision.pk)
        _require_state(decision, DecisionState.PROPOSED, DecisionState.REVIEWED)
        winners = list(decision.lines.filter(kind=LineKind.TIER).select_related("unit"))
        recipients = [
            Recipient(
                code=ln.unit.code,
                name=ln.unit.name,
                coefficient=ln.coefficient,
                score=ln.total,
                tier=ln.title,
            )
            for ln in winners
        ]
        try:
            shares = allocate(amount, recipients, precision=precision)
        except KaopingError as exc:
            raise ActionError(exc.render("zh")) from None
        decision.allocations.all().delete()
        units = {ln.unit.code: ln.unit for ln in winners}
        rows = Allocation.objects.bulk_create(
            [
                Allocation(
                    decision=decision,
                    unit=units[s.code],
                    tier=s.tier,
                    coefficient=float(s.weight),
                    amount=s.amount,
                    position=i,
                )
                for i, s in enumerate(shares)
            ]
        )
        now = timezone.now()
        decision.fund_total, decision.fund_set_by, decision.fund_set_at = amount, acting_user, now
        decision.save(update_fields=["fund_total", "fund_set_by", "fund_set_at"])
        DecisionStep.objects.create(
            decision=decision,
            action="fund",
            from_state=decision.state,
            to_state=decision.state,
            actor=acting_user,
            at=now,
            reason=str(amount),
        )
        record(
            "awards.fund",
            acting_user,
            round=decision.round,
            obj=decision,
            data={
                "total": str(amount),
                "precision": precision,
                "shares": [[s.code, s.tier, str(s.amount)] for s in shares],
            },
        )
    return rows


def do_decision_transition(
    decision: AwardDecision, action: str, *, acting_user: User, reason: str = ""
) -> DecisionStep:
    """Review, send back, approve or publish the decision, refusing wrong states."""
    transition = DECISION_TRANSITIONS.get(action)
    if transition is None:
        raise ActionError(_("Unknown action."))
    reason = (reason or "").strip()
    with transaction.atomic():
        decision = (
            AwardDecision.objects.select_for_update().select_related("round").get(pk=decision.pk)
        )
        _require_state(decision, *transition.sources)
        if transition.needs_reason and not reason:
            raise ActionError(
                _("Please give a reason for “%(action)s”.") % {"action": transition.label}
            )
        if action == "approve":
            _check_approval(decision, acting_user)
        if action == "publish" and decision.round.state not in FEEDING:
            raise ActionError(_("Publish the round's results before its awards."))
        current, now = decision.state, timezone.now()
        decision.state = transition.target
        decision.save(update_fields=["state"])
        step = DecisionStep.objects.create(
            decision=decision,
            action=action,
            from_state=current,
            to_state=transition.target,
            actor=acting_user,
            at=now,
            reason=reason,
        )
        record(
            f"awards.{action}",
            acting_user,
            round=decision.round,
            obj=step,
            data={
                "from": current,
                "to": transition.target,
                "reason": reason,
                "fund_total": str(decision.fund_total or ""),
            },
        )
    return step


def _check_approval(decision: AwardDecision, acting_user: User) -> None:
    """The leading group approves a decision whose fund is set, not one it reviewed itself,
    and nobody approves awards to his own unit."""
    if decision.lines.filter(kind=LineKind.TIER).exists() and not decision.allocations.exists():
        raise ActionError(_("Set the reward fund before approving."))
    reviewed = decision.steps.filter(action="review").order_by("-at").first()
    if reviewed is not None and reviewed.actor_id == acting_user.pk:
        raise ActionError(
            _("The committee member who reviewed the awards cannot also approve them.")
        )
    units = decision.lines.values("unit_id")
    if Membership.objects.filter(user=acting_user, role=Role.UNIT, unit__in=units).exists():
        raise ActionError(_("You are a member of a unit in this decision and cannot approve it."))


# --- certificates ---------------------------------------------------------------------------


def certificate_items(decision: AwardDecision) -> list[dict[str, str]]:
    """One certificate per award (units) and per honour (units and individuals)."""
    items = [
        {"unit_code": ln.unit.code, "unit_name": ln.unit.name, "tier": ln.title, "reason": ""}
        for ln in decision.lines.exclude(kind=LineKind.CRITICISM).select_related("unit")
    ]
    for h in decision.honours.select_related("unit"):
        items.append(
            {
                "unit_code": h.unit.code
                if h.unit is not None
                else h.organisation or _("individual"),
                "unit_name": h.recipient,
                "tier": h.title,
                "reason": h.reason,
            }
        )
    return items


def do_generate_certificates(decision: AwardDecision, *, acting_user: User) -> CertificateJob:
    with transaction.atomic():
        decision = AwardDecision.objects.select_for_update().get(pk=decision.pk)
        _require_state(decision, DecisionState.PUBLISHED)
        # A certificate without its issuer and date cannot be handed out: refused, naming
        # what is missing and where the office sets it (the round's "who signs" form).
        certificate_signing(decision.round, date=_published_on(decision))
        busy = CertificateJob.objects.filter(decision=decision, status__in=["queued", "running"])
        if busy.exists():
            recover_lost()  # a job left "running" by a dead worker is retried or failed first
            if busy.exists():
                raise ActionError(_("Certificates are already being generated."))
        job = CertificateJob.objects.create(decision=decision, started_by=acting_user)
        record(
            "awards.certificates",
            acting_user,
            round=decision.round,
            obj=job,
            data={"certificates": len(certificate_items(decision))},
        )
        if not inline_jobs():
            enqueue(make_certificates, job.pk)  # a durable task, queued with the job
    if inline_jobs():
        enqueue(make_certificates, job.pk)
    return job


def _published_on(decision: AwardDecision) -> date:
    """The day the decision was published: the certificates' date unless the office set one."""
    published = decision.steps.filter(to_state=DecisionState.PUBLISHED).last()
    return timezone.localtime(published.at if published else timezone.now()).date()


def fail_certificates(reason: str, job_id: int) -> None:
    """Mark a certificate job that cannot finish failed, with the reason."""
    CertificateJob.objects.filter(pk=job_id, status__in=["queued", "running"]).update(
        status="failed", message=reason[:2000], finished_at=timezone.now()
    )


def certificate_name(number: int, item: dict[str, str]) -> str:
    safe = "".join(c for c in f"{item['unit_name']}-{item['tier']}" if c not in '\\/:*?"<>|')
    return f"{number:03d}-{safe}.pdf"


@durable(on_failure=fail_certificates)
def make_certificates(job_id: int) -> None:
    """Render each certificate as its own PDF (downloadable one by one) and zip them all."""
    job = CertificateJob.objects.select_related("decision__round").get(pk=job_id)
    CertificateJob.objects.filter(pk=job.pk).update(status="running")
    round = job.decision.round
    try:
        buffer, names = io.BytesIO(), []
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            # Signed as the office set it (dated the day the decision was published unless
            # it set a date); numbered in the list's order.
            signing = certificate_signing(round, date=_published_on(job.decision))
            for number, item in enumerate(certificate_items(job.decision), start=1):
                pdf = io.BytesIO()
                reports.render_certificates(
                    [item],
                    pdf,
                    year=round.year,
                    issuer=signing["issuer"],
                    date=signing["date"],
                    award=job.decision.round.scheme().name,
                    first_number=number,
                )
                name = certificate_name(number, item)
                archive.writestr(name, pdf.getvalue())
                names.append(name)
        job.archive.save(
            f"certificates-{round.pk}-{job.pk}.zip", ContentFile(buffer.getvalue()), save=False
        )
        job.contents, job.status, job.finished_at = names, "done", timezone.now()
        job.save()
    except Exception as exc:  # the job's page shows why; nothing half-written is offered
        CertificateJob.objects.filter(pk=job.pk).update(
            status="failed", message=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
