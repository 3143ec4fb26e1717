"""Do a run's stored results still agree with the engine on its frozen inputs?

A run's ``UnitResult`` rows are what pages, the API and documents show. They are evaluated
again from the run's frozen inputs (``results.frozen``) and compared unit by unit (total,
rank, grade), so a total or a rank edited directly in the database is noticed: pages show
a warning and mark the unit instead of presenting the edited number as fact, and
``kaoping log verify`` names it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kaoping.web.common import ActionError
from kaoping.web.results import frozen

TOLERANCE = 1e-9  # the engine is deterministic; only storage rounding may differ


@dataclass(frozen=True)
class Difference:
    """One stored number that is not what the engine gives (unit "" for the whole run)."""

    unit: str
    field: str
    stored: object
    derived: object

    def render(self, lang: str = "zh") -> str:
        if not self.unit:
            return str(self.derived)
        if lang == "en":
            return (
                f"unit {self.unit}: stored {self.field} {self.stored} but the frozen inputs "
                f"give {self.derived}"
            )
        names = {"total": "总分", "rank": "排名", "grade": "等级", "row": "结果行"}
        return f"单位 {self.unit} 的{names.get(self.field, self.field)}存为 {self.stored}，按冻结的输入重新计算应为 {self.derived}"


def run_differences(run, *, fresh: bool = True) -> list[Difference]:
    """Stored results of ``run`` that differ from its re-evaluation (empty: all agree).

    ``fresh`` evaluates again even when this process has the run in memory (verification);
    pages pass ``fresh=False`` and use the cached evaluation.
    """
    try:
        result = frozen._evaluate_again(run)[0] if fresh else frozen.frozen_result(run)
    except ActionError as exc:
        return [Difference("", "inputs", "", str(exc))]
    stored = {
        code: (total, rank, grade)
        for code, total, rank, grade in run.unit_results.values_list(
            "unit__code", "total", "rank", "grade"
        )
    }
    out = []
    ranks = result.ranks.tolist()
    for i, code in enumerate(result.codes):
        if code not in stored:
            out.append(Difference(code, "row", "—", "missing"))
            continue
        total, rank, grade = stored.pop(code)
        derived_total = float(result.totals[i])
        if not _same(total, derived_total):
            out.append(
                Difference(
                    code, "total", total, None if math.isnan(derived_total) else derived_total
                )
            )
        derived_rank = int(ranks[i]) or None
        if rank != derived_rank:
            out.append(Difference(code, "rank", rank, derived_rank))
        if (grade or "") != (result.grades[i] or ""):
            out.append(Difference(code, "grade", grade, result.grades[i] or ""))
    for code in sorted(stored):
        out.append(Difference(code, "row", "extra", "—"))
    return out


def _same(stored: float | None, derived: float) -> bool:
    if stored is None or math.isnan(derived):
        return stored is None and math.isnan(derived)
    return abs(stored - derived) <= TOLERANCE
