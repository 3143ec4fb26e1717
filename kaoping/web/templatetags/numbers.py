"""Template filters for numbers, through the one set of formatters of every door
(:mod:`kaoping.scoring.display`).

``{{ x|amount }}`` a base-data number as typed: 18023.0 → "18,023", 0.0345 → "0.0345".
``{{ x|value }}`` an indicator value in a derivation: integers as integers, otherwise four
decimals (the derivation shows what the formula computed).
``{{ x|shown:kind }}`` a value as documents write it: ``{{ 0.7552|shown:"ratio" }}`` → 75.52%.
"""

from __future__ import annotations

from django import template

from kaoping.scoring.display import fmt_cell, fmt_number, fmt_people, is_missing
from kaoping.scoring.explanation import fmt

register = template.Library()


@register.filter
def amount(x) -> str:
    """
    >>> amount(18023.0), amount(None), amount(1234.5), amount(0.0345)
    ('18,023', '—', '1234.5', '0.0345')
    """
    if not is_missing(x) and float(x).is_integer():
        return fmt_people(x)
    return fmt(x, digits=10)


@register.filter
def value(x) -> str:
    """
    >>> value(18023.0), value(0.75531), value(None)
    ('18,023', '0.7553', '—')
    """
    if not is_missing(x) and float(x).is_integer():
        return fmt_people(x)
    return fmt_number(x, 4)


@register.filter
def shown(x, kind: str = "number") -> str:
    """
    >>> shown(0.75523, "ratio"), shown(2.03, "percent"), shown(18023.0, "people")
    ('75.52%', '2.03%', '18,023')
    """
    return fmt_cell(x, kind)
