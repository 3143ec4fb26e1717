"""Everything besides the units' verified figures that a scoring run takes from the round:
expert scores, the letters' targets, the evaluator's price factors, bonus / deduction points.

:func:`missing_inputs` says, before a run is queued, what is still missing (an expert item no
closed group scored for a unit, a unit without its letter's target), so scoring is refused
rather than silently dropping an item.
"""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext as _

from kaoping.scoring import KaopingError
from kaoping.scoring.adjustments import validate_adjustments
from kaoping.scoring.data import BaseData
from kaoping.scoring.experts import scoring_items
from kaoping.scoring.targets import with_columns
from kaoping.web.adjustments.actions import round_entries
from kaoping.web.common import ActionError
from kaoping.web.experts.scoring import aggregation_of, closed_original_groups
from kaoping.web.letters.inputs import round_targets, target_columns
from kaoping.web.schemes.actions import PRICE_FIELD, price_factors


def with_round_inputs(round, data: BaseData) -> BaseData:
    """``data`` with the letters' target fields and the evaluator's price factors filled."""
    scheme = round.scheme()
    columns, _missing = target_columns(scheme, round_targets(round), data.codes)
    if PRICE_FIELD in {f.key for f in scheme.fields}:
        # Every unit gets a factor: the evaluator's, else the scheme's default (as the
        # table reader fills it, so an archived CSV reads back to the same fingerprint).
        factors, default = price_factors(round), scheme.field(PRICE_FIELD).default
        fallback = np.nan if default is None else float(default)
        columns[PRICE_FIELD] = np.array([factors.get(c, fallback) for c in data.codes], dtype=float)
    return with_columns(data, columns) if columns else data


def round_adjustments(round, unit_codes) -> list:
    """The round's bonus / deduction points as the engine takes them (checked again)."""
    try:
        return validate_adjustments(round.scheme(), round_entries(round), unit_codes)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None


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
                    % {"unit": names[code], "items": "、".join(missing)}
                )
    _columns, missing = target_columns(scheme, round_targets(round), codes)
    for code, field in missing:
        lines.append(
            _("%(unit)s: no target in the responsibility letter for %(field)s")
            % {"unit": names[code], "field": scheme.field(field).label}
        )
    return lines
