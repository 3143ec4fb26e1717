"""State changes of responsibility letters; each ``do_*`` writes its log entry with it.

The rules are the scoring core's (``kaoping.scoring.targets.validate_targets``): a target
above 0, a plan of 4 quarters adding up to the target. Targets are set until data
collection ends; the unit files its plan and progress until verification starts.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.scoring import KaopingError
from kaoping.scoring.targets import Target as EngineTarget
from kaoping.scoring.targets import months_elapsed, validate_targets
from kaoping.tables.assessment import read_targets
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError, join_list, refused
from kaoping.web.letters.models import Target
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.units.models import Unit

# Targets are part of the year's letters: set before the year's data are checked.
SETTING_STATES = (RoundState.DRAFT, RoundState.SCHEME_PUBLISHED, RoundState.COLLECTION)
# The unit files its plan and reports progress during the year (until verification).
FILING_STATES = SETTING_STATES


def is_level(key: str, name: str) -> bool:
    """An imported target is a level to hold (held / not held) when it is a rate: its code
    ends in ``_rate`` or its name says 率 (e.g. 城镇登记失业率). An assumption: the targets
    table has no column saying so; the office can change it on the page."""
    return key.endswith("_rate") or "率" in name


def _require_state(round: Round, states: tuple[str, ...], what: str) -> None:
    if round.state not in states:
        raise ActionError(
            _("%(what)s is not possible while the round is “%(state)s”.")
            % {"what": what, "state": round.get_state_display()}
        )


def _check(targets: Sequence[EngineTarget]) -> None:
    problems = validate_targets(targets)
    if problems:
        raise refused(problems)


def do_set_target(
    round: Round,
    unit: Unit,
    *,
    key: str,
    value: float,
    acting_user: User,
    name: str = "",
    weight: float = 1.0,
    direction: str = "higher",
    level: bool = False,
) -> Target:
    """Set (or change) one target of a unit's letter."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        _require_state(round, SETTING_STATES, _("Setting targets"))
        if not round.units.filter(pk=unit.pk).exists():
            raise ActionError(_("%(unit)s is not evaluated in this round.") % {"unit": unit})
        target = Target.objects.filter(round=round, unit=unit, key=key).first()
        if target is None:
            target = Target(round=round, unit=unit, key=key)
        target.name, target.value, target.weight = name, value, weight
        target.direction, target.level, target.set_by = direction, level, acting_user
        if target.plan and abs(sum(target.plan) - value) > 1e-6 * max(1.0, value):
            target.plan = []  # the plan no longer adds up: the unit files it again
        _check([target.engine()])
        target.save()
        record(
            "letters.set_target",
            acting_user,
            round=round,
            unit=unit,
            obj=target,
            data={
                "key": key,
                "value": value,
                "weight": weight,
                "direction": direction,
                "level": level,
            },
        )
    return target


def do_import_targets(round: Round, content: bytes, filename: str, *, acting_user: User) -> int:
    """Import targets from an Excel/CSV table (``kaoping.tables.assessment.read_targets``):
    every problem at once, nothing saved unless all rows are good."""
    try:
        engine_targets = read_targets(content, filename=filename)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None
    _check(engine_targets)
    units = {u.code: u for u in round.units.all()}
    unknown = sorted({t.unit_code for t in engine_targets if t.unit_code not in units})
    if unknown:
        raise ActionError(
            _("%(file)s: units not evaluated in this round: %(codes)s")
            % {"file": filename, "codes": join_list(unknown)}
        )
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        _require_state(round, SETTING_STATES, _("Setting targets"))
        for t in engine_targets:
            Target.objects.update_or_create(
                round=round,
                unit=units[t.unit_code],
                key=t.key,
                defaults={
                    "name": t.name,
                    "value": t.value,
                    "weight": t.weight,
                    "direction": t.direction,
                    "plan": list(t.plan),
                    "set_by": acting_user,
                    "actual": t.actual,
                    "through": t.through or "",
                    "level": is_level(t.key, t.name),
                },
            )
        record(
            "letters.import_targets",
            acting_user,
            round=round,
            data={"file": filename, "targets": len(engine_targets)},
        )
    return len(engine_targets)


def do_file_plan(
    target: Target,
    plan: Sequence[float],
    *,
    acting_user: User,
    attachment: UploadedFile[bytes] | None = None,
) -> Target:
    """The unit files its decomposition plan: four quarterly figures adding up to the target."""
    with transaction.atomic():
        target = (
            Target.objects.select_for_update().select_related("round", "unit").get(pk=target.pk)
        )
        _require_state(target.round, FILING_STATES, _("Filing a plan"))
        target.plan = [float(x) for x in plan]
        _check([target.engine()])
        if attachment is not None:
            target.plan_attachment = attachment
        target.plan_filed_by, target.plan_filed_at = acting_user, timezone.now()
        target.save()
        record(
            "letters.file_plan",
            acting_user,
            round=target.round,
            unit=target.unit,
            obj=target,
            data={
                "key": target.key,
                "plan": target.plan,
                "attachment": target.plan_attachment.name or "",
            },
        )
    return target


def do_report_progress(target: Target, *, actual: float, through: str, acting_user: User) -> Target:
    """The unit reports its interim (or year-end, ``through`` empty) figure."""
    with transaction.atomic():
        target = (
            Target.objects.select_for_update().select_related("round", "unit").get(pk=target.pk)
        )
        _require_state(target.round, FILING_STATES, _("Reporting progress"))
        try:
            months_elapsed(through or None)
        except KaopingError as exc:
            raise ActionError(exc.render("zh")) from None
        if actual < 0:
            raise ActionError(_("The figure cannot be negative."))
        target.actual, target.through = actual, through
        target.progress_by, target.progress_at = acting_user, timezone.now()
        target.save()
        record(
            "letters.progress",
            acting_user,
            round=target.round,
            unit=target.unit,
            obj=target,
            data={"key": target.key, "actual": actual, "through": through},
        )
    return target
