"""Text cells written to spreadsheets and CSV files, made safe to open (CSV / XLSX injection).

Kept apart from the workbook writer so that writing a CSV file never loads openpyxl.
"""

from __future__ import annotations

from typing import Any

# What a spreadsheet reads as the start of a formula (CSV / XLSX injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula (CSV/XLSX injection).

    Examples
    --------
    >>> safe_text("=1+1"), safe_text("东城区"), safe_text(-3.5)
    ("'=1+1", '东城区', -3.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
