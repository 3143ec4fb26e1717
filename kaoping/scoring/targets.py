"""Targets of the responsibility letters (目标责任书) and their completion (articles 5, 6).

At the start of the year the leading group gives each district and member unit its targets
and signs a responsibility letter; the unit files a decomposition plan (分解计划: how much
of each target it plans by quarter or month). This module computes

* the completion rate of each target from the actual figure (year end or to date);
* the share expected to date from the plan (without a plan: evenly over the year), so that
  progress can be followed mid-year;
* the completion of a whole letter, for units whose targets differ (member units,
  scheme ``member-unit-targets``);
* base-data columns holding each unit's target, for schemes that score against it
  (``normalisation = "target"`` with ``params.target`` = that field).

Periods are written ``Q1``..``Q4`` (quarters), ``1``..``12`` (months) or empty (year end).

Two kinds of target (``Target.kind``):

* ``cumulative`` (累计): an amount built up over the year (new jobs, people trained); progress
  to date is judged against the share of the plan due by then;
* ``level`` (控制线): a cap or a floor that must hold at any time of year — controlling the
  registered unemployment rate is the letters' first target (articles 5–6). It is never
  pro-rated: 3.2% against a 3.5% cap is on target in June as in December.

Examples
--------
>>> t = Target("110101", "new_jobs", 12000, plan=(2000, 4000, 3000, 3000))
>>> round(expected_to_date(t, "Q2"), 6)     # 2000 + 4000 planned by the end of June
6000.0
>>> p = progress(t, actual=5400, through="Q2")
>>> round(p.completion, 4), round(p.schedule, 4), p.on_track
(0.45, 0.9, False)
>>> cap = Target("110101", "registered_unemployment_rate", 3.5, direction="lower", kind="level")
>>> p = progress(cap, actual=3.2, through="Q2")
>>> p.expected, p.completion, p.on_track
(3.5, 1.0, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kaoping.scoring.data import BaseData
from kaoping.scoring.errors import DataError, Problem

MONTHS = 12
PLAN_LENGTHS = (4, 12)  # quarters or months
PLAN_TOLERANCE = 1e-6
TARGET_KINDS = ("cumulative", "level")
# Periods as the target files and the web's forms write them (data, matched as written): the
# whole year, and a month's suffix ("7月"). A progress through the whole year is labelled
# YEAR_END, a value the command line and the pages translate when they show it.
YEAR_END = "年末"
WHOLE_YEAR = ("", YEAR_END, "全年", "year")
MONTH_SUFFIX = "月"


@dataclass(frozen=True)
class Target:
    """One target of a unit's responsibility letter, its plan and (optionally) its actual."""

    unit_code: str
    key: str
    value: float
    year: int | None = None
    name: str = ""
    unit_name: str = ""
    weight: float = 1.0
    direction: str = "higher"
    plan: tuple[float, ...] = ()
    actual: float | None = None
    through: str | None = None
    source: str | None = None
    row: int | None = None
    kind: str = "cumulative"  # or "level": a cap / floor, never pro-rated


@dataclass(frozen=True)
class Progress:
    """Where a target stands: completion of the year's target and of the plan to date."""

    unit_code: str
    key: str
    name: str
    target: float
    actual: float
    through: str
    expected: float
    completion: float  # actual / target (lower-is-better: see completion_rate)
    schedule: float  # actual / expected to date
    on_track: bool

    @property
    def gap(self) -> float:
        """Actual minus expected to date (negative: behind the plan)."""
        return self.actual - self.expected


# --- periods and plans ----------------------------------------------------------------------


def months_elapsed(through: str | int | None) -> float:
    """Months of the year covered by ``through``: ``"Q2"`` -> 6, ``"5"`` -> 5, None -> 12.

    Raises
    ------
    DataError
        ``targets.bad_period`` for anything else.

    Examples
    --------
    >>> months_elapsed("Q3"), months_elapsed(7), months_elapsed(None)
    (9.0, 7.0, 12.0)
    """
    if through is None or str(through).strip() in WHOLE_YEAR:
        return float(MONTHS)
    text = str(through).strip().upper().removesuffix(MONTH_SUFFIX)
    if text.startswith("Q") and text[1:].isdigit() and 1 <= int(text[1:]) <= 4:
        return 3.0 * int(text[1:])
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and 1 <= int(text) <= MONTHS:
        return float(text)
    raise DataError([Problem("targets.bad_period", value=through)])


def plan_share(plan: Sequence[float], through: str | int | None) -> float:
    """Share of the year's plan due by ``through``; within a period, evenly.

    Without a plan, the target is spread evenly over the twelve months (an assumption: the
    measures do not say how to judge progress without one).

    Examples
    --------
    >>> plan_share((1, 2, 3, 4), "Q2")          # (1 + 2) / 10
    0.3
    >>> round(plan_share((1, 2, 3, 4), 4), 6)  # Q1 and a third of Q2: (1 + 2/3) / 10
    0.166667
    >>> plan_share((), "Q3")
    0.75
    """
    months = months_elapsed(through)
    if not plan:
        return months / MONTHS
    length = MONTHS / len(plan)
    total = float(sum(plan))
    if total <= 0:
        return months / MONTHS
    due = sum(
        amount * min(max((months - i * length) / length, 0.0), 1.0) for i, amount in enumerate(plan)
    )
    return due / total


def expected_to_date(target: Target, through: str | int | None) -> float:
    """The amount of ``target`` planned by the end of ``through``; a level target's own
    value at any time (a cap or floor is not pro-rated)."""
    if target.kind == "level":
        return target.value
    return target.value * plan_share(target.plan, through)


# --- completion -----------------------------------------------------------------------------


def completion_rate(actual: float, target: float, direction: str = "higher") -> float:
    """Completion of a target: actual / target; NaN without a positive target.

    For a lower-is-better target (e.g. at most 5 complaints) it is target / actual, and 1
    when the actual is 0 or below the target (nothing left to do better).

    Examples
    --------
    >>> completion_rate(10800, 12000)
    0.9
    >>> completion_rate(8, 4, "lower"), completion_rate(0, 4, "lower")
    (0.5, 1.0)
    """
    if not (target > 0) or actual is None or math.isnan(actual):
        return math.nan
    if direction == "lower":
        return 1.0 if actual <= target else target / actual
    return actual / target


def progress(
    target: Target, actual: float | None = None, through: str | int | None = None
) -> Progress:
    """Where ``target`` stands at ``through`` (default: the target's own ``through``)."""
    actual = target.actual if actual is None else actual
    through = target.through if through is None else through
    expected = expected_to_date(target, through)
    value = math.nan if actual is None else float(actual)
    completion = completion_rate(value, target.value, target.direction)
    schedule = completion_rate(value, expected, target.direction)
    if target.direction == "lower":
        on_track = not math.isnan(value) and value <= expected + 1e-9
    else:
        on_track = not math.isnan(value) and value >= expected - 1e-9
    label = YEAR_END if months_elapsed(through) == MONTHS else str(through)
    return Progress(
        unit_code=target.unit_code,
        key=target.key,
        name=target.name,
        target=target.value,
        actual=value,
        through=label,
        expected=expected,
        completion=completion,
        schedule=schedule,
        on_track=on_track,
    )


def letter_completion(targets: Iterable[Target]) -> float:
    """Completion of a responsibility letter, 0..100: the weighted mean of each target's
    completion capped at 100% (over-fulfilling one target cannot make up for another).

    Targets without an actual count as 0% (not reported is not done).

    Examples
    --------
    >>> letter_completion([Target("u", "a", 100, actual=80, weight=2),
    ...                    Target("u", "b", 50, actual=60, weight=1)])   # (2*0.8 + 1*1) / 3
    86.66666666666667
    """
    num = den = 0.0
    for t in targets:
        rate = completion_rate(math.nan if t.actual is None else t.actual, t.value, t.direction)
        num += t.weight * (0.0 if math.isnan(rate) else min(rate, 1.0))
        den += t.weight
    return 100.0 * num / den if den > 0 else math.nan


# --- validation and columns -----------------------------------------------------------------


def validate_targets(targets: Iterable[Target]) -> list[Problem]:
    """Problems: a repeated unit + target, a target or weight not above 0, a plan that is
    not 4 quarters or 12 months, or whose periods do not add up to the target."""
    seen: dict[tuple[str, str, int | None], Target] = {}
    problems = []
    for t in targets:
        key = (t.unit_code, t.key, t.year)
        if key in seen:
            problems.append(
                Problem(
                    "targets.duplicate",
                    file=t.source,
                    row=t.row,
                    value=t.key,
                    params={"unit": t.unit_code, "key": t.key, "first_row": seen[key].row},
                )
            )
        else:
            seen[key] = t
        if not (t.value > 0):
            problems.append(
                Problem(
                    "targets.not_positive", column="目标值", value=t.value, file=t.source, row=t.row
                )
            )
        if not (t.weight > 0):
            problems.append(
                Problem(
                    "targets.bad_weight", column="权重", value=t.weight, file=t.source, row=t.row
                )
            )
        if t.kind not in TARGET_KINDS:
            problems.append(
                Problem(
                    "targets.bad_kind", column="目标类型", value=t.kind, file=t.source, row=t.row
                )
            )
        elif t.kind == "level" and t.plan:
            problems.append(
                Problem(
                    "targets.level_plan",
                    file=t.source,
                    row=t.row,
                    params={"unit": t.unit_code, "key": t.key},
                )
            )
        elif t.plan:
            if len(t.plan) not in PLAN_LENGTHS:
                problems.append(
                    Problem(
                        "targets.plan_periods",
                        file=t.source,
                        row=t.row,
                        params={"count": len(t.plan)},
                    )
                )
            total = float(sum(t.plan))
            if t.value > 0 and abs(total - t.value) > PLAN_TOLERANCE * max(1.0, t.value):
                problems.append(
                    Problem(
                        "targets.plan_sum",
                        file=t.source,
                        row=t.row,
                        value=total,
                        params={
                            "unit": t.unit_code,
                            "key": t.key,
                            "total": _fmt(total),
                            "target": _fmt(t.value),
                        },
                    )
                )
    return problems


def check_targets(targets: Iterable[Target]) -> list[Target]:
    """The targets, or DataError with every problem of :func:`validate_targets`."""
    targets = list(targets)
    problems = validate_targets(targets)
    if problems:
        raise DataError(problems)
    return targets


def target_column(targets: Iterable[Target], key: str, unit_codes: Sequence[str]) -> np.ndarray:
    """Each unit's target ``key``, aligned with ``unit_codes``.

    Raises
    ------
    DataError
        ``targets.missing`` for each unit without that target.
    """
    values = {t.unit_code: t.value for t in targets if t.key == key}
    missing = [c for c in unit_codes if c not in values]
    if missing:
        raise DataError(
            [Problem("targets.missing", params={"unit": c, "key": key}) for c in missing]
        )
    return np.array([values[c] for c in unit_codes], dtype=float)


def letters_by_unit(targets: Iterable[Target]) -> dict[str, list[Target]]:
    """The targets grouped by unit, in input order."""
    letters: dict[str, list[Target]] = {}
    for t in targets:
        letters.setdefault(t.unit_code, []).append(t)
    return letters


def completion_column(targets: Iterable[Target], unit_codes: Sequence[str]) -> np.ndarray:
    """Each unit's :func:`letter_completion` (NaN for a unit without targets)."""
    letters = letters_by_unit(targets)
    return np.array(
        [letter_completion(letters[c]) if c in letters else math.nan for c in unit_codes]
    )


def with_columns(data: BaseData, columns: Mapping[str, np.ndarray]) -> BaseData:
    """A copy of ``data`` with some columns added or replaced (e.g. the unit's target)."""
    merged = dict(data.columns)
    merged.update({k: np.asarray(v, dtype=float) for k, v in columns.items()})
    result = BaseData(
        units=list(data.units),
        columns=merged,
        source=data.source,
        rows=data.rows,
        extras=dict(data.extras),
    )
    result.sha256 = result.fingerprint()
    return result


def _fmt(x: float) -> str:
    return f"{x:.6g}"
