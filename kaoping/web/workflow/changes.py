"""Requesting and deciding changes after publication; each ``do_*`` writes its log entry."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.web.accounts.models import Membership, Role
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError
from kaoping.web.disputes.actions import do_republish
from kaoping.web.disputes.models import Decision, Dispute, DisputeStatus
from kaoping.web.results.models import RunStatus, ScoringRun
from kaoping.web.rounds.models import ORDER, REOPEN_TARGETS, Round, RoundState
from kaoping.web.workflow.actions import do_transition
from kaoping.web.workflow.models import ChangeRequest, RequestKind, RequestStatus

AFTER_PUBLICATION = (RoundState.PUBLISHED, RoundState.CLOSED)


def _create(round, *, kind, reason, acting_user, target="", dispute=None) -> ChangeRequest:
    if ChangeRequest.objects.filter(round=round, status=RequestStatus.PENDING).exists():
        raise ActionError(_("A change of this round already awaits the committee."))
    change = ChangeRequest.objects.create(
        round=round,
        kind=kind,
        target=target,
        dispute=dispute,
        reason=reason,
        requested_by=acting_user,
        requested_at=timezone.now(),
    )
    record(
        "approvals.request",
        acting_user,
        round=round,
        unit=dispute.unit if dispute else None,
        obj=change,
        data={
            "kind": kind,
            "target": target,
            "reason": reason,
            "dispute": dispute.pk if dispute else None,
        },
    )
    return change


def do_request_reopen(round: Round, *, target: str, reason: str, acting_user) -> ChangeRequest:
    """Ask the committee to reopen a published or archived round to ``target``."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Please give a reason for “%(action)s”.") % {"action": _("Reopen")})
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.state not in AFTER_PUBLICATION:
            raise ActionError(
                _("Only a published or archived round needs the committee to reopen it.")
            )
        if target not in REOPEN_TARGETS or ORDER.index(target) >= ORDER.index(round.state):
            raise ActionError(_("Choose an earlier state to reopen the round to."))
        return _create(
            round, kind=RequestKind.REOPEN, target=target, reason=reason, acting_user=acting_user
        )


def do_request_republish(dispute, *, acting_user) -> ChangeRequest:
    """Ask the committee to publish the results a re-review amended."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=dispute.round_id)
        dispute = Dispute.objects.select_related("unit").get(pk=dispute.pk)  # as stored now
        run = ScoringRun.objects.filter(pk=dispute.new_run_id).first()
        if dispute.status != DisputeStatus.DECIDED or dispute.decision != Decision.AMENDED:
            raise ActionError(_("Only an amended re-review decision has new results to publish."))
        if run is None or run.status != RunStatus.DONE:
            raise ActionError(_("The re-review scoring has not finished yet."))
        reason = _("Re-review of %(unit)s: %(reasoning)s") % {
            "unit": dispute.unit.name,
            "reasoning": dispute.decision_text,
        }
        return _create(
            round,
            kind=RequestKind.REPUBLISH,
            dispute=dispute,
            reason=reason,
            acting_user=acting_user,
        )


def do_decide(change: ChangeRequest, *, approve: bool, note: str, acting_user) -> ChangeRequest:
    """The committee approves (the change is carried out now, in this transaction) or rejects."""
    note = (note or "").strip()
    with transaction.atomic():
        change = (
            ChangeRequest.objects.select_for_update(of=("self",))  # not the optional dispute
            .select_related("round", "dispute")
            .get(pk=change.pk)
        )
        if change.status != RequestStatus.PENDING:
            raise ActionError(_("This request has already been decided."))
        if change.requested_by_id == acting_user.pk:
            raise ActionError(_("The committee decides on a request; you made this one."))
        if Membership.objects.filter(
            user=acting_user, role=Role.UNIT, unit__in=change.round.units.all()
        ).exists():
            raise ActionError(
                _(
                    "You are a member of a unit evaluated in this round and cannot "
                    "decide on its results."
                )
            )
        if not approve and not note:
            raise ActionError(_("Give the committee's reason for rejecting the request."))
        change.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        change.decided_by, change.decided_at, change.decision_note = (
            acting_user,
            timezone.now(),
            note,
        )
        change.save()
        record(
            "approvals.decide",
            acting_user,
            round=change.round,
            obj=change,
            data={"kind": change.kind, "approved": approve, "note": note},
        )
        if approve and change.kind == RequestKind.REOPEN:
            do_transition(
                change.round,
                "reopen",
                acting_user=change.requested_by,
                target=change.target,
                reason=change.reason,
                approval=change,
            )
        elif approve:
            do_republish(change.dispute, acting_user=change.requested_by, approval=change)
    return change
