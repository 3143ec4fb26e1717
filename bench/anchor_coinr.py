"""Anchor: Kaoping's robustness analysis on COINr's ASEM example (51 units, 49 indicators),
next to COINr's recorded timings for its own uncertainty and sensitivity analysis.

The scheme is built programmatically from ``asem_imeta.csv`` (levels, parents, weights,
directions, denominators); what is and is not comparable is in docs/robustness.md.
Run: ``.venv/bin/python -m bench.anchor_coinr [folder]``.
"""

from __future__ import annotations

import csv
import math
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from kaoping.scoring import BaseData, Scheme, scheme_from_dict
from kaoping.scoring.robustness import RobustnessOptions, RobustnessResult, analyse_robustness

FOLDER = Path("/work/shared/anchors/coinr-asem")
# COINr 1.1.14 on this kind of machine (the folder's README.md).
COINR_SECONDS_PER_RECOMPUTATION = 0.2
COINR_UNCERTAINTY_N100_SECONDS = 25.0
COINR_SENSITIVITY_SECONDS = 134.0  # N = 100, 600 recomputations
COINR_SENSITIVITY_RECOMPUTATIONS = 600


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def asem_scheme(meta: list[dict[str, str]]) -> Scheme:
    """Levels 1-3 of COINr's tree as a Kaoping scheme; level 4 (the index) is the total.

    Equal weights within each sibling set, as in the meta file (all 1). Scores are not
    clamped (COINr's z-scores are not), and the z-score uses the sample sd, as R's sd().
    """
    indicators = [m for m in meta if m["Type"] == "Indicator"]
    aggregates = [m for m in meta if m["Type"] == "Aggregate" and m["Level"] in ("2", "3")]
    denominators = sorted({m["Denominator"] for m in indicators if m["Denominator"] != "NA"})
    siblings = Counter(m["Parent"] for m in indicators + aggregates)

    def weight(m: dict[str, str]) -> float:
        return 100.0 / siblings[m["Parent"]]

    document = {
        "scheme": {
            "code": "coinr-asem",
            "name": "ASEM Sustainable Connectivity",
            "version": "COINr 1.1.14",
        },
        "scoring": {"normalisation": "minmax", "sd": "sample", "floor": -1e9, "cap": 1e9},
        "fields": [{"key": k} for k in [m["iCode"] for m in indicators] + denominators],
        "groups": [
            {
                "code": m["iCode"],
                "name": m["iName"],
                "weight": weight(m),
                "parent": None if m["Level"] == "3" else m["Parent"],
            }
            for m in aggregates
        ],
        "indicators": [
            {
                "code": m["iCode"],
                "name": m["iName"],
                "group": m["Parent"],
                "weight": weight(m),
                "direction": "lower" if m["Direction"] == "-1" else "higher",
                "formula": m["iCode"]
                if m["Denominator"] == "NA"
                else f"{m['iCode']} / {m['Denominator']}",
            }
            for m in indicators
        ],
    }
    return scheme_from_dict(document)


def asem_data(rows: list[dict[str, str]], scheme: Scheme) -> BaseData:
    keys = [f.key for f in scheme.input_fields]
    records: list[dict[str, Any]] = [
        {"unit_code": r["uCode"], "unit_name": r["uName"],
         **{k: None if r[k] in ("NA", "") else float(r[k]) for k in keys}}
        for r in rows
    ]  # fmt: skip
    return BaseData.from_records(records, source="asem_idata.csv")


def run(scheme: Scheme, data: BaseData, replicates: int, sensitivity: int):
    options = RobustnessOptions(
        replicates=replicates,
        weight_spread=0.25,
        normalisations=("minmax", "zscore"),
        sd_kinds=("sample",),
        na_policies=("renormalise",),
        sensitivity_replicates=sensitivity,
        seed=2024,
    )
    start = time.perf_counter()
    result = analyse_robustness(scheme, data, options)
    return result, time.perf_counter() - start


def print_top(result: RobustnessResult, count: int = 10) -> None:
    order = sorted(range(len(result.units)), key=lambda u: (result.median_rank[u],
                                                            result.nominal_ranks[u]))  # fmt: skip
    print(f"top {count} by median rank (code, name, nominal rank, median, 5-95% interval):")
    for u in order[:count]:
        unit = result.units[u]
        print(f"  {unit.code}  {unit.name:<16} {int(result.nominal_ranks[u]):>3}"
              f"  {result.median_rank[u]:>4g}  {result.p05_rank[u]:g}-{result.p95_rank[u]:g}")  # fmt: skip


def main(folder: Path = FOLDER) -> None:
    scheme = asem_scheme(read_csv(folder / "asem_imeta.csv"))
    data = asem_data(read_csv(folder / "asem_idata.csv"), scheme)
    gaps = sum(int(math.isnan(v)) for col in data.columns.values() for v in col)
    print(f"ASEM: {len(data)} units, {len(scheme.indicators)} indicators, "
          f"{len(scheme.groups)} groups, {gaps} empty cells")  # fmt: skip
    run(scheme, data, 10, 0)  # warm-up (imports, first allocations)
    for replicates, sensitivity in ((100, 0), (100, 100), (10_000, 1_000)):
        result, seconds = run(scheme, data, replicates, sensitivity)
        factors = len(result.options.varying())
        recomputations = replicates + (factors + 2) * sensitivity
        print(f"Kaoping N={replicates:>6}, sensitivity base {sensitivity:>5} "
              f"({recomputations} recomputations): {seconds:7.3f} s total, "
              f"{seconds / recomputations * 1000:7.3f} ms per recomputation")  # fmt: skip
        if (replicates, sensitivity) == (100, 0):
            print(f"  COINr uncertainty N=100: {COINR_UNCERTAINTY_N100_SECONDS:.0f} s total, "
                  f"~{COINR_SECONDS_PER_RECOMPUTATION * 1000:.0f} ms per recomputation")  # fmt: skip
        if (replicates, sensitivity) == (100, 100):
            print(f"  COINr sensitivity N=100: {COINR_SENSITIVITY_SECONDS:.0f} s total for "
                  f"{COINR_SENSITIVITY_RECOMPUTATIONS} recomputations")  # fmt: skip
    print_top(result)
    print("sensitivity (first-order, total, mean rank shift):")
    for s in result.ranked_sensitivity():
        print(f"  {s.factor:<14} {s.first_order:6.3f} {s.total:6.3f} {s.mean_rank_shift:6.2f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
