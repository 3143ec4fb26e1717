"""What the letters give a scoring run: the scheme's target fields, filled per unit.

A target with key ``k`` fills the field ``k_target`` (e.g. ``new_jobs_target``); a unit's
whole letter fills ``target_completion`` (member units, ``letter_completion``). Units never
type these fields themselves (:func:`letter_fields`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kaoping.scoring.schemes import Scheme
from kaoping.scoring.targets import completion_column, letters_by_unit
from kaoping.web.letters.models import Target
from kaoping.web.schemes.fields import COMPLETION_FIELD, letter_fields


def round_targets(round) -> list:
    """The round's targets as the scoring core's ``Target`` objects."""
    rows = Target.objects.filter(round=round).select_related("unit", "round")
    return [t.engine() for t in rows]


def target_columns(scheme: Scheme, targets: Sequence, unit_codes: Sequence[str]):
    """``(columns, missing)``: each letter field as an array aligned with ``unit_codes``,
    and ``(unit_code, field)`` pairs no target fills (NaN in the column)."""
    columns, missing = {}, []
    by_unit = letters_by_unit(targets)
    for key in sorted(letter_fields(scheme)):
        if key == COMPLETION_FIELD:
            column = completion_column(targets, unit_codes)
        else:
            wanted = key.removesuffix("_target")
            values = {t.unit_code: t.value for t in targets if t.key == wanted}
            column = np.array([values.get(c, np.nan) for c in unit_codes], dtype=float)
        for code, value in zip(unit_codes, column, strict=True):
            if np.isnan(value) and (key != COMPLETION_FIELD or code not in by_unit):
                missing.append((code, key))
        columns[key] = column
    return columns, missing
