"""The inputs every assessment command takes, with the same names, short forms and help.

``evaluate``, ``explain``, ``awards``, ``allocate``, ``compare``, ``robustness``, ``report``,
``certificates`` and ``archive create`` all read their files with :func:`assessment_of`
(one :func:`kaoping.tables.inputs.read_assessment`) and compute with
:func:`kaoping.scoring.assess`, so the same files give every unit the same total, rank,
grade and award whichever command shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kaoping.cli.main import PATH, show_warnings
from kaoping.scoring.assessment import Assessment, AssessmentResult, RewardFund, assess
from kaoping.scoring.errors import Problem
from kaoping.tables.inputs import read_assessment
from kaoping.tables.plausibility import plausibility_warnings


def _listed(ctx: click.Context, param: click.Parameter, value: tuple) -> list | None:
    """A repeatable option's values as a list, None when it is not given."""
    return list(value) or None


experts_option = click.option(
    "--experts", "-e", type=PATH, help="专家评分表 .xlsx/.csv / expert scoring sheet"
)
recusals_option = click.option(
    "--recusals", "-r", type=PATH, help="回避名单（专家、单位编码） / recusal list"
)
adjustments_option = click.option(
    "--adjustments", "-a", type=PATH, help="加减分表（单位编码、分值、事由） / bonus and deductions"
)
targets_option = click.option(
    "--targets", "-t", type=PATH, help="目标责任书目标表 / targets of the responsibility letters"
)
price_factors_option = click.option(
    "--price-factors",
    "-k",
    "price_factors",
    type=PATH,
    help="评价机构的物价矫正系数表（单位编码、物价矫正系数） / the evaluator's price factors",
)
previous_option = click.option(
    "--previous",
    "-p",
    type=PATH,
    multiple=True,
    callback=_listed,
    help="上期基础数据（可重复，按时间先后），用于同比、环比 / earlier periods' data, oldest first",
)
previous_experts_option = click.option(
    "--previous-experts",
    "previous_experts",
    type=PATH,
    multiple=True,
    callback=_listed,
    help="上期专家评分表，与 --previous 一一对应 / each earlier period's expert sheet",
)
period_option = click.option(
    "--period", help="本期期次（2024、2024-Q2），默认取年度列 / this period's label"
)


def input_options(previous: bool = True) -> Callable[[Any], Any]:
    """The input files of an assessment (--experts ... --price-factors, and the earlier
    periods' files when ``previous``), in this order in ``--help``."""
    options = [
        experts_option,
        recusals_option,
        adjustments_option,
        targets_option,
        price_factors_option,
    ] + ([previous_option, previous_experts_option] if previous else [])

    def apply(fn: Any) -> Any:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


def assessment_of(
    data: Path,
    scheme: str,
    experts: Path | None = None,
    recusals: Path | None = None,
    adjustments: Path | None = None,
    targets: Path | None = None,
    price_factors: Path | None = None,
    previous: list[Path] | None = None,
    previous_experts: list[Path] | None = None,
    period: str | None = None,
    fund: RewardFund | None = None,
) -> Assessment:
    """The files of the command line -> one Assessment (the same for every command)."""
    return read_assessment(
        data,
        scheme,
        experts=experts,
        recusals=recusals,
        adjustments=adjustments,
        targets=targets,
        price_factors=price_factors,
        previous=previous or (),
        previous_experts=previous_experts or (),
        period=period,
        fund=fund,
    )


def run_assessment(lang: str, *args, **kwargs) -> AssessmentResult:
    """Read the inputs, assess, and show the warnings on standard error."""
    result = assess(assessment_of(*args, **kwargs))
    show_warnings([*result.warnings, *plausibility_of(result.assessment)], lang)
    return result


def plausibility_of(assessment) -> list[Problem]:
    """The scheme's plausibility warnings on the data, last year's data when given (issue 11)."""
    previous = assessment.previous[0].data if assessment.previous else None
    return plausibility_warnings(assessment.data, assessment.scheme, previous=previous)
