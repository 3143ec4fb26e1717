"""What a scoring run takes from the round besides the units' verified figures, as the
assessment (``kaoping.scoring.assess``) takes it: the evaluator's price factors here, the
letters' targets (``letters.inputs``) and bonus points (``adjustments``) beside.

:func:`missing_inputs` says, before a run is queued, what is still missing (an expert item no
closed group scored for a unit, a unit without its letter's target), so scoring is refused
rather than silently dropping an item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from kaoping.scoring.data import BaseData
from kaoping.scoring.experts import scoring_items
from kaoping.web.common import join_list
from kaoping.web.experts.scoring import aggregation_of, closed_original_groups
from kaoping.web.letters.inputs import round_targets, target_columns
from kaoping.web.schemes.actions import PRICE_FIELD, price_factors


@dataclass(frozen=True)
class AdoptedValue:
    """A value a decided re-review (复验) adopted for ``field`` of the unit ``unit_code``."""

    unit_code: str
    field: str
    value: float


# The values decided re-reviews adopted replace the submitted ones in every later run. The
# disputes app (above this one) registers its reader in its AppConfig.ready, as the awards
# app registers the decided award lists for the reports.
AdoptedValuesReader = Callable[[object], list[AdoptedValue]]
ADOPTED_VALUES_READERS: list[AdoptedValuesReader] = []


def adopted_values(round) -> list[AdoptedValue]:
    """The round's adopted values, in the order they were decided."""
    return [value for read in ADOPTED_VALUES_READERS for value in read(round)]


def with_adopted_values(data: BaseData, adopted: list[AdoptedValue]) -> BaseData:
    """A copy of ``data`` holding the ``adopted`` values (``data`` itself when there are none).

    The original submission values stay unchanged; only the value the engine sees changes.
    """
    if not adopted:
        return data
    position = {code: i for i, code in enumerate(data.codes)}
    columns = {key: np.array(values, dtype=float) for key, values in data.columns.items()}
    for a in adopted:
        if a.unit_code in position:
            column = columns.setdefault(a.field, np.full(len(data), np.nan))
            column[position[a.unit_code]] = a.value
    result = BaseData(
        units=list(data.units),
        columns=columns,
        source=data.source,
        rows=data.rows,
        extras=dict(data.extras),
    )
    result.sha256 = result.fingerprint()
    return result


def round_price_factors(round) -> dict[str, float] | None:
    """The evaluator's price factors for the assessment (None: none set, so every unit has
    the scheme's default, or the scheme has no such field)."""
    if PRICE_FIELD not in {f.key for f in round.scheme().fields}:
        return None
    return price_factors(round) or None


def missing_inputs(round) -> list[str]:
    """What must be supplied before scoring, in words (empty: ready)."""
    scheme = round.scheme()
    units = list(round.units.order_by("code"))
    codes = [u.code for u in units]
    names = {u.code: u.name for u in units}
    lines = []
    items = scoring_items(scheme)
    if items:
        aggregation = aggregation_of(round, closed_original_groups(round))
        have = {(a.unit_code, a.item) for a in aggregation.aggregates} if aggregation else set()
        for code in codes:
            missing = [i.code for i in items if (code, i.code) not in have]
            if missing:
                lines.append(
                    _("%(unit)s: expert items no closed group has scored: %(items)s")
                    % {"unit": names[code], "items": join_list(missing)}
                )
    _columns, missing = target_columns(scheme, round_targets(round), codes)
    for code, field in missing:
        lines.append(
            _("%(unit)s: no target in the responsibility letter for %(field)s")
            % {"unit": names[code], "field": scheme.field(field).label}
        )
    return lines
