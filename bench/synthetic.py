"""Synthetic mof-2012 base data of any size, for benchmarks (plausible magnitudes, seeded)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from kaoping.scoring import BaseData, UnitRef

POLICY_ITEMS = [
    "public_employment_service",
    "vocational_training_subsidy",
    "job_referral_subsidy",
    "social_insurance_subsidy",
    "public_welfare_post_subsidy",
    "small_loan_interest_subsidy",
    "skill_appraisal_subsidy",
    "specific_policy_subsidy",
    "internship_subsidy",
]


def synthetic_columns(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    raised = rng.uniform(2_000, 40_000, n).round(1)
    superior = rng.uniform(1_000, 10_000, n).round(1)
    spent = ((raised + superior) * rng.uniform(0.7, 0.97, n)).round(1)
    cols = {
        "year": np.full(n, 2024.0),
        "local_raised": raised,
        "superior_subsidy": superior,
        "local_arranged": (raised * rng.uniform(0.85, 1.0, n)).round(1),
        "local_fiscal_expenditure": rng.uniform(5e5, 6e6, n).round(1),
        "prev_local_raised": (raised / rng.uniform(0.9, 1.2, n)).round(1),
        "fund_expenditure": spent,
        "year_end_balance": (raised + superior - spent).round(1),
    }
    shares = rng.dirichlet(np.ones(len(POLICY_ITEMS)), n) * rng.uniform(0.75, 0.95, (n, 1))
    for k, item in enumerate(POLICY_ITEMS):
        cols[item] = np.floor(spent * shares[:, k] * 10) / 10
    cols["employed_after_subsidy"] = np.floor(spent * rng.uniform(0.5, 2, n))
    cols["registered_unemployment_rate"] = rng.uniform(0.8, 3.5, n).round(2)
    for people, money, lo, hi in [
        ("employed_after_job_referral", "job_referral_subsidy", 3, 12),
        ("employed_after_training", "vocational_training_subsidy", 0.5, 3),
        ("social_insurance_subsidy_recipients", "social_insurance_subsidy", 0.2, 1.2),
        ("public_welfare_post_recipients", "public_welfare_post_subsidy", 0.2, 0.7),
        ("small_loan_interest_recipients", "small_loan_interest_subsidy", 0.5, 2),
    ]:
        cols[people] = np.floor(cols[money] * rng.uniform(lo, hi, n))
    cols["price_factor"] = np.ones(n)
    return cols


def synthetic_data(n: int, seed: int = 7) -> BaseData:
    units = [UnitRef(code=f"{i + 1:06d}", name=f"单位{i + 1}", year=2024) for i in range(n)]
    return BaseData(units=units, columns=synthetic_columns(n, seed), source="synthetic")


def write_csv(path: Path, n: int, seed: int = 7) -> Path:
    cols = synthetic_columns(n, seed)
    # The price factor is the evaluator's table, never a column of the units' base data.
    keys = [k for k in cols if k != "price_factor"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["unit_code", "unit_name", *keys])
        for i in range(n):
            row = [cols[k][i] for k in keys]
            row[0] = int(row[0])
            writer.writerow([f"{i + 1:06d}", f"单位{i + 1}", *(_cell(v) for v in row)])
    return path


def _cell(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))
