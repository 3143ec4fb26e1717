"""Base-data tables (基础数据表, 附件2): reading, validating and writing templates.

>>> from kaoping.scoring.schemes import load_scheme
>>> from kaoping.tables import read_base_data, write_template
>>> scheme = load_scheme("mof-2012")
>>> write_template(scheme, "基础数据模板.xlsx")                      # doctest: +SKIP
>>> data = read_base_data("基础数据.xlsx", scheme)                   # doctest: +SKIP

Format and rules: ``docs/base-data.md``.
"""

from kaoping.tables.read import RawSheet, read_sheet
from kaoping.tables.template import write_template
from kaoping.tables.validate import parse_base_data, read_base_data

__all__ = ["RawSheet", "parse_base_data", "read_base_data", "read_sheet", "write_template"]
