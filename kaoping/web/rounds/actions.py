"""State changes of a round. Each ``do_*`` runs in one transaction with its log entry."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.scoring import KaopingError

# The TOML text of a built-in scheme, exactly as shipped: what publication freezes.
from kaoping.scoring.schemes import scheme_text as builtin_scheme_text
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError
from kaoping.web.rounds.models import (
    ORDER,
    REOPEN_TARGETS,
    TRANSITIONS,
    Round,
    RoundState,
    RoundTransition,
    parse_scheme_text,
    sha256_text,
)


def do_create_round(
    *,
    name: str,
    year: int,
    units: Iterable,
    acting_user,
    scheme_code: str = "mof-2012",
    scheme_text: str | None = None,
    previous: Round | None = None,
) -> Round:
    text = scheme_text if scheme_text is not None else builtin_scheme_text(scheme_code)
    check_scheme_text(text)
    with transaction.atomic():
        round = Round.objects.create(
            name=name,
            year=year,
            scheme_code=scheme_code,
            scheme_text=text,
            previous=previous,
            created_by=acting_user,
        )
        round.units.set(list(units))
        record("round.create", acting_user, round=round, obj=round,
               data={"name": name, "year": year, "units": round.units.count()})  # fmt: skip
    return round


def do_set_scheme_text(round: Round, text: str, *, acting_user) -> None:
    """Replace a draft round's scheme; refused once the scheme is published (frozen)."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.scheme_frozen:
            raise ActionError(_("The scheme is published and frozen; it cannot be changed."))
        check_scheme_text(text)
        round.scheme_text = text
        round.save(update_fields=["scheme_text"])
        record("round.scheme_edit", acting_user, round=round, obj=round,
               data={"sha256": sha256_text(text)})  # fmt: skip


def check_scheme_text(text: str) -> None:
    try:
        parse_scheme_text(text)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ActionError(_("The scheme is not valid TOML: %(reason)s") % {"reason": exc}) from None


def do_transition(
    round: Round,
    action: str,
    *,
    acting_user,
    reason: str = "",
    target: str | None = None,
    approval=None,
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
        # Reopening published results needs the committee (kaoping.web.approvals).
        if (
            action == "reopen"
            and current in (RoundState.PUBLISHED, RoundState.CLOSED)
            and (approval is None or approval.status != "approved")
        ):
            raise ActionError(_("Reopening a published or archived round needs the committee's "
                                "approval: request it."))  # fmt: skip
        _check_preconditions(round, action)
        now = timezone.now()
        if action == "publish_scheme":
            round.scheme_sha256 = sha256_text(round.scheme_text)
            round.scheme_published_at = now
        if action == "approve":
            from kaoping.web.results.actions import approve_latest_run

            _refuse_own_units(round, acting_user)
            approve_latest_run(round, acting_user)
        if action == "publish_results":
            _publish_latest_run(round, acting_user, reason)
            round.results_published_at = now
        data = {"from": current, "to": new_state, "reason": reason,
                "scheme_sha256": round.scheme_sha256}  # fmt: skip
        if approval is not None:
            data["approval"] = {"request": approval.pk, "approved_by": approval.decided_by.username}
        if action == "close":
            from kaoping.web.rounds.archive import build_round_archive

            # The archive's manifest hash goes into the (hash-chained) closing entry.
            archive = build_round_archive(round, acting_user=acting_user)
            data["archive_manifest_sha256"] = archive.manifest_sha256
            data["archive_id"] = archive.pk
        round.state = new_state
        round.save()
        step = RoundTransition.objects.create(
            round=round, action=action, from_state=current, to_state=new_state,
            actor=acting_user, at=now, reason=reason,
        )  # fmt: skip
        record(f"round.{action}", acting_user, round=round, obj=step, data=data)
    return step


def _refuse_own_units(round: Round, acting_user) -> None:
    """Separation of duties: nobody approves results that rank his own unit."""
    from kaoping.web.accounts.models import Membership, Role

    own = Membership.objects.filter(user=acting_user, role=Role.UNIT, unit__in=round.units.all())
    if own.exists():
        raise ActionError(
            _("You are a member of a unit evaluated in this round and cannot approve its results.")
        )


def _reopen_target(current: str, target: str | None) -> str:
    if target not in REOPEN_TARGETS or ORDER.index(target) >= ORDER.index(current):
        raise ActionError(_("Choose an earlier state to reopen the round to."))
    return target


def _check_preconditions(round: Round, action: str) -> None:
    """Business conditions besides the state: all data verified, a scoring run to review."""
    from kaoping.web.results.models import ScoringRun
    from kaoping.web.submissions.models import Submission, SubmissionStatus

    if action == "start_scoring":
        verified = Submission.objects.filter(round=round, status=SubmissionStatus.VERIFIED)
        missing = round.units.exclude(pk__in=verified.values("unit_id")).count()
        if missing:
            raise ActionError(
                _("%(count)s unit(s) have no verified data yet.") % {"count": missing}
            )
    if action == "submit_for_review" and not ScoringRun.latest_done(round):
        raise ActionError(_("Run the scoring first."))


def _publish_latest_run(round: Round, acting_user, reason: str) -> None:
    from kaoping.web.results.actions import publish_run
    from kaoping.web.results.models import ScoringRun

    run = (
        ScoringRun.objects.filter(round=round, approved_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if run is None:
        raise ActionError(_("There are no approved results to publish."))
    publish_run(run, acting_user=acting_user, note=reason)
