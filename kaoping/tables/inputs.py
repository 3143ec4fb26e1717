"""The files of an assessment read into one :class:`kaoping.scoring.assessment.Assessment`.

Every command builds its assessment here, from the same options (``--experts``,
``--recusals``, ``--adjustments``, ``--targets``, ``--price-factors``, ``--previous``), so
for the same files every command scores the same thing. The web application builds the
same object from database rows instead (``kaoping.web.results.actions.evaluation_of``).

Examples
--------
>>> from kaoping.tables.inputs import read_assessment
>>> assessment = read_assessment("examples/beijing/district-2024.csv",   # doctest: +SKIP
...     "beijing-district-comprehensive", experts="examples/beijing/experts-2024.xlsx",
...     recusals="examples/beijing/recusals.csv")
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kaoping.scoring import load_scheme
from kaoping.scoring.assessment import Assessment, RewardFund
from kaoping.scoring.errors import DataError, Problem
from kaoping.scoring.experts import ExpertScore
from kaoping.scoring.i18n import gettext_lazy
from kaoping.scoring.schemes import Scheme
from kaoping.tables.assessment import (
    UNIT_CODE,
    UNIT_NAME,
    _Collector,
    find_table,
    read_adjustments,
    read_expert_scores,
    read_recusals,
    read_targets,
)
from kaoping.tables.validate import read_base_data

PathLike = str | Path
PRICE_FACTOR = ("物价矫正系数", "price_factor", "矫正系数", "系数")


def read_price_factors(source: PathLike | bytes, filename: str | None = None) -> dict[str, float]:
    """The evaluator's price correction factors (物价矫正系数表): 单位编码, 物价矫正系数
    (optional 单位名称). The ranges are checked against the scheme by
    :func:`kaoping.scoring.assessment.assess`."""
    table = find_table(
        source, {"unit_code": UNIT_CODE, "factor": PRICE_FACTOR}, {"unit_name": UNIT_NAME}, filename
    )
    out = _Collector(table.filename)
    factors: dict[str, float] = {}
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        code = out.text(table, row, cells, "unit_code", code=True)
        value = out.number(table, row, cells, "factor", gettext_lazy("a factor, e.g. 1.05"))
        if code and code in factors:
            out.add(
                "assessment.duplicate_unit",
                row,
                table.header("unit_code"),
                code,
                first_row=first_row[code],
            )
        elif code and value is not None:
            factors[code] = value
            first_row[code] = row
    out.raise_if_any()
    return factors


def read_assessment(
    data: PathLike,
    scheme: str | Scheme,
    *,
    experts: PathLike | None = None,
    recusals: PathLike | None = None,
    adjustments: PathLike | None = None,
    targets: PathLike | None = None,
    price_factors: PathLike | None = None,
    previous: Sequence[PathLike] = (),
    previous_experts: Sequence[PathLike] = (),
    period: str | None = None,
    fund: RewardFund | None = None,
) -> Assessment:
    """Read every file of a round into one :class:`Assessment`.

    Parameters
    ----------
    data : path
        The base-data table (基础数据表).
    scheme : str or Scheme
        A scheme code or TOML file, or a loaded scheme.
    experts, recusals, adjustments, targets, price_factors : path, optional
        The expert scoring sheet, the recusal list, the bonus / deduction list, the
        targets of the responsibility letters, the evaluator's price factor table.
    previous : sequence of path
        Earlier periods' base data, oldest first (同比 / 环比). They are assessed with the
        same scheme, recusals and price factors.
    previous_experts : sequence of path
        The expert sheet of each earlier period, one per ``previous`` file (needed when
        the scheme has expert-scored items).
    period : str, optional
        This period's label; default the data's year.
    fund : RewardFund, optional
        The reward fund to share.

    Raises
    ------
    DataError
        Every problem of every file, each naming the file, row, column and value.
    """
    loaded = scheme if isinstance(scheme, Scheme) else load_scheme(scheme)
    if previous_experts and len(previous_experts) != len(previous):
        raise DataError(
            [
                Problem(
                    "assessment.previous_experts",
                    params={"n": len(previous), "m": len(previous_experts)},
                )
            ]
        )
    tied = tuple(read_recusals(recusals)) if recusals is not None else ()
    factors = read_price_factors(price_factors) if price_factors is not None else None
    earlier = []
    for k, path in enumerate(previous):
        before = read_base_data(path, loaded)
        earlier.append(
            Assessment(
                scheme=loaded,
                data=before,
                expert_scores=_scores(loaded, previous_experts[k] if previous_experts else None),
                recusals=tied,
                price_factors=_known(factors, before.codes),
            )
        )
    return Assessment(
        scheme=loaded,
        data=read_base_data(data, loaded),
        expert_scores=_scores(loaded, experts),
        recusals=tied,
        adjustments=tuple(read_adjustments(adjustments)) if adjustments is not None else (),
        targets=tuple(read_targets(targets)) if targets is not None else (),
        price_factors=factors,
        previous=tuple(earlier),
        period=period,
        fund=fund,
    )


def _scores(scheme: Scheme, sheet: PathLike | None) -> tuple[ExpertScore, ...]:
    return tuple(read_expert_scores(scheme, sheet)) if sheet is not None else ()


def _known(factors: dict[str, float] | None, codes: Sequence[str]) -> dict[str, float] | None:
    """An earlier period keeps the factors of the units it has (a unit may be new)."""
    if factors is None:
        return None
    return {c: v for c, v in factors.items() if c in set(codes)}
