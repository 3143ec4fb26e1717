"""The one place that performs a round's workflow: its transitions and what each needs.

The states and the table of transitions (who may, from where, to where) are data of the
round (``kaoping.web.rounds.models``); here each transition is carried out: its needs
checked (``NEEDS``), its effects (approval of the latest run, publication, queueing the
archive's build at closing) done, and its log entry written, all in one transaction. This package sits above
every app it draws on (submissions, results, the archive), so none of them imports upward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.web.accounts.models import Membership, Role
from kaoping.web.audit.log import record
from kaoping.web.awards.actions import do_supersede_awards
from kaoping.web.common import ActionError, join_list
from kaoping.web.disputes.models import Decision, Dispute, DisputeStatus
from kaoping.web.results.actions import approve_latest_run, publish_run
from kaoping.web.results.models import ScoringRun
from kaoping.web.rounds.models import (
    ORDER,
    REOPEN_TARGETS,
    TRANSITIONS,
    Round,
    RoundState,
    RoundTransition,
    sha256_text,
)
from kaoping.web.submissions.models import Submission, SubmissionStatus
from kaoping.web.workflow.archive import check_archivable, queue_archive_build, run_inline
from kaoping.web.workflow.models import ChangeRequest

if TYPE_CHECKING:  # lazy translations are accepted wherever text is (django-stubs only)
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Need:
    """A condition a transition needs besides the state: ``problem(round)`` says what is
    missing (None: met)."""

    label: StrOrPromise
    problem: Callable[[Round], str | None]


def _unverified(round: Round) -> str | None:
    verified = Submission.objects.filter(round=round, status=SubmissionStatus.VERIFIED)
    missing = round.units.exclude(pk__in=verified.values("unit_id")).count()
    if missing:
        return _("%(count)s unit(s) have no verified data yet.") % {"count": missing}
    return None


def _no_run(round: Round) -> str | None:
    return None if ScoringRun.latest_done(round) else _("Run the scoring first.")


def _no_approved_run(round: Round) -> str | None:
    if _approved_run(round) is None:
        return _("There are no approved results to publish.")
    return None


def _pending_disputes(round: Round) -> str | None:
    """Closing waits for every dispute to be settled (issue 11): rejected, decided to uphold,
    or re-published."""
    settled = Q(status__in=(DisputeStatus.REJECTED, DisputeStatus.REPUBLISHED)) | Q(
        status=DisputeStatus.DECIDED, decision=Decision.UPHELD
    )
    pending = Dispute.objects.filter(round=round).exclude(settled).select_related("unit")
    names = [d.unit.name for d in pending]
    if not names:
        return None
    return _(
        "The round cannot be closed while disputes are pending (%(units)s): settle them first."
    ) % {"units": join_list(names)}


NEEDS: dict[str, tuple[Need, ...]] = {
    "start_scoring": (Need(gettext_lazy("every unit's data verified"), _unverified),),
    "submit_for_review": (Need(gettext_lazy("a finished scoring run"), _no_run),),
    "approve": (Need(gettext_lazy("a finished scoring run"), _no_run),),
    "publish_results": (Need(gettext_lazy("results approved by the committee"), _no_approved_run),),
    "close": (Need(gettext_lazy("every dispute settled"), _pending_disputes),),
}


def unmet_needs(round: Round, action: str) -> list[str]:
    """What ``action`` still needs on ``round``, in words (empty: it can go ahead)."""
    return [p for need in NEEDS.get(action, ()) if (p := need.problem(round))]


def do_transition(
    round: Round,
    action: str,
    *,
    acting_user: User,
    reason: str = "",
    target: str | None = None,
    approval: ChangeRequest | None = None,
) -> RoundTransition:
    """Perform an explicit action on a round, refusing wrong states; record who, when, why."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ActionError(_("Unknown action."))
    reason = (reason or "").strip()
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        current = round.state
        if current not in transition.sources:
            raise ActionError(
                _("“%(action)s” is not possible while the round is “%(state)s”.")
                % {"action": transition.label, "state": round.get_state_display()}
            )
        if transition.needs_reason and not reason:
            raise ActionError(
                _("Please give a reason for “%(action)s”.") % {"action": transition.label}
            )
        new_state = transition.target or _reopen_target(current, target)
        # Reopening published results needs the committee's approval (kaoping.web.workflow.changes).
        if (
            action == "reopen"
            and current in (RoundState.PUBLISHED, RoundState.CLOSED)
            and (approval is None or approval.status != "approved")
        ):
            raise ActionError(
                _(
                    "Reopening a published or archived round needs the committee's "
                    "approval: request it."
                )
            )
        unmet = unmet_needs(round, action)
        if unmet:
            raise ActionError("\n".join(unmet))
        now = timezone.now()
        if action == "publish_scheme":
            round.scheme_sha256 = sha256_text(round.scheme_text)
            round.scheme_published_at = now
        if action == "approve":
            _refuse_own_units(round, acting_user)
            approve_latest_run(round, acting_user)
        if action == "publish_results":
            _publish_latest_run(round, acting_user, reason)
            round.results_published_at = now
        data: dict[str, Any] = {
            "from": current,
            "to": new_state,
            "reason": reason,
            "scheme_sha256": round.scheme_sha256,
        }
        if approval is not None:
            data["approval"] = {
                "request": approval.pk,
                "approved_by": approval.decided_by.username if approval.decided_by else "",
            }
        build = None
        if action == "close":
            # Refused here when the archived inputs do not give the published totals; the
            # archive itself is built by a durable task, which logs its manifest hash.
            check_archivable(round)
        round.state = new_state
        round.save()
        step = RoundTransition.objects.create(
            round=round,
            action=action,
            from_state=current,
            to_state=new_state,
            actor=acting_user,
            at=now,
            reason=reason,
        )
        if action == "close":
            build = queue_archive_build(round, acting_user=acting_user)
            data["archive_build"] = build.pk
        record(f"round.{action}", acting_user, round=round, obj=step, data=data)
    if build is not None:
        run_inline(build)
    return step


def _refuse_own_units(round: Round, acting_user: User) -> None:
    """Separation of duties: nobody approves results that rank his own unit."""
    own = Membership.objects.filter(user=acting_user, role=Role.UNIT, unit__in=round.units.all())
    if own.exists():
        raise ActionError(
            _("You are a member of a unit evaluated in this round and cannot approve its results.")
        )


def _reopen_target(current: str, target: str | None) -> str:
    if target not in REOPEN_TARGETS or ORDER.index(target) >= ORDER.index(current):
        raise ActionError(_("Choose an earlier state to reopen the round to."))
    return target


def _approved_run(round: Round) -> ScoringRun | None:
    return (
        ScoringRun.objects.filter(round=round, approved_at__isnull=False)
        .order_by("-version")
        .first()
    )


def _publish_latest_run(round: Round, acting_user: User, reason: str) -> None:
    run = _approved_run(round)
    if run is None:  # refused before by the transition's needs (_no_approved_run)
        raise ActionError(_("There are no approved results to publish."))
    publication = publish_run(run, acting_user=acting_user, note=reason)
    # Results published anew (a reopened round): awards made from the old ones no longer stand.
    do_supersede_awards(
        publication,
        acting_user=acting_user,
        reason=_("New results of %(round)s published (version %(version)s).")
        % {"round": round.name, "version": publication.version},
    )
