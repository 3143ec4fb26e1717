"""The inputs every assessment command takes, with the same names, short forms and help.

``evaluate``, ``explain``, ``awards``, ``allocate``, ``compare``, ``robustness``, ``report``,
``certificates`` and ``archive create`` all read their files with :func:`assessment_of`
(one :func:`kaoping.tables.inputs.read_assessment`) and compute with
:func:`kaoping.scoring.assess`, so the same files give every unit the same total, rank,
grade and award whichever command shows it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kaoping.cli.console import show_warnings
from kaoping.cli.help import option
from kaoping.cli.options import PATH
from kaoping.scoring import Problem
from kaoping.scoring.assessment import Assessment, AssessmentResult, RewardFund, assess
from kaoping.scoring.i18n import gettext_noop
from kaoping.tables.inputs import read_assessment
from kaoping.tables.plausibility import plausibility_warnings

experts_option = option(
    "--experts", "-e", type=PATH, help=gettext_noop("expert scoring sheet, .xlsx or .csv")
)
recusals_option = option(
    "--recusals", "-r", type=PATH, help=gettext_noop("recusal list (expert, unit code)")
)
adjustments_option = option(
    "--adjustments",
    "-a",
    type=PATH,
    help=gettext_noop("bonus and deduction points (unit code, points, reason)"),
)
targets_option = option(
    "--targets", "-t", type=PATH, help=gettext_noop("targets of the responsibility letters")
)
price_factors_option = option(
    "--price-factors",
    "-k",
    "price_factors",
    type=PATH,
    help=gettext_noop("the evaluator's price factors (unit code, price factor)"),
)
previous_option = option(
    "--previous",
    "-p",
    type=PATH,
    multiple=True,
    help=gettext_noop(
        "earlier periods' base data (repeatable, oldest first), for year-on-year and "
        "sequential comparison"
    ),
)
previous_experts_option = option(
    "--previous-experts",
    "previous_experts",
    type=PATH,
    multiple=True,
    help=gettext_noop("each earlier period's expert sheet, one for each --previous"),
)
period_option = option(
    "--period",
    help=gettext_noop("this period's label (2024, 2024-Q2); default: the year column"),
)


@dataclass(frozen=True)
class InputFiles:
    """The files of an assessment besides its base data, as the command line names them."""

    experts: Path | None = None
    recusals: Path | None = None
    adjustments: Path | None = None
    targets: Path | None = None
    price_factors: Path | None = None
    previous: tuple[Path, ...] = ()  # earlier periods, oldest first
    previous_experts: tuple[Path, ...] = ()  # one for each of ``previous``

    def paths(self) -> list[Path]:
        """Every file given, in the order of the options."""
        single = [self.experts, self.recusals, self.adjustments, self.targets, self.price_factors]
        return [p for p in single if p is not None] + [*self.previous, *self.previous_experts]


R = TypeVar("R")
INPUT_NAMES = ("experts", "recusals", "adjustments", "targets", "price_factors")
EARLIER_NAMES = ("previous", "previous_experts")


def input_options(previous: bool = True) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """The input files of an assessment (--experts ... --price-factors, and the earlier
    periods' files when ``previous``), in this order in ``--help``; the command receives
    them as one keyword, ``inputs`` (:class:`InputFiles`)."""
    options = [
        experts_option,
        recusals_option,
        adjustments_option,
        targets_option,
        price_factors_option,
    ] + ([previous_option, previous_experts_option] if previous else [])
    names = INPUT_NAMES + (EARLIER_NAMES if previous else ())

    def apply(fn: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(fn)  # keeps the options click reads from the function
        def command(*args: Any, **kwargs: Any) -> R:
            given = {name: kwargs.pop(name) for name in names}
            for name in EARLIER_NAMES:
                given[name] = tuple(given.get(name) or ())
            return fn(*args, inputs=InputFiles(**given), **kwargs)

        for add in reversed(options):
            command = add(command)
        return command

    return apply


def assessment_of(
    data: Path,
    scheme: str,
    inputs: InputFiles | None = None,
    period: str | None = None,
    fund: RewardFund | None = None,
) -> Assessment:
    """The files of the command line -> one Assessment (the same for every command)."""
    inputs = inputs or InputFiles()
    return read_assessment(
        data,
        scheme,
        experts=inputs.experts,
        recusals=inputs.recusals,
        adjustments=inputs.adjustments,
        targets=inputs.targets,
        price_factors=inputs.price_factors,
        previous=inputs.previous,
        previous_experts=inputs.previous_experts,
        period=period,
        fund=fund,
    )


def run_assessment(
    lang: str,
    data: Path,
    scheme: str,
    inputs: InputFiles | None = None,
    period: str | None = None,
    fund: RewardFund | None = None,
) -> AssessmentResult:
    """Read the inputs, assess, and show the warnings on standard error."""
    result = assess(assessment_of(data, scheme, inputs, period, fund))
    show_warnings([*result.warnings, *plausibility_of(result.assessment)], lang)
    return result


def plausibility_of(assessment: Assessment) -> list[Problem]:
    """The scheme's plausibility warnings on the data, last year's data when given (issue 11)."""
    previous = assessment.previous[0].data if assessment.previous else None
    return plausibility_warnings(assessment.data, assessment.scheme, previous=previous)
