"""Sharing the reward fund (奖励资金) among award-winning units (Beijing measures, article 23).

The leading group fixes the year's total; it is split among the units that won an award in
proportion to their tier's coefficient (optionally times their score), and the amounts add
up to the total EXACTLY: each unit first gets its proportional share rounded down to whole
yuan (or fen), and the yuan (fen) left over go one each to the units with the largest
remainders (largest remainder method, 最大余数法). Equal remainders are broken by the
larger weight, then by the order given (rank order). Arithmetic is exact (fractions) on the
decimal numbers the user sees — a coefficient of 1.2 is 12/10, not the binary float nearest
to it, and a score counts as shown, to two decimals — so neither the sum nor which unit gets
a remaining yuan can depend on floating-point noise.

The fund pays for employment work and "may not be paid to individuals in any way"
(不得以任何方式发放给个人): a recipient of kind ``individual`` is rejected, and so is any
recipient that is not a unit of the round's register (``register``), whatever its kind says.

Examples
--------
>>> shares = allocate(1000, [Recipient("A", "甲", 1.5), Recipient("B", "乙", 1.0),
...                          Recipient("C", "丙", 1.0)])
>>> [(s.code, s.amount) for s in shares]  # 428.57, 285.71, 285.71: the 2 yuan left go to B, C
[('A', Decimal('428')), ('B', Decimal('286')), ('C', Decimal('286'))]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from kaoping.scoring.errors import DataError, Problem
from kaoping.scoring.i18n import gettext_noop, gettext_pair

PRECISIONS = {"yuan": 1, "fen": 100}  # minor units per yuan
RECIPIENT_KINDS = ("unit", "individual")


@dataclass(frozen=True)
class Recipient:
    """A unit sharing the fund: its tier coefficient and (when weighting by score) score."""

    code: str
    name: str
    coefficient: float
    score: float | None = None
    kind: str = "unit"
    tier: str = ""
    source: str | None = None
    row: int | None = None
    rank: int | None = None


@dataclass(frozen=True)
class Share:
    """One recipient's amount, in minor units (yuan or fen) and as a Decimal in yuan."""

    code: str
    name: str
    tier: str
    weight: Fraction
    exact: Fraction  # the proportional share before rounding, in minor units
    minor_units: int
    precision: str

    @property
    def amount(self) -> Decimal:
        """The amount in yuan (two decimals when allocating in fen)."""
        if self.precision == "fen":
            return (Decimal(self.minor_units) / 100).quantize(Decimal("0.01"))
        return Decimal(self.minor_units)


def allocate(
    total: Any,
    recipients: Iterable[Recipient],
    *,
    by_score: bool = False,
    precision: str = "yuan",
    register: Iterable[str] | None = None,
) -> list[Share]:
    """Split ``total`` yuan among ``recipients`` by coefficient (× score when ``by_score``).

    Parameters
    ----------
    total : int, str, Decimal or float
        The reward fund in yuan; in whole yuan when ``precision`` is "yuan", at most two
        decimals when "fen".
    recipients : iterable of Recipient
        Award-winning units, best first (the order breaks ties of the remainders).
    by_score : bool
        Weight each unit by coefficient × total score instead of the coefficient alone.
    precision : {"yuan", "fen"}
        The smallest amount handed out.
    register : iterable of str, optional
        The unit codes of the round's register (被考核单位); a recipient not in it is
        refused (``allocation.not_in_register``).

    Returns
    -------
    list of Share
        In the order of ``recipients``; their ``minor_units`` sum exactly to the total.

    Raises
    ------
    DataError
        ``allocation.negative_total``, ``allocation.fractional_total``,
        ``allocation.individual`` (article 23), ``allocation.not_in_register``,
        ``allocation.bad_coefficient``,
        ``allocation.no_recipients`` or ``allocation.zero_weight``.

    Examples
    --------
    >>> shares = allocate("100.00", [Recipient("A", "甲", 1), Recipient("B", "乙", 1),
    ...                              Recipient("C", "丙", 1)], precision="fen")
    >>> [str(s.amount) for s in shares]
    ['33.34', '33.33', '33.33']
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {sorted(PRECISIONS)}")
    amount = _amount(total)
    minor = _minor_units(amount, precision)
    recipients = list(recipients)
    known = set(register) if register is not None else None
    problems = []
    for r in recipients:
        if known is not None and r.code not in known and r.kind != "individual":
            problems.append(
                Problem(
                    "allocation.not_in_register",
                    file=r.source,
                    row=r.row,
                    value=r.code,
                    params={"name": r.name or r.code},
                )
            )
        if r.kind == "individual":
            problems.append(
                Problem(
                    "allocation.individual",
                    file=r.source,
                    row=r.row,
                    value=r.name,
                    params={"name": r.name or r.code},
                )
            )
        if not _valid_weight(r.coefficient) or (by_score and not _valid_weight(r.score)):
            value = r.coefficient if not _valid_weight(r.coefficient) else r.score
            problems.append(
                Problem(
                    "allocation.bad_coefficient",
                    file=r.source,
                    row=r.row,
                    value=value,
                    params={"name": r.name or r.code},
                )
            )
    if problems:
        raise DataError(problems)
    if not recipients:
        if minor == 0:
            return []
        raise DataError([Problem("allocation.no_recipients", value=str(amount))])
    weights = [_weight(r, by_score) for r in recipients]
    total_weight = sum(weights, Fraction(0))
    if total_weight == 0:
        raise DataError([Problem("allocation.zero_weight")])
    exact = [Fraction(minor) * w / total_weight for w in weights]
    floors = [math.floor(x) for x in exact]
    left = minor - sum(floors)
    # Largest remainder first; then the larger weight; then the order given.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), -weights[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [
        Share(
            code=r.code,
            name=r.name,
            tier=r.tier,
            weight=w,
            exact=x,
            minor_units=m,
            precision=precision,
        )
        for r, w, x, m in zip(recipients, weights, exact, floors, strict=True)
    ]


def recipients_from_awards(decisions: Any) -> list[Recipient]:
    """The award winners of :class:`~kaoping.scoring.awards.AwardDecisions`, best first."""
    return [
        Recipient(
            code=d.unit_code,
            name=d.unit_name,
            coefficient=d.coefficient,
            score=d.total,
            tier=d.tier or "",
            rank=d.overall_rank,
        )
        for d in decisions.decisions
        if d.tier is not None
    ]


def total_of(shares: Sequence[Share]) -> Decimal:
    """The sum of the shares in yuan (equal to the allocated total)."""
    return sum((s.amount for s in shares), Decimal(0))


def _amount(total: Any) -> Decimal:
    try:
        amount = Decimal(str(total).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DataError(
            [
                Problem(
                    "assessment.not_a_number",
                    value=total,
                    expected=gettext_pair(gettext_noop("an amount in yuan")),
                )
            ]
        ) from None
    if not amount.is_finite():
        raise DataError(
            [
                Problem(
                    "assessment.not_a_number",
                    value=total,
                    expected=gettext_pair(gettext_noop("an amount in yuan")),
                )
            ]
        )
    if amount < 0:
        raise DataError([Problem("allocation.negative_total", value=str(total))])
    return amount


def _minor_units(amount: Decimal, precision: str) -> int:
    scaled = amount * PRECISIONS[precision]
    if scaled != scaled.to_integral_value():
        raise DataError([Problem("allocation.fractional_total", value=str(amount))])
    return int(scaled)


def _valid_weight(x: float | None) -> bool:
    return x is not None and not isinstance(x, bool) and math.isfinite(x) and x >= 0


def _weight(r: Recipient, by_score: bool) -> Fraction:
    """Coefficient (× score) as the decimals the user reads: ``repr`` of a float is its
    shortest decimal text (1.2 -> "1.2"), and a score is taken to two decimals as shown.

    Examples
    --------
    >>> _weight(Recipient("A", "甲", 1.2, score=90.004999), by_score=True)
    Fraction(108, 1)
    """
    weight = Fraction(Decimal(repr(float(r.coefficient))))
    if by_score:
        shown = Decimal(repr(float(r.score))).quantize(Decimal("0.01"))  # type: ignore[arg-type]
        weight *= Fraction(shown)
    return weight
