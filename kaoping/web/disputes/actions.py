"""Actions on disputes (复验). Each ``do_*`` runs in one transaction with its log entry and
refuses wrong states (``Dispute.move``) with a message.

Window: a unit may contest the round's current publication for ``Round.dispute_days``
days (default 15) after it was published, once per unit and publication version.
The re-review panel excludes every expert of the round's professional groups, every
agency member who verified the round's data or started the contested run, and every
member of the unit.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.tables.cells import NotANumber, parse_number
from kaoping.web.accounts.models import Role
from kaoping.web.audit.log import record
from kaoping.web.awards.actions import do_supersede_awards
from kaoping.web.common import ActionError
from kaoping.web.disputes.corrections import original_value
from kaoping.web.disputes.models import (
    Correction,
    Decision,
    Dispute,
    DisputeStatus,
    ReReviewOpinion,
    dispute_deadline,
)
from kaoping.web.experts.models import Assignment, ExpertGroup, GroupPurpose
from kaoping.web.permissions import can_record_rereview, is_member_of_unit
from kaoping.web.results.actions import do_start_scoring_run, publish_run
from kaoping.web.results.models import Publication, RunKind, RunStatus, ScoringRun
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.submissions.models import Submission

MAX_ATTACHMENT = 10 * 1024 * 1024


def _locked(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update().select_related("round", "unit").get(pk=dispute.pk)


def do_file_dispute(round: Round, unit, *, reasons: str, acting_user, attachment=None) -> Dispute:
    """A unit contests the current publication of the round's results, with its reasons."""
    reasons = (reasons or "").strip()
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if not is_member_of_unit(acting_user, unit) or not round.units.filter(pk=unit.pk).exists():
            raise ActionError(_("Only a member of the unit can file its dispute."))
        publication = Publication.current(round)
        if round.state != RoundState.PUBLISHED or publication is None:
            raise ActionError(
                _(
                    "A dispute can only be filed after the results are published (the round is “%(state)s”)."
                )
                % {"state": round.get_state_display()}
            )
        deadline = dispute_deadline(publication)
        if timezone.now() > deadline:
            raise ActionError(
                _("The dispute window closed on %(deadline)s (%(days)s days after publication).")
                % {
                    "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
                    "days": round.dispute_days,
                }
            )
        if not reasons:
            raise ActionError(_("Please give the reasons for the dispute."))
        if Dispute.objects.filter(round=round, unit=unit, publication=publication).exists():
            raise ActionError(
                _("%(unit)s has already filed a dispute on version %(version)s of the results.")
                % {"unit": unit.name, "version": publication.version}
            )
        if attachment is not None and attachment.size > MAX_ATTACHMENT:
            raise ActionError(_("The attachment is larger than 10 MB."))
        dispute = Dispute(
            round=round,
            unit=unit,
            filed_by=acting_user,
            filed_at=timezone.now(),
            reasons=reasons,
            publication=publication,
            original_run=publication.run,
        )
        if attachment is not None:
            dispute.attachment_name = attachment.name[:200]
            dispute.attachment.save(attachment.name, attachment, save=False)
        dispute.save()
        record(
            "dispute.file",
            acting_user,
            round=round,
            unit=unit,
            obj=dispute,
            data={
                "publication": publication.version,
                "reasons": reasons,
                "attachment": dispute.attachment_name,
            },
        )
    return dispute


def _handle(dispute: Dispute, action: str, reason: str, acting_user) -> Dispute:
    reason = (reason or "").strip()
    with transaction.atomic():
        dispute = _locked(dispute)
        dispute.move(action)
        if not reason:
            raise ActionError(_("Please give the reason for your decision on the dispute."))
        dispute.handled_by, dispute.handled_at = acting_user, timezone.now()
        dispute.handling_reason = reason
        dispute.save()
        record(
            f"dispute.{action}",
            acting_user,
            round=dispute.round,
            unit=dispute.unit,
            obj=dispute,
            data={"reason": reason},
        )
    return dispute


def do_accept_dispute(dispute: Dispute, *, reason: str, acting_user) -> Dispute:
    return _handle(dispute, "accept", reason, acting_user)


def do_reject_dispute(dispute: Dispute, *, reason: str, acting_user) -> Dispute:
    return _handle(dispute, "reject", reason, acting_user)


def excluded_from_panel(dispute: Dispute) -> dict[int, str]:
    """Users who may not sit on the re-review panel, with why (user id -> reason)."""
    round = dispute.round
    why: dict[int, str] = {}
    for group in ExpertGroup.objects.filter(round=round, purpose=GroupPurpose.ORIGINAL):
        for user_id in group.members.values_list("pk", flat=True):
            why.setdefault(
                user_id, _("an original expert of the round (%(group)s)") % {"group": group.name}
            )
    verifiers = Submission.objects.filter(round=round, verified_by__isnull=False).values_list(
        "verified_by_id", flat=True
    )
    for user_id in verifiers:
        why.setdefault(user_id, _("verified the round's data"))
    run = ScoringRun.objects.filter(pk=dispute.original_run_id).first()
    if run is not None:
        why.setdefault(run.started_by_id, _("ran the contested scoring"))
    return why


def do_form_panel(dispute: Dispute, *, name: str, members: Iterable, acting_user) -> ExpertGroup:
    """Form the re-review panel (a new expert group) for an accepted dispute."""
    members = list(members)
    name = (name or "").strip()
    with transaction.atomic():
        dispute = _locked(dispute)
        dispute.move("form_panel")
        if not members:
            raise ActionError(_("Choose the experts of the re-review panel."))
        excluded = excluded_from_panel(dispute)
        problems = [
            _("%(name)s cannot sit on the re-review panel: %(why)s.")
            % {"name": u.get_full_name() or u.username, "why": excluded[u.pk]}
            for u in members
            if u.pk in excluded
        ]
        problems += [
            _("%(name)s cannot sit on the re-review panel: a member of %(unit)s.")
            % {"name": u.get_full_name() or u.username, "unit": dispute.unit.name}
            for u in members
            if is_member_of_unit(u, dispute.unit)
        ]
        problems += [
            _("%(name)s cannot sit on the re-review panel: not an expert.")
            % {"name": u.get_full_name() or u.username}
            for u in members
            if not u.memberships.filter(role=Role.EXPERT).exists()
        ]
        if problems:
            raise ActionError(" ".join(problems))
        panel = ExpertGroup.objects.create(
            round=dispute.round,
            purpose=GroupPurpose.REREVIEW,
            created_by=acting_user,
            name=name or _("Re-review panel: %(unit)s") % {"unit": dispute.unit.name},
        )
        panel.members.set(members)
        # Assigned to the unit, the panel sees its base data (permissions.can_view_unit_data).
        Assignment.objects.bulk_create(
            [Assignment(group=panel, expert=u, unit=dispute.unit) for u in members]
        )
        dispute.panel = panel
        dispute.save()
        record(
            "dispute.form_panel",
            acting_user,
            round=dispute.round,
            unit=dispute.unit,
            obj=dispute,
            data={"panel": panel.name, "members": [u.username for u in members]},
        )
    return panel


def reviewable_fields(round: Round) -> dict:
    """The numeric base-data fields a re-review may correct (key -> FieldSpec)."""
    return {f.key: f for f in round.scheme().input_fields if f.is_numeric}


def do_record_opinion(
    dispute: Dispute, *, field: str, value, comment: str = "", acting_user
) -> ReReviewOpinion:
    """A panel expert's re-reviewed value of one field, stored beside the original."""
    with transaction.atomic():
        dispute = _locked(dispute)
        if not can_record_rereview(acting_user, dispute):
            raise ActionError(_("Only a member of the re-review panel can record a re-review."))
        dispute.move("record_opinion")
        spec = reviewable_fields(dispute.round).get(field)
        if spec is None:
            raise ActionError(_("“%(field)s” is not a field of the scheme.") % {"field": field})
        try:  # as the table reader reads a cell: never NaN, infinity or an ambiguous "1,2"
            number = parse_number(str(value).strip())
        except NotANumber:
            number = float("nan")
        low = spec.min if spec.min is not None else float("-inf")
        high = spec.max if spec.max is not None else float("inf")
        if not (number == number and low <= number <= high):
            raise ActionError(
                _("%(unit)s, “%(field)s”: “%(value)s” is not accepted; expected %(expected)s.")
                % {
                    "unit": dispute.unit.name,
                    "field": spec.label,
                    "value": value,
                    "expected": spec.expected("zh"),
                }
            )
        opinion = ReReviewOpinion.objects.create(
            dispute=dispute,
            expert=acting_user,
            field=field,
            reviewed_value=number,
            original_value=original_value(dispute, field),
            comment=(comment or "").strip(),
        )
        dispute.save()
        record(
            "dispute.opinion",
            acting_user,
            round=dispute.round,
            unit=dispute.unit,
            obj=opinion,
            data={
                "field": field,
                "original": opinion.original_value,
                "reviewed": number,
                "comment": opinion.comment,
            },
        )
    return opinion


def panel_values(dispute: Dispute) -> dict[str, tuple[float | None, float]]:
    """Field -> (original value, the panel's value): the mean of each member's latest."""
    latest: dict[tuple[str, int], ReReviewOpinion] = {}
    for opinion in dispute.opinions.order_by("at", "id"):
        latest[(opinion.field, opinion.expert_id)] = opinion
    by_field: dict[str, list[ReReviewOpinion]] = {}
    for (field, _expert), opinion in latest.items():
        by_field.setdefault(field, []).append(opinion)
    return {
        field: (ops[0].original_value, statistics.fmean(o.reviewed_value for o in ops))
        for field, ops in by_field.items()
    }


def do_decide(dispute: Dispute, *, decision: str, reasoning: str, acting_user) -> Dispute:
    """Record the decision; when the results change, adopt the panel's values and start a
    re-review scoring run on the corrected data (the original stays as it was)."""
    reasoning = (reasoning or "").strip()
    with transaction.atomic():
        dispute = _locked(dispute)
        dispute.move("decide")
        if decision not in Decision.values:
            raise ActionError(_("Choose whether the results are upheld or amended."))
        if not reasoning:
            raise ActionError(_("Please give the reasoning of the decision."))
        dispute.decision, dispute.decision_text = decision, reasoning
        dispute.decided_by, dispute.decided_at = acting_user, timezone.now()
        corrections = []
        if decision == Decision.AMENDED:
            values = panel_values(dispute)
            corrections = [
                Correction(
                    dispute=dispute,
                    unit=dispute.unit,
                    field=field,
                    original_value=original,
                    corrected_value=value,
                )
                for field, (original, value) in values.items()
                if original is None or abs(value - original) > 1e-12
            ]
            if not corrections:
                raise ActionError(
                    _("The re-review changed no value; record the decision as upheld.")
                )
            Correction.objects.bulk_create(corrections)
        dispute.save()
        record(
            "dispute.decide",
            acting_user,
            round=dispute.round,
            unit=dispute.unit,
            obj=dispute,
            data={
                "decision": decision,
                "reasoning": reasoning,
                "corrections": {
                    c.field: [c.original_value, c.corrected_value] for c in corrections
                },
            },
        )
        if decision == Decision.AMENDED:
            dispute.new_run = do_start_scoring_run(
                dispute.round,
                acting_user=acting_user,
                kind=RunKind.REREVIEW,
                note=_("Re-review of %(unit)s") % {"unit": dispute.unit.name},
            )
            dispute.save(update_fields=["new_run"])
    return dispute


def do_republish(dispute: Dispute, *, acting_user, approval=None):
    """Publish the re-review run as a new version; earlier versions stay as history.

    It changes every other unit's total too, so it needs the committee's approval
    (``approval``, an approved :class:`kaoping.web.workflow.models.ChangeRequest`).
    """
    with transaction.atomic():
        dispute = _locked(dispute)
        if dispute.status == DisputeStatus.DECIDED and dispute.decision != Decision.AMENDED:
            raise ActionError(_("The original results were upheld; there is nothing to publish."))
        if approval is None or approval.status != "approved":
            raise ActionError(
                _("New results after a re-review need the committee's approval: request it.")
            )
        dispute.move("republish")
        run = dispute.new_run
        if run is None or run.status != RunStatus.DONE:
            raise ActionError(_("The re-review scoring has not finished yet."))
        publication = publish_run(
            run,
            acting_user=acting_user,
            note=_("Re-published after the re-review of %(unit)s") % {"unit": dispute.unit.name},
        )
        dispute.new_publication = publication
        dispute.save()
        # The year's award decision made from the old results no longer stands (article 20).
        do_supersede_awards(
            publication,
            acting_user=acting_user,
            reason=_(
                "Results re-published after the re-review of %(unit)s (version %(version)s), "
                "approved by the committee."
            )
            % {"unit": dispute.unit.name, "version": publication.version},
        )
        record(
            "dispute.republish",
            acting_user,
            round=dispute.round,
            unit=dispute.unit,
            obj=dispute,
            data={
                "publication": publication.version,
                "run": run.version,
                "approval": approval.pk,
                "approved_by": approval.decided_by.username,
            },
        )
    return publication
