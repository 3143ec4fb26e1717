"""Template filters for numbers, through the reports' formatters (one set for every door).

``{{ x|amount }}`` a base-data number as typed: 18023.0 → "18,023", 0.0345 → "0.0345".
``{{ x|value }}`` an indicator value: integers as integers, otherwise four decimals.
"""

from __future__ import annotations

from django import template

from kaoping.reports.text import fmt_amount, fmt_value, is_missing
from kaoping.scoring.explanation import fmt

register = template.Library()


@register.filter
def amount(x) -> str:
    """
    >>> amount(18023.0), amount(None), amount(1234.5), amount(0.0345)
    ('18,023', '—', '1234.5', '0.0345')
    """
    if not is_missing(x) and float(x).is_integer():
        return fmt_amount(x)
    return fmt(x, digits=10)


@register.filter
def value(x) -> str:
    """
    >>> value(18023.0), value(0.75531), value(None)
    ('18,023', '0.7553', '—')
    """
    if not is_missing(x) and float(x).is_integer():
        return fmt_amount(x)
    return fmt_value(x)
