"""The values decided re-reviews adopted, applied to the base data of later scoring runs.

The original submission values stay unchanged; a correction only replaces the value the
engine sees, in every run after the decision (so a second dispute's run keeps the first's).
"""

from __future__ import annotations

import numpy as np

from kaoping.scoring.data import BaseData
from kaoping.web.disputes.models import Correction, Decision, DisputeStatus
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


def with_corrections(round, data: BaseData) -> BaseData:
    """A copy of ``data`` holding the adopted values (``data`` itself when there are none)."""
    corrections = adopted_corrections(round)
    if not corrections:
        return data
    position = {code: i for i, code in enumerate(data.codes)}
    columns = {key: np.array(values, dtype=float) for key, values in data.columns.items()}
    for c in corrections:
        if c.unit.code in position:
            column = columns.setdefault(c.field, np.full(len(data), np.nan))
            column[position[c.unit.code]] = c.corrected_value
    result = BaseData(
        units=list(data.units),
        columns=columns,
        source=data.source,
        rows=data.rows,
        extras=dict(data.extras),
    )
    result.sha256 = result.fingerprint()
    return result


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
