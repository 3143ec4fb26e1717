"""The inputs every assessment command takes, with the same names, short forms and help.

(It imports nothing of :mod:`kaoping.cli.main`, which imports the command modules that
import this one.)

``evaluate``, ``explain``, ``awards``, ``allocate``, ``compare``, ``robustness``, ``report``,
``certificates`` and ``archive create`` all read their files with :func:`assessment_of`
(one :func:`kaoping.tables.inputs.read_assessment`) and compute with
:func:`kaoping.scoring.assess`, so the same files give every unit the same total, rank,
grade and award whichever command shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaoping.scoring.assessment import Assessment, AssessmentResult, RewardFund, assess
from kaoping.scoring.messages import Problem

ExpertsOption = Annotated[
    Path | None,
    typer.Option("--experts", "-e", help="专家评分表 .xlsx/.csv / expert scoring sheet"),
]
RecusalsOption = Annotated[
    Path | None,
    typer.Option("--recusals", "-r", help="回避名单（专家、单位编码） / recusal list"),
]
AdjustmentsOption = Annotated[
    Path | None,
    typer.Option(
        "--adjustments", "-a", help="加减分表（单位编码、分值、事由） / bonus and deductions"
    ),
]
TargetsOption = Annotated[
    Path | None,
    typer.Option(
        "--targets", "-t", help="目标责任书目标表 / targets of the responsibility letters"
    ),
]
PriceFactorsOption = Annotated[
    Path | None,
    typer.Option(
        "--price-factors", "-k",
        help="评价机构的物价矫正系数表（单位编码、物价矫正系数） / the evaluator's price factors",
    ),
]  # fmt: skip
PreviousOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--previous", "-p",
        help="上期基础数据（可重复，按时间先后），用于同比、环比 / earlier periods' data, oldest first",
    ),
]  # fmt: skip
PreviousExpertsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--previous-experts",
        help="上期专家评分表，与 --previous 一一对应 / each earlier period's expert sheet",
    ),
]  # fmt: skip
PeriodOption = Annotated[
    str | None,
    typer.Option("--period", help="本期期次（2024、2024-Q2），默认取年度列 / this period's label"),
]


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
    from kaoping.tables.inputs import read_assessment

    return read_assessment(
        data, scheme, experts=experts, recusals=recusals, adjustments=adjustments,
        targets=targets, price_factors=price_factors, previous=previous or (),
        previous_experts=previous_experts or (), period=period, fund=fund,
    )  # fmt: skip


def run_assessment(lang: str, *args, **kwargs) -> AssessmentResult:
    """Read the inputs, assess, and show the warnings on standard error."""
    result = assess(assessment_of(*args, **kwargs))
    show_warnings([*result.warnings, *plausibility_of(result.assessment)], lang)
    return result


def plausibility_of(assessment) -> list[Problem]:
    """The scheme's plausibility warnings on the data, last year's data when given (issue 11)."""
    from kaoping.tables.plausibility import plausibility_warnings

    previous = assessment.previous[0].data if assessment.previous else None
    return plausibility_warnings(assessment.data, assessment.scheme, previous=previous)


def show_warnings(warnings: list[Problem], lang: str) -> None:
    label = "note: " if lang == "en" else "提示："
    for w in warnings:
        typer.echo(label + w.render(lang), err=True)
