"""The values decided re-reviews adopted, handed to the scoring runs (results.inputs).

The original submission values stay unchanged; a correction only replaces the value the
engine sees, in every run after the decision (so a second dispute's run keeps the first's).
"""

from __future__ import annotations

from kaoping.web.disputes.models import Correction, Decision, DisputeStatus
from kaoping.web.results.inputs import AdoptedValue
from kaoping.web.results.models import RunSnapshot
from kaoping.web.submissions.models import Submission


def adopted_corrections(round) -> list[Correction]:
    """Corrections of the round's amended decisions, in the order they were decided."""
    return list(
        Correction.objects.filter(
            dispute__round=round,
            dispute__decision=Decision.AMENDED,
            dispute__status__in=[DisputeStatus.DECIDED, DisputeStatus.REPUBLISHED],
        )
        .select_related("unit")
        .order_by("dispute__decided_at", "id")
    )


def adopted_values(round) -> list[AdoptedValue]:
    """The values of the round's amended decisions, for the scoring runs (registered with
    ``kaoping.web.results.inputs.ADOPTED_VALUES_READERS`` in this app's ``ready``)."""
    return [
        AdoptedValue(unit_code=c.unit.code, field=c.field, value=c.corrected_value)
        for c in adopted_corrections(round)
    ]


def original_value(dispute, field: str) -> float | None:
    """The value of ``field`` for the disputed unit as the contested run scored it (expert
    aggregates included), or the submission's value when the run kept no inputs."""
    snapshot = RunSnapshot.objects.filter(run=dispute.original_run).first()
    if snapshot is not None:
        data = snapshot.data
        codes = [u[0] for u in data["units"]]
        if dispute.unit.code in codes and field in data["columns"]:
            return data["columns"][field][codes.index(dispute.unit.code)]
    submission = Submission.objects.filter(round=dispute.round, unit=dispute.unit).first()
    value = (submission.values or {}).get(field) if submission else None
    return None if value is None else float(value)
