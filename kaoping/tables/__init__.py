"""Base-data tables (基础数据表, 附件2): reading, validating and writing templates.

>>> from kaoping.scoring.schemes import load_scheme
>>> from kaoping.tables import read_base_data, write_template
>>> scheme = load_scheme("mof-2012")
>>> write_template(scheme, "基础数据模板.xlsx")                      # doctest: +SKIP
>>> data = read_base_data("基础数据.xlsx", scheme)                   # doctest: +SKIP

Format and rules: ``docs/base-data.md``.

The names are imported on first use (PEP 562), so that reading a CSV file never loads the
Excel writer (openpyxl) the template needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kaoping.tables.read import RawSheet, read_sheet
    from kaoping.tables.template import write_template
    from kaoping.tables.validate import parse_base_data, read_base_data

_HOMES = {
    "RawSheet": "kaoping.tables.read",
    "read_sheet": "kaoping.tables.read",
    "write_template": "kaoping.tables.template",
    "parse_base_data": "kaoping.tables.validate",
    "read_base_data": "kaoping.tables.validate",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


__all__ = ["RawSheet", "parse_base_data", "read_base_data", "read_sheet", "write_template"]
