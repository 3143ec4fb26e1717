"""Plausibility warnings in the data workflow (issue 11).

The scheme's plausibility checks (:mod:`kaoping.tables.plausibility`) run on a unit's values
compared with every other unit's values in the round (and last year's round, when linked).
A unit's submission, and the agency's verification, cannot go past a warning unless the
person gives a reason; the reason and the warnings it confirms are logged in the same
transaction (``submission.confirm_warnings``).
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _

from kaoping.scoring.data import BaseData, UnitRef
from kaoping.scoring.errors import Problem
from kaoping.tables.plausibility import plausibility_warnings
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError, join_details
from kaoping.web.submissions.data import base_data_for
from kaoping.web.submissions.models import Submission, SubmissionStatus

# Whose values the outlier check compares with: what units have put forward.
COMPARED = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.VERIFIED,
    SubmissionStatus.PENDING_CONFIRMATION,
)


class UnconfirmedWarnings(ActionError):
    """Plausibility warnings that need a reason before the step can be taken."""

    def __init__(self, warnings: list[Problem], lang: str = "zh"):
        self.warnings = warnings
        listed = join_details(w.render(lang) for w in warnings)
        super().__init__(
            _(
                "The values raise %(count)d plausibility warning(s): %(list)s. Correct them, or "
                "confirm that they are right by giving a reason."
            )
            % {"count": len(warnings), "list": listed}
        )


def round_data(round, include: Submission | None = None) -> BaseData:
    # Plain rows, not 3,000 model instances: a unit's page compares with the whole round.
    rows = (
        Submission.objects.filter(round=round)
        .order_by("unit__code")
        .values_list("pk", "status", "unit__code", "unit__name", "values")
    )
    items = [
        (UnitRef(code=code, name=name), values)
        for pk, status, code, name, values in rows
        if status in COMPARED or (include is not None and pk == include.pk)
    ]
    data = base_data_for(round.scheme(), round.year, items, fingerprint=False)
    return dataclasses.replace(data, source=None)  # values typed on a page: no file, no row


def previous_data(round) -> BaseData | None:
    previous = round.previous
    if previous is None:
        return None
    rows = Submission.objects.filter(round=previous, status=SubmissionStatus.VERIFIED).values_list(
        "unit__code", "unit__name", "values"
    )
    items = [(UnitRef(code=code, name=name), values) for code, name, values in rows]
    if not items:
        return None
    return base_data_for(previous.scheme(), previous.year, items, fingerprint=False)


def warnings_for(submission: Submission) -> list[Problem]:
    """The plausibility warnings of ``submission``'s values, compared with the round's."""
    if not submission.values:
        return []
    round = submission.round
    return plausibility_warnings(
        round_data(round, include=submission),
        round.scheme(),
        year=round.year,
        previous=previous_data(round),
        units=[submission.unit.code],
    )


def confirm_warnings(
    submission: Submission, reason: str, *, stage: str, acting_user, lang: str = "zh"
) -> None:
    """Refuse the step while warnings stand without a reason; log the confirmation.

    Must run inside the step's transaction, so that the step and its confirmation are saved
    (and logged) together or not at all.
    """
    warnings = warnings_for(submission)
    if not warnings:
        return
    reason = (reason or "").strip()
    if not reason:
        raise UnconfirmedWarnings(warnings, lang)
    record(
        "submission.confirm_warnings",
        acting_user,
        round=submission.round,
        unit=submission.unit,
        obj=submission,
        data={"stage": stage, "reason": reason, "warnings": [w.as_dict("zh") for w in warnings]},
    )
