"""The base data (基础数据) of a round, as the scoring core sees it: one row per unit.

Reading files and validating cells is the job of :mod:`kaoping.tables`; the core only needs
numbers in columns, unit codes and, to explain a number, where each row came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)  # one a unit: no __dict__ each
class UnitRef:
    """An evaluated unit (被评价单位): its code (text, leading zeros kept), name and year."""

    code: str
    name: str
    year: int | None = None


@dataclass
class BaseData:
    """Numeric columns of base data for a list of units, aligned by position.

    Parameters
    ----------
    units : list of UnitRef
    columns : dict of str to ndarray
        Field key to a float array of length ``len(units)``; NaN marks an empty cell.
    source : str, optional
        File name the data came from, for explanations.
    rows : list of int, optional
        Spreadsheet row of each unit in ``source`` (header is row 1).
    sha256 : str, optional
        Fingerprint of the input file, reported with results.

    Examples
    --------
    >>> data = BaseData.from_records([{"unit_code": "01", "unit_name": "甲", "x": 1.5}])
    >>> data.codes, float(data.columns["x"][0])
    (['01'], 1.5)
    """

    units: list[UnitRef]
    columns: dict[str, np.ndarray]
    source: str | None = None
    rows: list[int] | None = None
    sha256: str | None = None
    extras: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.units)
        for key, col in list(self.columns.items()):
            arr = np.asarray(col, dtype=float)
            if arr.shape != (n,):
                raise ValueError(f"column {key!r} has shape {arr.shape}, expected ({n},)")
            self.columns[key] = arr

    @property
    def codes(self) -> list[str]:
        return [u.code for u in self.units]

    def __len__(self) -> int:
        return len(self.units)

    def index_of(self, code: str) -> int:
        """Position of a unit by its code; raises KeyError."""
        for i, unit in enumerate(self.units):
            if unit.code == code:
                return i
        raise KeyError(code)

    def row_of(self, position: int) -> int | None:
        return self.rows[position] if self.rows else None

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        source: str | None = None,
    ) -> BaseData:
        """Build from dicts with ``unit_code``, ``unit_name``, optional ``year`` and numbers."""
        records = list(records)
        units = [
            UnitRef(
                code=str(r["unit_code"]),
                name=str(r.get("unit_name", r["unit_code"])),
                year=int(r["year"]) if r.get("year") not in (None, "") else None,
            )
            for r in records
        ]
        keys: list[str] = []
        for r in records:
            for k in r:
                if k not in ("unit_code", "unit_name", "year") and k not in keys:
                    keys.append(k)
        columns = {k: np.array([_to_float(r.get(k)) for r in records], dtype=float) for k in keys}
        data = cls(units=units, columns=columns, source=source)
        data.sha256 = data.fingerprint()
        return data

    def fingerprint(self) -> str:
        """SHA-256 of the content (codes and numbers), independent of the file format."""
        payload = {
            "units": [[u.code, u.name, u.year] for u in self.units],
            "columns": {
                k: [None if np.isnan(v) else v for v in self.columns[k].tolist()]
                for k in sorted(self.columns)
            },
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def subset(self, positions: Iterable[int]) -> BaseData:
        idx = list(positions)
        return BaseData(
            units=[self.units[i] for i in idx],
            columns={k: v[idx] for k, v in self.columns.items()},
            source=self.source,
            rows=[self.rows[i] for i in idx] if self.rows else None,
            sha256=self.sha256,
        )


def _to_float(value: Any) -> float:
    if value is None or value == "":
        return float("nan")
    return float(value)
