"""Benchmark: the ranking-robustness Monte Carlo (kaoping.scoring.robustness).

Target on the 2-core machine: 10,000 replicates x 3,000 units x 12 indicators (mof-2012)
under 5 s, sensitivity indices included. Run: ``.venv/bin/python -m bench.bench_robustness``.
"""

from __future__ import annotations

import resource
import time

import numpy as np

from bench.synthetic import synthetic_data
from kaoping.scoring import BaseData, load_scheme
from kaoping.scoring.robustness import RobustnessOptions, analyse_robustness


def with_gaps(data: BaseData, share: float, seed: int = 1) -> BaseData:
    """The same units with a share of the input cells emptied (not-applicable indicators)."""
    rng = np.random.default_rng(seed)
    columns = {}
    for key, column in data.columns.items():
        column = column.copy()
        if key not in ("year", "price_factor"):
            column[rng.random(len(column)) < share] = np.nan
        columns[key] = column
    return BaseData(units=data.units, columns=columns, source=data.source)


def timed(scheme, data, options: RobustnessOptions, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        analyse_robustness(scheme, data, options)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    scheme = load_scheme("mof-2012")
    data = synthetic_data(3_000)
    cases = [
        (
            "10,000 x 3,000 x 12, sensitivity 1,000 (target < 5 s)",
            data,
            RobustnessOptions(replicates=10_000),
        ),
        (
            "10,000 x 3,000 x 12, no sensitivity",
            data,
            RobustnessOptions(replicates=10_000, sensitivity_replicates=0),
        ),
        (
            "10,000 x 3,000 x 12, 2% of cells empty",
            with_gaps(data, 0.02),
            RobustnessOptions(replicates=10_000),
        ),
        (
            "1,000 x 16 x 12 (a province's districts)",
            synthetic_data(16),
            RobustnessOptions(replicates=1_000),
        ),
    ]
    for label, case_data, options in cases:
        seconds = timed(scheme, case_data, options)
        print(f"robustness {label}: {seconds:6.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
