"""The committee's ranks and award tiers computed on whole columns give what the plain,
unit-by-unit definition gives (Python's ``round``, a sorted list and ``bisect``)."""

from __future__ import annotations

import bisect
import math

import numpy as np
import pytest

from kaoping.scoring.experts import committee_ranks, round_like_python


def _reference_ranks(totals, tie_scores, decimals):
    tie = np.zeros_like(totals) if tie_scores is None else tie_scores
    keys = [
        (round(t, decimals), -math.inf if math.isnan(s) else round(s, decimals))
        for t, s in zip(totals.tolist(), tie.tolist(), strict=True)
    ]
    ranked = sorted(k for k, t in zip(keys, totals.tolist(), strict=True) if not math.isnan(t))
    return [
        0 if math.isnan(t) else len(ranked) - bisect.bisect_right(ranked, k) + 1
        for k, t in zip(keys, totals.tolist(), strict=True)
    ]


@pytest.mark.parametrize("seed", range(40))
def test_committee_ranks_match_the_unit_by_unit_definition(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 120))
    decimals = int(rng.integers(0, 7))
    # Few distinct values and values a hair apart, so that ties and near-ties are common.
    totals = np.round(rng.uniform(60, 100, n), int(rng.integers(0, 3)))
    totals += rng.choice([0.0, 1e-7, 0.005], n)
    totals[rng.random(n) < 0.1] = np.nan
    tie = None if seed % 3 == 0 else np.round(rng.uniform(0, 10, n), 1)
    if tie is not None:
        tie[rng.random(n) < 0.1] = np.nan
    assert committee_ranks(totals, tie, decimals).tolist() == _reference_ranks(
        totals, tie, decimals
    )


@pytest.mark.parametrize("decimals", range(10))
def test_round_like_python_is_pythons_round_bit_for_bit(decimals):
    rng = np.random.default_rng(decimals)
    halves = (np.arange(-2000, 2000) + 0.5) / 10.0 ** min(decimals + 1, 6)
    values = np.concatenate([rng.uniform(0, 100, 20000), rng.normal(0, 1e4, 20000), halves])
    expected = np.array([round(v, decimals) for v in values.tolist()])
    assert round_like_python(values, decimals).view(np.int64).tolist() == (
        expected.view(np.int64).tolist()
    )
