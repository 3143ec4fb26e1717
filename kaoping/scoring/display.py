"""How numbers are written for people (数字的书写), once for every document, page and workbook.

Every indicator and base-data field has a *display kind*, declared in the scheme
(``display = "ratio"`` on an indicator; a field's ``type``), so a new scheme is written
correctly without code:

========== ======================================= =================== ==============
kind       what the value is                       written             Excel format
========== ======================================= =================== ==============
ratio      a fraction (0.7552)                     75.52%              0.00%
percent    already in percent (2.03 means 2.03%)   2.03%               0.00"%"
amount     money in 万元                            12,277.80万元        #,##0.00
people     a count of people or items              3,980               #,##0
number     any other quantity (人/万元, factors)    1.23                #,##0.00
score      points (scores, totals)                 83.63               0.00
year       a year                                  2024                0
========== ======================================= =================== ==============

Differences of ratios and percentages are in 个百分点 (percentage points), never in
relative percent. A *reverse* indicator (lower is better: ``direction = "lower"``, or the
notice's "rate × −1", declared ``negated = true``) is written as the quantity itself, in
natural words, with "（逆向指标）".

This module is pure Python (no Django), so the reports, the web pages and the command line
all import it.

Examples
--------
>>> fmt_year(2024), fmt_ratio(0.75523), fmt_ratio(0.0026), fmt_percent(2.03)
('2024', '75.52%', '0.26%', '2.03%')
>>> fmt_amount(3980), fmt_amount(12277.8), fmt_amount(123456.78, large=True)
('3,980.00万元', '12,277.80万元', '12.35亿元')
>>> fmt_people(12345.0), fmt_points(0.4412), fmt_difference(0.012, "ratio")
('12,345', '0.44 个百分点', '1.20 个百分点')
>>> fmt_value(float("nan"), "ratio")
'—'
"""

from __future__ import annotations

import math
from typing import Any

DASH = "—"
DISPLAY_KINDS = ("ratio", "percent", "amount", "people", "number", "score", "year")

# The base-data field types (schemes' [[fields]] type) and how they are written.
FIELD_KINDS = {
    "amount": "amount",
    "count": "people",
    "rate": "percent",
    "year": "year",
    "factor": "number",
    "number": "number",
}

# Excel number formats by kind: finance staff sum and sort these cells.
EXCEL_FORMATS = {
    "ratio": "0.00%",
    "percent": '0.00"%"',
    "amount": "#,##0.00",
    "people": "#,##0",
    "number": "#,##0.00",
    "score": "0.00",
    "year": "0",
}

# 亿元 from this many 万元 on (1 亿元 = 10,000 万元), where a bureau would write 亿元.
YI_FROM_WAN = 10_000.0


def is_missing(x: Any) -> bool:
    """None, NaN or infinite: written as a dash."""
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def fmt_year(x: Any) -> str:
    """A year, never with a thousands separator: 2024."""
    return DASH if is_missing(x) else str(round(float(x)))


def fmt_ratio(x: Any, decimals: int = 2) -> str:
    """A fraction as a percentage: 0.75523 -> '75.52%'."""
    return DASH if is_missing(x) else f"{float(x) * 100:,.{decimals}f}%"


def fmt_percent(x: Any, decimals: int = 2) -> str:
    """A value already in percent: 2.03 -> '2.03%'."""
    return DASH if is_missing(x) else f"{float(x):,.{decimals}f}%"


def fmt_points(x: Any, decimals: int = 2, lang: str = "zh") -> str:
    """A difference of two rates in percentage points: 0.4412 -> '0.44 个百分点'."""
    if is_missing(x):
        return DASH
    return f"{float(x):.{decimals}f} {'percentage points' if lang == 'en' else '个百分点'}"


def fmt_amount(x: Any, unit: str = "万元", *, large: bool = False) -> str:
    """Money in 万元, two decimals and separators; ``large`` writes 亿元 from 1 亿 on."""
    if is_missing(x):
        return DASH
    value = float(x)
    if large and unit == "万元" and abs(value) >= YI_FROM_WAN:
        return f"{value / YI_FROM_WAN:,.2f}亿元"
    return f"{value:,.2f}{unit}"


def fmt_people(x: Any) -> str:
    """People (or cases) as a whole number with separators: 12345.0 -> '12,345'."""
    return DASH if is_missing(x) else f"{round(float(x)):,d}"


def fmt_number(x: Any, decimals: int = 2) -> str:
    """Any other quantity: two decimals with separators."""
    return DASH if is_missing(x) else f"{float(x):,.{decimals}f}"


def fmt_score(x: Any) -> str:
    """A score or total: two decimals (no separators: scores stay below 1,000)."""
    return DASH if is_missing(x) else f"{float(x):.2f}"


def fmt_signed(x: Any) -> str:
    """A change of a score: always signed, '+2.40'."""
    return DASH if is_missing(x) else f"{float(x):+.2f}"


def fmt_cell(x: Any, kind: str) -> str:
    """A value in a table cell, whose column header names the unit (no unit written)."""
    if kind == "ratio":
        return fmt_ratio(x)
    if kind == "percent":
        return fmt_percent(x)
    if kind == "people":
        return fmt_people(x)
    if kind == "year":
        return fmt_year(x)
    if kind == "score":
        return fmt_score(x)
    return fmt_number(x)


def fmt_value(x: Any, kind: str, unit: str = "") -> str:
    """A value in running text, with its unit: '75.52%', '3,980.00万元', '12,345人'."""
    text = fmt_cell(x, kind)
    if text == DASH or kind in ("ratio", "percent", "year") or unit in ("", "%"):
        return text
    return f"{text}{unit}" if kind != "amount" else fmt_amount(x, unit or "万元")


def fmt_difference(d: Any, kind: str, unit: str = "", lang: str = "zh") -> str:
    """The size of a difference (unsigned): 个百分点 for rates, the unit otherwise."""
    if is_missing(d):
        return DASH
    d = abs(float(d))
    if kind == "ratio":
        return fmt_points(d * 100, lang=lang)
    if kind == "percent":
        return fmt_points(d, lang=lang)
    if kind == "amount":
        return fmt_amount(d, unit or "万元")
    if kind == "people":
        return f"{fmt_people(d)}{'' if unit in ('', '%') else unit}"
    return f"{fmt_number(d)}{'' if unit in ('', '%') else unit}"


def fmt_change(d: Any, kind: str, unit: str = "", lang: str = "zh") -> str:
    """A signed change in words: '增加 1.20 个百分点', '减少 320.00万元', '持平'."""
    if is_missing(d):
        return DASH
    value = float(d)
    size = fmt_difference(value, kind, unit, lang)
    if round(value, 6) == 0 or size == fmt_difference(0.0, kind, unit, lang):
        return "unchanged" if lang == "en" else "持平"
    if lang == "en":
        return f"{'up' if value > 0 else 'down'} {size}"
    return f"{'增加' if value > 0 else '减少'} {size}"


def fmt_growth(now: Any, then: Any) -> str:
    """Relative growth of an amount or count: '+12.30%' (— without a base)."""
    if is_missing(now) or is_missing(then) or float(then) == 0:
        return DASH
    return f"{(float(now) - float(then)) / abs(float(then)) * 100:+.2f}%"


def compare_words(
    value: float,
    mean: float,
    kind: str,
    unit: str = "",
    *,
    reverse: bool = False,
    average: str = "平均",
    lang: str = "zh",
) -> str:
    """'高于平均 0.44 个百分点（逆向指标）': the position of a value against the mean.

    ``value`` and ``mean`` are the natural quantities (for a reverse indicator, the rate
    itself, not rate × −1). The direction word is literal (高于 / 低于); ``reverse`` adds
    the reminder that lower is better, so a reader judges it the right way round.

    Examples
    --------
    >>> compare_words(2.03, 1.59, "percent", reverse=True)
    '高于平均 0.44 个百分点（逆向指标，越低越好）'
    >>> compare_words(0.5, 0.5, "ratio")
    '与平均持平'
    """
    if is_missing(value) or is_missing(mean):
        return ""
    gap = float(value) - float(mean)
    size = fmt_difference(gap, kind, unit, lang)
    tail = ""
    if reverse:
        tail = " (reverse indicator: lower is better)" if lang == "en" else "（逆向指标，越低越好）"
    if size == fmt_difference(0.0, kind, unit, lang):
        return f"level with the {average}" if lang == "en" else f"与{average}持平"
    if lang == "en":
        return f"{size} {'above' if gap > 0 else 'below'} the {average}{tail}"
    return f"{'高于' if gap > 0 else '低于'}{average} {size}{tail}"


def excel_format(kind: str) -> str:
    """The Excel number format of a display kind."""
    return EXCEL_FORMATS.get(kind, EXCEL_FORMATS["number"])


def excel_number(x: Any, kind: str) -> float | int | None:
    """The number stored in an Excel cell (None for a missing value; ints for people)."""
    if is_missing(x):
        return None
    value = float(x)
    if kind in ("people", "year"):
        return round(value)
    return value


# --- indicators --------------------------------------------------------------------------


def indicator_kind(ind: Any) -> str:
    """The display kind an indicator declares, or the one its unit and kind imply."""
    declared = getattr(ind, "display", "") or ""
    if declared:
        return declared
    if getattr(ind, "kind", "") == "qualitative":
        return "score"
    if getattr(ind, "unit", "") == "%":
        return "percent"
    return "number"


def indicator_reverse(ind: Any) -> bool:
    """Lower is better: declared ``direction = "lower"`` or ``negated = true``."""
    return bool(getattr(ind, "negated", False)) or getattr(ind, "direction", "") == "lower"


def natural_value(ind: Any, value: float) -> float:
    """The quantity people speak of: the rate itself for an indicator written as rate × −1."""
    return -value if getattr(ind, "negated", False) else value  # NaN stays NaN; arrays too


def indicator_name(ind: Any, lang: str = "zh") -> str:
    """The indicator's name for running text (its ``display_name`` when the scheme gives one,
    e.g. 城镇登记失业率 for the notice's 城镇登记失业率（乘 -1））."""
    if lang == "en":
        return getattr(ind, "display_name_en", "") or ind.name_for(lang)
    return getattr(ind, "display_name", "") or ind.name


def indicator_label(ind: Any, lang: str = "zh") -> str:
    """The indicator's name in a table heading or row, marked when lower is better."""
    name = indicator_name(ind, lang)
    if indicator_reverse(ind):
        name += " (lower is better)" if lang == "en" else "（逆向指标）"
    return name


def indicator_value(ind: Any, value: float) -> str:
    """An indicator's value in running text: '75.52%', '1.23人/万元', '2.03%'."""
    return fmt_value(natural_value(ind, value), indicator_kind(ind), getattr(ind, "unit", ""))


def indicator_cell(ind: Any, value: float) -> str:
    """An indicator's value in a table cell."""
    return fmt_cell(natural_value(ind, value), indicator_kind(ind))


def field_kind(spec: Any) -> str:
    """The display kind of a base-data field (from its type)."""
    return FIELD_KINDS.get(getattr(spec, "type", "number"), "number")


def field_value(spec: Any, value: float) -> str:
    """A base-data value in running text: '12,277.80万元', '3,980人', '2.03%'."""
    kind = field_kind(spec)
    return fmt_value(value, kind, getattr(spec, "unit", ""))
