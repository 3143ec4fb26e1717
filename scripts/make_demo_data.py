"""Writes the bundled demo base data: Beijing's 16 districts, 2023 and 2024.

The numbers are SYNTHETIC (seeded random, plausible magnitudes), not statistics of any
district. Run again to regenerate: ``python scripts/make_demo_data.py``.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

DISTRICTS = [
    ("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110106", "丰台区"),
    ("110107", "石景山区"), ("110108", "海淀区"), ("110109", "门头沟区"), ("110111", "房山区"),
    ("110112", "通州区"), ("110113", "顺义区"), ("110114", "昌平区"), ("110115", "大兴区"),
    ("110116", "怀柔区"), ("110117", "平谷区"), ("110118", "密云区"), ("110119", "延庆区"),
]
POLICY_ITEMS = [
    "public_employment_service", "vocational_training_subsidy", "job_referral_subsidy",
    "social_insurance_subsidy", "public_welfare_post_subsidy", "small_loan_interest_subsidy",
    "skill_appraisal_subsidy", "specific_policy_subsidy", "internship_subsidy",
]
SHARES = [0.22, 0.18, 0.06, 0.25, 0.12, 0.03, 0.03, 0.04, 0.02]
OUT = Path(__file__).resolve().parent.parent / "examples"


def district_row(code: str, name: str, year: int, rng: random.Random, prev: dict | None):
    size = rng.uniform(0.4, 2.5)
    local_raised = round(
        (prev["local_raised"] if prev else 12000 * size) * rng.uniform(0.95, 1.15), 1
    )
    prev_raised = prev["local_raised"] if prev else round(local_raised / rng.uniform(0.92, 1.2), 1)
    superior = round(rng.uniform(2000, 9000) * (1.6 - size / 2.5), 1)
    available = local_raised + superior
    spent = round(available * rng.uniform(0.72, 0.97), 1)
    row = {
        "unit_code": code,
        "unit_name": name,
        "year": year,
        "local_raised": local_raised,
        "superior_subsidy": superior,
        "local_arranged": round(local_raised * rng.uniform(0.85, 1.0), 1),
        "local_fiscal_expenditure": round(rng.uniform(1.5e6, 6e6) * size / 1.5, 1),
        "prev_local_raised": prev_raised,
        "fund_expenditure": spent,
        "year_end_balance": round(available - spent + rng.uniform(0, 800), 1),
    }
    central = spent * rng.uniform(0.78, 0.96)
    for item, share in zip(POLICY_ITEMS, SHARES, strict=True):
        row[item] = round(central * share * rng.uniform(0.8, 1.2) / 1.02, 1)
    row["employed_after_subsidy"] = int(spent * rng.uniform(0.6, 1.8))
    row["registered_unemployment_rate"] = round(rng.uniform(0.9, 2.6), 2)
    row["employed_after_job_referral"] = int(row["job_referral_subsidy"] * rng.uniform(4, 12))
    row["employed_after_training"] = int(row["vocational_training_subsidy"] * rng.uniform(0.8, 3))
    row["social_insurance_subsidy_recipients"] = int(
        row["social_insurance_subsidy"] * rng.uniform(0.3, 1.1)
    )
    row["public_welfare_post_recipients"] = int(
        row["public_welfare_post_subsidy"] * rng.uniform(0.2, 0.6)
    )
    row["small_loan_interest_recipients"] = int(
        row["small_loan_interest_subsidy"] * rng.uniform(0.5, 2)
    )
    row["price_factor"] = 1
    return row


def main() -> None:
    rng = random.Random(20240101)
    previous: dict[str, dict] = {}
    for year in (2023, 2024):
        rows = []
        for code, name in DISTRICTS:
            rows.append(district_row(code, name, year, rng, previous.get(code)))
        if year == 2024:
            # 延庆区 paid no small-loan interest subsidy this year: D5 is not applicable there.
            yanqing = rows[-1]
            yanqing["small_loan_interest_subsidy"] = 0
            yanqing["small_loan_interest_recipients"] = 0
        previous = {r["unit_code"]: r for r in rows}
        path = OUT / f"mof-2012-demo-{year}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
