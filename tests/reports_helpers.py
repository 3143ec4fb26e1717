"""The demo rounds the report tests read (16 Beijing districts, 2024 with 2023 as last year)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from kaoping.scoring import BaseData, evaluate, load_scheme

ROOT = Path(__file__).resolve().parent.parent


def read(path: Path) -> BaseData:
    with path.open(encoding="utf-8") as f:
        return BaseData.from_records(list(csv.DictReader(f)), source=path.name)


@lru_cache(maxsize=1)
def demo_rounds():
    """(2024 evaluated with 2023 as its previous year, 2023)."""
    scheme = load_scheme("mof-2012")
    previous = evaluate(scheme, read(ROOT / "examples/mof-2012-demo-2023.csv"))
    result = evaluate(scheme, read(ROOT / "examples/mof-2012-demo-2024.csv"), previous=previous)
    return result, previous
