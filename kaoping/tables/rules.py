"""Rules across rows and across fields: repeated units, one year, the scheme's checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from kaoping.scoring.errors import Problem
from kaoping.scoring.i18n import LazyText, gettext_lazy
from kaoping.scoring.schemes import CheckRule
from kaoping.tables.cells import show

# How a failed comparison reads: "1200 应不大于 1000" / "1200 should be at most 1000".
OP_TEXT: dict[str, LazyText] = {
    "<": gettext_lazy("less than"),
    "<=": gettext_lazy("at most"),
    ">": gettext_lazy("more than"),
    ">=": gettext_lazy("at least"),
    "==": gettext_lazy("equal to"),
    "!=": gettext_lazy("different from"),
}


def duplicate_units(
    codes: Sequence[str], rows: Sequence[int], filename: str | None, header: str
) -> list[Problem]:
    """A problem on every repeat of a unit code, naming the row where it first appears."""
    first_row: dict[str, int] = {}
    found = []
    for position, code in enumerate(codes):
        if not code:
            continue  # an empty code is reported as a required cell
        if code in first_row:
            problem = Problem(
                "data.duplicate_unit",
                file=filename,
                row=rows[position],
                column=header,
                value=code,
                params={"first_row": first_row[code]},
            )
            found.append(problem)
        else:
            first_row[code] = rows[position]
    return found


def year_mismatches(
    years: np.ndarray, usable: np.ndarray, rows: Sequence[int], filename: str | None, header: str
) -> list[Problem]:
    """Rows whose year differs from the year most rows give (the first one on a tie)."""
    counts = Counter(int(y) for y in years[usable])
    if len(counts) < 2:
        return []
    expected = counts.most_common(1)[0][0]
    return [
        Problem(
            "data.year_mismatch",
            file=filename,
            row=rows[int(position)],
            column=header,
            value=int(years[position]),
            expected=expected,
        )
        for position in np.flatnonzero(usable & (years != expected))
    ]


def failed_checks(
    checks: Sequence[CheckRule],
    columns: Mapping[str, np.ndarray],
    usable: np.ndarray,
    rows: Sequence[int],
    filename: str | None,
    headers: Mapping[str, str],
) -> list[Problem]:
    """One problem per check and row that breaks it, among rows whose cells all parsed.

    A side that cannot be computed (an empty optional cell) is no violation: the condition
    holds there (see :meth:`Condition.evaluate`).
    """
    found = []
    for rule in checks:
        condition = rule.condition
        outcome = condition.evaluate(columns)
        header = headers.get(_column_of(rule))
        params = {
            "rule_label": (rule.label, rule.label_en or rule.label),
            "op_text": OP_TEXT.get(condition.op, condition.op),
        }
        for position in np.flatnonzero(~outcome.holds & usable):
            left, right = float(outcome.left[position]), float(outcome.right[position])
            problem = Problem(
                "data.check_failed",
                file=filename,
                row=rows[int(position)],
                column=header,
                value=show(left),
                params={**params, "left_value": show(left), "right_value": show(right)},
            )
            found.append(problem)
    return found


def _column_of(rule: CheckRule) -> str:
    """The field a failed check is shown in: the right-hand side's (the limit), if any."""
    names = rule.condition.right.names or rule.condition.left.names
    return names[0] if names else ""
