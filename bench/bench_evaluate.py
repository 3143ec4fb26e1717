"""Benchmark: evaluate() in process, and the `kaoping evaluate` command on CSV files.

Targets on the 2-core machine: 3,000 units in process under 50 ms; the CLI on a 3,000-row
CSV under 1.5 s. Run: ``.venv/bin/python -m bench.bench_evaluate``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import synthetic_data, write_csv
from kaoping.scoring import evaluate, load_scheme

SIZES = (16, 300, 3_000, 30_000)
ROOT = Path(__file__).resolve().parent.parent


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    scheme = load_scheme("mof-2012")
    for n in SIZES:
        data = synthetic_data(n)
        seconds = best_of(lambda data=data: evaluate(scheme, data), repeat=7)
        note = " (target < 50 ms)" if n == 3_000 else ""
        print(f"evaluate() {n:>6} units: {seconds * 1000:8.1f} ms{note}")
    kaoping = str(Path(sys.executable).with_name("kaoping"))
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            path = write_csv(Path(tmp) / f"units-{n}.csv", n)
            cmd = [kaoping, "evaluate", str(path), "--format", "csv", "-o", f"{tmp}/out.csv"]
            seconds = best_of(
                lambda cmd=cmd: subprocess.run(
                    cmd, check=True, cwd=ROOT, stderr=subprocess.DEVNULL
                ),
                3,
            )
            note = " (target < 1.5 s)" if n == 3_000 else ""
            print(f"kaoping evaluate CSV {n:>6} rows: {seconds:6.2f} s{note}")


if __name__ == "__main__":
    main()
