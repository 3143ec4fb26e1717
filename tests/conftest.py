"""Fixtures shared by the tests of the pure layers (tests/web has its own conftest.py).

Evaluating the demo rounds and rendering a report take seconds; tests that only read the
result share one per test process (session scope) instead of each module making its own.
"""

from __future__ import annotations

import pytest
from reports_helpers import demo_rounds

from kaoping.reports.model import ReportDocument
from kaoping.reports.round_report import build_round_report
from kaoping.scoring.evaluation import EvaluationResult


@pytest.fixture(scope="session")
def rounds() -> tuple[EvaluationResult, EvaluationResult]:
    """The demo: 16 Beijing districts, 2024 evaluated with 2023 as last year, and 2023."""
    return demo_rounds()


@pytest.fixture(scope="session")
def plain_round_doc(rounds) -> ReportDocument:
    """The round report of the demo without charts, as the formats' tests render it."""
    result, previous = rounds
    return build_round_report(result, previous=previous, charts=False)
