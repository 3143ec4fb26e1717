"""Bonus and deduction points (加分 / 扣分) for ad-hoc tasks (Beijing measures, article 11).

The municipal government hands out ad-hoc tasks linked to employment work; the assessment
adds or deducts points "according to the task's importance and how the unit completed it".
Each entry names the unit, the points (+ or −), the reason and the document it rests on.
The scheme bounds them in its ``[adjustments]`` section::

    [adjustments]
    max_total = 5            # bonuses of a unit together at most +5, deductions at most −5
    max_item = 3             # optional: one entry at most ±3
    require_reason = true    # default true
    require_reference = true # default false

Validated entries become :class:`kaoping.scoring.Adjustment` objects for
``evaluate(..., adjustments=...)``; every explanation then lists them apart from the
indicator scores.

Examples
--------
>>> from kaoping.scoring import load_scheme
>>> scheme = load_scheme("beijing-district-comprehensive")
>>> entries = [AdjustmentEntry("110101", 2, "完成冬奥会保障招聘任务", "京人社发〔2024〕1号")]
>>> [a.points for a in validate_adjustments(scheme, entries)]
[2.0]
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from kaoping.scoring.errors import DataError, Problem, SchemeError
from kaoping.scoring.evaluation import Adjustment
from kaoping.scoring.i18n import gettext_noop, gettext_pair
from kaoping.scoring.schemes import Scheme


@dataclass(frozen=True)
class AdjustmentRules:
    """The bounds a scheme sets on bonus and deduction points (None: unbounded)."""

    max_total: float | None = None
    max_item: float | None = None
    require_reason: bool = True
    require_reference: bool = False


@dataclass(frozen=True)
class AdjustmentEntry:
    """One bonus (+) or deduction (−) as entered, and where it was entered."""

    unit_code: str
    points: float
    reason: str
    reference: str = ""
    source: str | None = None
    row: int | None = None

    def to_adjustment(self) -> Adjustment:
        return Adjustment(
            unit_code=self.unit_code,
            points=float(self.points),
            reason=self.reason.strip(),
            reference=self.reference.strip(),
        )


def adjustment_rules(scheme: Scheme) -> AdjustmentRules:
    """The scheme's ``[adjustments]`` section, validated.

    Raises
    ------
    SchemeError
        ``assessment.section`` when a bound is not a positive number or a key is unknown.
    """
    table = scheme.sections.get("adjustments", {})
    problems = []
    for key in table:
        if key not in ("max_total", "max_item", "require_reason", "require_reference"):
            problems.append(
                _problem(scheme, *gettext_pair(gettext_noop("unknown item “{key}”"), key=key))
            )
    bounds: dict[str, float | None] = {}
    for key in ("max_total", "max_item"):
        value = table.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
        ):
            problems.append(
                _problem(
                    scheme, *gettext_pair(gettext_noop("{key} should be a number above 0"), key=key)
                )
            )
            value = None
        bounds[key] = None if value is None else float(value)
    flags: dict[str, bool] = {}
    for key, default in (("require_reason", True), ("require_reference", False)):
        value = table.get(key, default)
        if not isinstance(value, bool):
            problems.append(
                _problem(
                    scheme, *gettext_pair(gettext_noop("{key} should be true or false"), key=key)
                )
            )
            value = default
        flags[key] = value
    if problems:
        raise SchemeError(problems)
    return AdjustmentRules(
        max_total=bounds["max_total"],
        max_item=bounds["max_item"],
        require_reason=flags["require_reason"],
        require_reference=flags["require_reference"],
    )


def validate_adjustments(
    scheme: Scheme,
    entries: Iterable[AdjustmentEntry],
    unit_codes: Iterable[str] | None = None,
) -> list[Adjustment]:
    """Check the entries against the scheme's bounds and return them as adjustments.

    Each unit's bonuses together may not exceed ``max_total`` and its deductions together
    may not exceed ``max_total`` either (so the net effect is within ±``max_total``).

    Raises
    ------
    DataError
        With every problem: no reason or reference, 0 points, an entry beyond ``max_item``,
        a unit's bonuses or deductions beyond ``max_total``, a unit not in the round.

    Examples
    --------
    >>> from kaoping.scoring import load_scheme
    >>> scheme = load_scheme("beijing-district-comprehensive")
    >>> validate_adjustments(scheme, [AdjustmentEntry("A", 4, "x", "y"),
    ...                               AdjustmentEntry("A", 2, "z", "w")])
    Traceback (most recent call last):
    ...
    kaoping.scoring.errors.DataError: 单位“A”的加减分合计 6 分，超出方案规定的 ±5 分
    """
    rules = adjustment_rules(scheme)
    known = set(unit_codes) if unit_codes is not None else None
    entries = list(entries)
    problems: list[Problem] = []
    for e in entries:
        if known is not None and e.unit_code not in known:
            problems.append(
                Problem(
                    "assessment.unknown_unit",
                    column="单位编码",
                    value=e.unit_code,
                    file=e.source,
                    row=e.row,
                )
            )
        if not math.isfinite(e.points) or e.points == 0:
            problems.append(
                Problem("adjustments.zero", column="分值", value=e.points, file=e.source, row=e.row)
            )
        elif rules.max_item is not None and abs(e.points) > rules.max_item + 1e-9:
            problems.append(
                Problem(
                    "adjustments.item_limit",
                    column="分值",
                    value=e.points,
                    params={"limit": _fmt(rules.max_item)},
                    file=e.source,
                    row=e.row,
                )
            )
        if rules.require_reason and not e.reason.strip():
            problems.append(
                Problem("adjustments.no_reason", column="事由", file=e.source, row=e.row)
            )
        if rules.require_reference and not e.reference.strip():
            problems.append(
                Problem("adjustments.no_reference", column="依据文件", file=e.source, row=e.row)
            )
    if rules.max_total is not None:
        problems += _over_limit(entries, rules.max_total)
    if problems:
        raise DataError(problems)
    return [e.to_adjustment() for e in entries]


def _over_limit(entries: list[AdjustmentEntry], limit: float) -> list[Problem]:
    """A problem for each unit whose bonuses, or whose deductions, go beyond ``limit``."""
    plus: dict[str, float] = {}
    minus: dict[str, float] = {}
    source: dict[str, str | None] = {}  # the file each unit's first entry came from
    for e in entries:
        if not math.isfinite(e.points):
            continue
        side = plus if e.points > 0 else minus
        side[e.unit_code] = side.get(e.unit_code, 0.0) + e.points
        source.setdefault(e.unit_code, e.source)
    problems = []
    for side in (plus, minus):
        for unit, total in side.items():
            if abs(total) > limit + 1e-9:
                problems.append(
                    Problem(
                        "adjustments.over_limit",
                        file=source[unit],
                        value=total,
                        params={"unit": unit, "total": _fmt(total), "limit": _fmt(limit)},
                    )
                )
    return problems


def _problem(scheme: Scheme, zh: str, en: str) -> Problem:
    return Problem(
        "assessment.section",
        file=scheme.path,
        column="adjustments",
        params={"section": "adjustments", "reason": (zh, en)},
    )


def _fmt(x: float) -> str:
    return f"{x:.6g}"
