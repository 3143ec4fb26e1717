"""Missing numbers (缺失值): NaN inside numpy arrays, None in plain values and JSON.

The core computes over arrays, where a missing value is NaN; documents, JSON and the web's
stored rows hold plain values, where it is None (JSON has no NaN). These two functions are
the one conversion each way.

Examples
--------
>>> nan_to_none(float("nan")), nan_to_none(None), nan_to_none(2)
(None, None, 2.0)
>>> none_to_nan(None), none_to_nan(1.5)
(nan, 1.5)
"""

from __future__ import annotations

import math
from typing import SupportsFloat


def nan_to_none(x: SupportsFloat | None) -> float | None:
    """A number as a plain value: ``float(x)``, or None when ``x`` is None or NaN."""
    if x is None:
        return None
    value = float(x)
    return None if math.isnan(value) else value


def none_to_nan(x: float | None) -> float:
    """A plain value back as a number for arithmetic over arrays: None becomes NaN."""
    return math.nan if x is None else x


__all__ = ["nan_to_none", "none_to_nan"]
