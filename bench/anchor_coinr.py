"""Anchor: COINr's own sensitivity-vignette specification on its ASEM example (51 units, 49
indicators), run by Kaoping and, when R with COINr is installed, by COINr in the same run.

Every statistic compared is computed with COINr's own 100 weight sets (read from the R run);
the timings are of Kaoping drawing its own.

The specification (COINr 1.1.14, ``build_example_coin()`` and its sensitivity vignette):
denominators; imputation by the group mean of ``EurAsia_group``; outlier treatment by
winsorisation (at most ``winmax`` points, else log transform) with winmax drawn from 1-5;
normalisation min-max onto 1-100 or z-score with mean 10 and sd 2; weights of levels 2 and 3
times ``1 + 0.25 U(-1, 1)``, 100 such sets drawn once; arithmetic or geometric mean at every
level. Uncertainty analysis (UA) on N replicates; sensitivity analysis (SA) on COINr's
scalar output, the mean absolute rank change from the nominal ranking, with bootstrap
intervals.

Comparisons (stated in docs/robustness.md): nominal ranks equal; per unit the mean rank
within 4 standard errors of the difference; the median, 5% and 95% ranks within the
Monte Carlo band of each other's quantiles; sensitivity indices' intervals overlapping.

Run: ``.venv/bin/python -m bench.anchor_coinr [--quick]`` (``--quick``: N = 100 only).
COINr is skipped, with a note, when ``Rscript`` or the package is missing.
"""

from __future__ import annotations

import csv
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from kaoping.scoring import BaseData, Scheme, evaluate, scheme_from_dict
from kaoping.scoring.data import UnitRef
from kaoping.scoring.robustness import (
    RobustnessModel,
    RobustnessOptions,
    analyse_robustness,
    random_streams,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
FOLDER = SHARED / "anchors" / "coinr-asem"
R_SCRIPT = Path(__file__).with_name("coinr_vignette.R")
GROUP = "EurAsia_group"
SEED = 42


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def asem_scheme(meta: list[dict[str, str]], **scoring: Any) -> Scheme:
    """COINr's tree as a Kaoping scheme: levels 1-3 (indicators, pillars, sub-indices); the
    index (level 4) is the total. Weights as in the meta file (all 1, equal among siblings);
    scores not clamped (COINr's are not); the z-score's sd is R's sd() (sample)."""
    indicators = [m for m in meta if m["Type"] == "Indicator"]
    aggregates = [m for m in meta if m["Type"] == "Aggregate" and m["Level"] in ("2", "3")]
    denominators = sorted({m["Denominator"] for m in indicators if m["Denominator"] != "NA"})
    siblings = Counter(m["Parent"] for m in indicators + aggregates)

    def weight(m: dict[str, str]) -> float:
        return 100.0 * float(m["Weight"]) / siblings[m["Parent"]]

    document = {
        "scheme": {
            "code": "coinr-asem",
            "name": "ASEM Sustainable Connectivity",
            "version": "COINr 1.1.14",
        },
        "scoring": {
            "normalisation": "minmax",
            "sd": "sample",
            "floor": -1e9,
            "cap": 1e9,
            "imputation": "group_mean",
            "imputation_group": GROUP,
            "treatment": "winsorise",
            "winsorise_limit": 5,
            **scoring,
        },
        "fields": [{"key": k} for k in [m["iCode"] for m in indicators] + denominators]
        + [{"key": GROUP, "type": "text", "required": False}],
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
    keys = [f.key for f in scheme.input_fields if f.is_numeric]
    return BaseData(
        units=[UnitRef(r["uCode"], r["uName"]) for r in rows],
        columns={
            k: np.array([math.nan if r[k] in ("NA", "") else float(r[k]) for r in rows])
            for k in keys
        },
        extras={GROUP: [r[GROUP] for r in rows]},
        source="asem_idata.csv",
    )


def vignette_options(replicates: int, sensitivity: int = 0, **extra: Any) -> RobustnessOptions:
    return RobustnessOptions(
        replicates=replicates,
        weight_spread=0.25,
        weight_levels=(2, 3),
        weight_sets=100,
        normalisations=("minmax:1-100", "zscore:10,2"),
        sd_kinds=("sample",),
        na_policies=("renormalise",),
        treatments=tuple(f"winsorise:{w}" for w in range(1, 6)),
        aggregations=("arithmetic", "geometric"),
        sensitivity_replicates=sensitivity,
        sensitivity_output="mean_rank_change",
        bootstrap=100 if sensitivity else 0,
        seed=SEED,
        **extra,
    )


def kaoping_ranks(
    scheme: Scheme, data: BaseData, replicates: int, pool: np.ndarray | None = None
) -> np.ndarray:
    """Every replicate's ranks (for the comparison; the timing is of the full analysis),
    drawing the weights from ``pool`` (COINr's own 100 sets) when given."""
    model = RobustnessModel(scheme, data, vignette_options(replicates))
    if pool is not None:
        model.use_weight_pool(pool)
    return model.ranks(model.draw(replicates, random_streams(SEED)[0])).astype(float)


def coinr_weight_pool(path: Path, scheme: Scheme) -> np.ndarray:
    """COINr's noisy weight sets as raw weights of the Kaoping tree (sets x nodes)."""
    from kaoping.scoring.robustness import WeightTree

    codes = WeightTree.of(scheme).codes
    sets: dict[int, dict[str, float]] = {}
    for row in read_csv(path):
        sets.setdefault(int(row["set"]), {})[row["iCode"]] = float(row["Weight"])
    return np.array([[sets[k][c] for c in codes] for k in sorted(sets)])


def timed(fn, repeat: int = 3) -> tuple[Any, float]:
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return value, best


# --- COINr -------------------------------------------------------------------------------------


def coinr_available() -> str | None:
    """Why COINr cannot run here (None: it can)."""
    if shutil.which("Rscript") is None:
        return "Rscript not found (apt-get install r-base-core ...; see shared/anchors/coinr/)"
    probe = subprocess.run(["Rscript", "-e", "library(COINr)"], capture_output=True, text=True)
    if probe.returncode != 0:
        return "the R package COINr is not installed (R CMD INSTALL shared/anchors/coinr/...)"
    return None


def run_coinr(mode: str, n: int, out: Path) -> dict[str, Any]:
    """Run bench/coinr_vignette.R; returns its timing line's numbers and output files."""
    done = subprocess.run(
        ["Rscript", str(R_SCRIPT), mode, str(n), str(SEED), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("COINr")][-1]
    fields = dict(part.split("=") for part in line.split()[1:])
    return {k: float(v) for k, v in fields.items()}


def read_matrix(path: Path) -> tuple[list[str], np.ndarray]:
    rows = read_csv(path)
    codes = [r["uCode"] for r in rows]
    cols = [c for c in rows[0] if c.startswith("r_")]
    return codes, np.array(
        [[float(r[c]) if r[c] != "NA" else math.nan for c in cols] for r in rows]
    )


# --- comparison --------------------------------------------------------------------------------


def compare_ranks(ours: np.ndarray, theirs: np.ndarray) -> dict[str, int]:
    """Per unit (rows: replicates x units), how many statistics disagree beyond Monte Carlo
    error. Mean rank: |difference| > 4 standard errors. Quantile q (R's type 7, as COINr):
    ours outside theirs at q -+ d, d = 4 sqrt(q (1 - q) (1/n1 + 1/n2)), widened by one rank
    (ranks are integers)."""
    n1, n2 = len(ours), len(theirs)
    se = np.sqrt(ours.var(axis=0, ddof=1) / n1 + theirs.var(axis=0, ddof=1) / n2)
    failures = {
        "mean": int((np.abs(ours.mean(axis=0) - theirs.mean(axis=0)) > 4 * se + 1e-9).sum())
    }
    for name, q in (("q05", 0.05), ("median", 0.5), ("q95", 0.95)):
        d = 4 * math.sqrt(q * (1 - q) * (1 / n1 + 1 / n2))
        lo = np.quantile(theirs, max(0.0, q - d), axis=0) - 1
        hi = np.quantile(theirs, min(1.0, q + d), axis=0) + 1
        mine = np.quantile(ours, q, axis=0)
        failures[name] = int(((mine < lo) | (mine > hi)).sum())
    return failures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    meta, rows = read_csv(FOLDER / "asem_imeta.csv"), read_csv(FOLDER / "asem_idata.csv")
    scheme = asem_scheme(meta)
    data = asem_data(rows, scheme)
    print(
        f"# {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    print(
        f"ASEM: {len(data)} units, {len(scheme.indicators)} indicators, "
        f"{int(np.isnan(np.column_stack(list(data.columns.values()))).sum())} empty cells"
    )
    nominal = evaluate(scheme, data)
    why_not = coinr_available()
    if why_not:
        print(f"COINr: skipped, {why_not}")
    analyse_robustness(scheme, data, vignette_options(20))  # warm-up: imports, caches
    sizes = (100,) if quick else (100, 1000)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            result, seconds = timed(
                lambda n=n: analyse_robustness(scheme, data, vignette_options(n))
            )
            ours_ms = 1000 * seconds / n
            print(f"\nUA N={n}: Kaoping {seconds * 1000:.1f} ms, {ours_ms:.4f} ms per replicate")
            if why_not:
                continue
            coinr = run_coinr("UA", n, Path(tmp) / f"ua{n}")
            print(
                f"  COINr {coinr['elapsed'] * 1000:.0f} ms, {coinr['ms_per_rep']:.1f} ms per "
                f"replicate, failed replicates {coinr['failed']:.0f}: Kaoping "
                f"{coinr['ms_per_rep'] / ours_ms:,.0f}x faster per replicate"
            )
            codes, theirs = read_matrix(Path(tmp) / f"ua{n}_ranks.csv")
            stats = {r["uCode"]: r for r in read_csv(Path(tmp) / f"ua{n}_rankstats.csv")}
            order = [data.codes.index(c) for c in codes]
            same = all(
                int(float(stats[c]["Nominal"])) == int(nominal.ranks[data.codes.index(c)])
                for c in codes
            )
            print(f"  nominal ranks equal: {same}")
            # Both sides draw from COINr's own 100 weight sets: a pool is a random effect of
            # its own, which the Monte Carlo error of one run does not cover.
            pool = coinr_weight_pool(Path(tmp) / f"ua{n}_weights.csv", scheme)
            ours = kaoping_ranks(scheme, data, max(n, 1000), pool)[:, order]
            print(
                f"  units beyond Monte Carlo error (of {len(codes)}): "
                f"{compare_ranks(ours, theirs.T)}"
            )
            del result
        if not quick:
            sensitivity(scheme, data, why_not, Path(tmp))


def print_indices(who: str, result) -> None:
    for s in result.ranked_sensitivity():
        print(
            f"    {who} {s.factor:<14} Si {s.first_order:6.3f} [{s.first_order_ci[0]:6.3f}, "
            f"{s.first_order_ci[1]:6.3f}]  STi {s.total:6.3f} [{s.total_ci[0]:6.3f}, "
            f"{s.total_ci[1]:6.3f}]"
        )


def sensitivity(scheme: Scheme, data: BaseData, why_not: str | None, tmp: Path) -> None:
    """COINr's sensitivity analysis (N = 100, 600 replicates, 100 bootstrap samples) and
    Kaoping's; the indices compared are Kaoping's with COINr's own weight sets, at N = 100
    and at N = 10,000 (where Kaoping's intervals are narrow)."""
    n = 100
    result, seconds = timed(lambda: analyse_robustness(scheme, data, vignette_options(2, n)), 3)
    runs = n * (len(result.options.varying()) + 2)
    print(f"\nSA N={n} ({runs} replicates), output: mean |rank change| from nominal")
    print(f"  Kaoping {seconds * 1000:.1f} ms, {1000 * seconds / runs:.4f} ms per replicate")
    if why_not:
        print_indices("Kaoping", result)
        return
    coinr = run_coinr("SA", n, tmp / "sa")
    print(
        f"  COINr {coinr['elapsed']:.1f} s, {coinr['ms_per_rep']:.1f} ms per replicate: "
        f"Kaoping {coinr['ms_per_rep'] / (1000 * seconds / runs):,.0f}x faster per replicate"
    )
    pool = coinr_weight_pool(tmp / "sa_weights.csv", scheme)
    names = {
        "Winmax": "treatment",
        "Normalisation": "normalisation",
        "Weights": "weights",
        "Aggregation": "aggregation",
    }
    theirs = read_csv(tmp / "sa_sensitivity.csv")
    for size in (n, 10_000):
        result = analyse_robustness(scheme, data, vignette_options(2, size), weight_pool=pool)
        print(f"  Kaoping N={size} with COINr's weight sets:")
        print_indices("Kaoping", result)
        ours = {s.factor: s for s in result.sensitivity}
        for row in theirs:
            s = ours[names[row["Variable"]]]
            si = [float(row[k]) for k in ("Si", "Si_q5", "Si_q95")]
            st = [float(row[k]) for k in ("STi", "STi_q5", "STi_q95")]
            overlap = (
                si[1] <= s.first_order_ci[1]
                and s.first_order_ci[0] <= si[2]
                and st[1] <= s.total_ci[1]
                and s.total_ci[0] <= st[2]
            )
            if size == n:
                print(
                    f"    COINr   {names[row['Variable']]:<14} Si {si[0]:6.3f} [{si[1]:6.3f}, "
                    f"{si[2]:6.3f}]  STi {st[0]:6.3f} [{st[1]:6.3f}, {st[2]:6.3f}]"
                )
            print(f"    {names[row['Variable']]:<14} intervals overlap (N={size}): {overlap}")


if __name__ == "__main__":
    main()
