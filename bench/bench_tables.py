"""Time reading a large base-data table: 3,000 mof-2012 units, as XLSX and as CSV.

Run from the project root: ``python -m bench.bench_tables``. The target is under 1 s for
the XLSX file on a 2-core machine (a province-wide round has a few hundred units; 3,000 is
the headroom).
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from kaoping.scoring.schemes import FieldSpec, Scheme, load_scheme
from kaoping.tables import read_base_data

ROWS = 3000
REPEATS = 5
TARGET_SECONDS = 1.0


def plausible_value(spec: FieldSpec, rng: random.Random, row: int) -> object:
    """A value of the kind a county would report for a field."""
    if spec.key == "unit_code":
        return f"{110000 + row:06d}"
    if spec.key == "unit_name":
        return f"单位{row:04d}"
    if spec.type == "year":
        return 2023
    if spec.type == "rate":
        return round(rng.uniform(0.5, 4.5), 2)
    if spec.type == "count":
        return rng.randint(0, 20000)
    if spec.type == "factor":
        return round(rng.uniform(0.8, 1.2), 2)
    if spec.key == "fund_expenditure":
        return round(rng.uniform(50000, 90000), 2)  # above the nine policy items' sum
    return round(rng.uniform(0, 5000), 2)


def synthetic_rows(scheme: Scheme, rows: int, seed: int = 2012) -> list[list[object]]:
    """A header of field labels, then ``rows`` units."""
    rng = random.Random(seed)
    fields = [spec for spec in scheme.fields if spec.source == "unit"]  # a unit's own columns
    header: list[object] = [spec.label for spec in fields]
    body = [[plausible_value(spec, rng, r) for spec in fields] for r in range(rows)]
    return [header, *body]


def write_xlsx(rows: list[list[object]], path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("基础数据")
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def write_csv(rows: list[list[object]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def best_time(action: Callable[[], object], repeats: int = REPEATS) -> float:
    """Best wall-clock time of ``repeats`` runs: the least disturbed by other processes."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    scheme = load_scheme("mof-2012")
    rows = synthetic_rows(scheme, ROWS)
    with tempfile.TemporaryDirectory() as folder:
        xlsx, text = Path(folder) / "bench.xlsx", Path(folder) / "bench.csv"
        write_xlsx(rows, xlsx)
        write_csv(rows, text)
        for path, kind in ((xlsx, "xlsx"), (text, "csv")):
            data = read_base_data(path, scheme)
            assert len(data) == ROWS, len(data)
            seconds = best_time(lambda path=path: read_base_data(path, scheme))
            print(f"read {ROWS}-row {kind}: {seconds:.3f} s (target < {TARGET_SECONDS:g} s)")


if __name__ == "__main__":
    main()
