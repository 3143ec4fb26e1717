"""Entering and withdrawing bonus / deduction points; each ``do_*`` logs in its transaction.

Every entry is checked together with the unit's others against the scheme's bounds
(``validate_adjustments``), so a unit's bonuses never pass +max_total. Once the round goes
to the committee, the points are part of the results under review and cannot change.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from kaoping.scoring import KaopingError
from kaoping.scoring.adjustments import AdjustmentEntry, validate_adjustments
from kaoping.web.adjustments.models import Adjustment
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError, active_lang
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.units.models import Unit

OPEN_STATES = (RoundState.COLLECTION, RoundState.VERIFICATION, RoundState.SCORING)


def round_entries(round: Round) -> list[AdjustmentEntry]:
    return [a.engine() for a in Adjustment.objects.filter(round=round).select_related("unit")]


def _require_open(round: Round) -> None:
    if round.state not in OPEN_STATES:
        raise ActionError(
            _(
                "Bonus and deduction points can be changed during collection, verification and "
                "scoring only; the round is “%(state)s”."
            )
            % {"state": round.get_state_display()}
        )


def do_add_adjustment(
    round: Round, unit: Unit, *, points: float, reason: str, reference: str, acting_user: User
) -> Adjustment:
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        _require_open(round)
        codes = list(round.units.values_list("code", flat=True))
        entry = AdjustmentEntry(
            unit_code=unit.code,
            points=points,
            reason=reason.strip(),
            reference=reference.strip(),
            source=_("web form"),
        )
        try:
            validate_adjustments(round.scheme(), [*round_entries(round), entry], codes)
        except KaopingError as exc:
            raise ActionError(exc.render(active_lang())) from None
        adjustment = Adjustment.objects.create(
            round=round,
            unit=unit,
            points=points,
            reason=entry.reason,
            reference=entry.reference,
            entered_by=acting_user,
        )
        record(
            "adjustments.add",
            acting_user,
            round=round,
            unit=unit,
            obj=adjustment,
            data={"points": points, "reason": entry.reason, "reference": entry.reference},
        )
    return adjustment


def do_withdraw_adjustment(adjustment: Adjustment, *, reason: str, acting_user: User) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Please give a reason for withdrawing the entry."))
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=adjustment.round_id)
        _require_open(round)
        record(
            "adjustments.withdraw",
            acting_user,
            round=round,
            unit=adjustment.unit,
            obj=adjustment,
            data={
                "points": adjustment.points,
                "reason": adjustment.reason,
                "reference": adjustment.reference,
                "why": reason,
            },
        )
        adjustment.delete()
