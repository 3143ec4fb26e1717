"""The money and the people of a round (资金和就业总体情况): totals over the units of every
amount and people field, with 同比, and the round-level rates (spending rate, central-policy
share …) computed from the totals with the scheme's own formulas.

Which rows appear follows the scheme's field types (``amount``, ``count``) and indicator
display kinds (``ratio``), so another scheme gets its own table without code.

Examples
--------
>>> from kaoping.scoring import BaseData, evaluate, load_scheme
>>> scheme = load_scheme("mof-2012")
>>> rows = [dict(unit_code=str(i), unit_name=f"单位{i}", year=2024,
...              **{f.key: 100.0 * i for f in scheme.input_fields}) for i in (1, 2, 3)]
>>> result = evaluate(scheme, BaseData.from_records(rows))
>>> totals = round_totals(result)
>>> totals[0].label, totals[0].value
('当年本级财政筹集就业专项资金', 600.0)
>>> [t.label for t in totals if t.key == "B1"]
['就业专项资金实际支出比例']
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kaoping.scoring.display import field_kind, indicator_kind, indicator_name
from kaoping.scoring.evaluation import EvaluationResult

SUMMABLE = ("amount", "people")


@dataclass
class Total:
    key: str
    label: str
    kind: str  # display kind
    unit: str
    value: float
    previous: float = math.nan


def round_totals(
    result: EvaluationResult, previous: EvaluationResult | None = None, lang: str = "zh"
) -> list[Total]:
    """Totals of the amount and people fields, then the ratio indicators on those totals."""
    scheme = result.scheme
    rows: list[Total] = []
    summable = {f.key for f in scheme.input_fields if field_kind(f) in SUMMABLE}
    for f in scheme.input_fields:
        if f.key not in summable:
            continue
        rows.append(
            Total(
                f.key,
                f.label_for(lang),
                field_kind(f),
                f.unit,
                _sum(result, f.key),
                _sum(previous, f.key),
            )
        )
    now = {key: np.array([_sum(result, key)]) for key in summable}
    then = {key: np.array([_sum(previous, key)]) for key in summable}
    for ind in scheme.indicators:
        if indicator_kind(ind) != "ratio" or ind.formula is None:
            continue
        if not set(ind.formula.names) <= summable:
            continue  # a factor or a non-additive field: no round-level value
        rows.append(
            Total(
                ind.code,
                indicator_name(ind, lang),
                "ratio",
                "",
                _value(ind.formula, now),
                _value(ind.formula, then),
            )
        )
    return rows


def _sum(result: EvaluationResult | None, key: str) -> float:
    if result is None or key not in result.data.columns:
        return math.nan
    column = np.asarray(result.data.columns[key], dtype=float)
    finite = column[np.isfinite(column)]
    return float(finite.sum()) if finite.size else math.nan


def _value(formula, columns) -> float:
    if any(math.isnan(float(v[0])) for v in columns.values()):
        return math.nan
    return float(formula.evaluate(columns).values[0])
