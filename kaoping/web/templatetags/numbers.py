"""Template filters for numbers: the one set of formatters of every door
(:mod:`kaoping.scoring.display`), so a page writes a number as the documents do.

``{{ x|score }}`` a score or total: 83.63. ``{{ x|signed }}`` a change of score: +2.40.
``{{ x|ratio }}`` a fraction as a percentage: 0.7552 → 75.52% (weights, shares, rates).
``{{ x|percent }}`` a value already in percent: 2.03 → 2.03%.
``{{ x|points }}`` a difference of two rates already in percent: 0.44 个百分点.
``{{ x|wan }}`` money in 万元: 12,277.80万元. ``{{ x|yuan }}`` money in 元: 111,111.00元.
``{{ x|people }}`` a count: 3,980. ``{{ x|year }}`` a year: 2024. ``{{ x|number }}`` 1.23.
``{{ x|shown:kind }}`` a value of a display kind as a table cell writes it.
``{{ x|field:spec }}`` a base-data value by its field (the scheme's type and unit).
``{{ x|amount }}`` a base-data number as typed (integers with separators, else exact).
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, gettext

from kaoping.scoring import display
from kaoping.scoring.explanation import exact

register = template.Library()


def _lang() -> str:
    """The page's language for the formatters that write words (个百分点, 万元)."""
    return get_language() or "zh-hans"


@register.filter
def score(x) -> str:
    """
    >>> score(83.6251), score(None)
    ('83.63', '—')
    """
    return display.fmt_score(x)


@register.filter
def signed(x) -> str:
    """
    >>> signed(2.4), signed(-0.061)
    ('+2.40', '-0.06')
    """
    return display.fmt_signed(x)


@register.filter
def ratio(x) -> str:
    """
    >>> ratio(0.75523), ratio(0.4)
    ('75.52%', '40.00%')
    """
    return display.fmt_ratio(x)


@register.filter
def percent(x) -> str:
    """
    >>> percent(2.03)
    '2.03%'
    """
    return display.fmt_percent(x)


@register.filter
def points(x) -> str:
    """
    >>> points(0.4412)
    '0.44 个百分点'
    """
    return display.fmt_points(x, lang=_lang())


@register.filter
def wan(x) -> str:
    """
    >>> wan(12277.8), wan(3980)
    ('12,277.80万元', '3,980.00万元')
    """
    return display.fmt_amount(x, lang=_lang())


@register.filter
def yuan(x) -> str:
    """
    >>> yuan(111111), yuan("88889")
    ('111,111.00元', '88,889.00元')
    """
    if display.is_missing(x):
        return display.DASH
    return gettext("%(value)s yuan") % {"value": display.fmt_number(x)}


@register.filter
def people(x) -> str:
    """
    >>> people(12345.0)
    '12,345'
    """
    return display.fmt_people(x)


@register.filter
def year(x) -> str:
    """
    >>> year(2024)
    '2024'
    """
    return display.fmt_year(x)


@register.filter
def number(x) -> str:
    """
    >>> number(1.234), number(1.5)
    ('1.23', '1.50')
    """
    return display.fmt_number(x)


@register.filter
def shown(x, kind: str = "number") -> str:
    """
    >>> shown(0.75523, "ratio"), shown(2.03, "percent"), shown(18023.0, "people")
    ('75.52%', '2.03%', '18,023')
    """
    return display.fmt_cell(x, kind)


@register.filter
def field(x, spec) -> str:
    """A base-data value by its field: amounts in 万元 with 2 decimals, people as integers.
    Without a known field, the number as typed."""
    if spec is None or display.is_missing(x):
        return amount(x)
    return display.field_value(spec, x)


@register.filter
def amount(x) -> str:
    """
    >>> amount(18023.0), amount(None), amount(1234.5), amount(0.0345)
    ('18,023', '—', '1,234.5', '0.0345')
    """
    if display.is_missing(x):
        return display.DASH
    return exact(float(x)).replace("−", "-")


# --- one indicator of an explanation (kaoping.scoring.explanation.IndicatorStep as a dict) --


def _natural(item, x):
    """The quantity people speak of: the rate itself for the notice's "rate × −1"."""
    if display.is_missing(x):
        return None
    return -float(x) if item.get("negated") else float(x)


@register.filter
def indicator_value(item) -> str:
    """The indicator's value as documents write it: {"value": 0.7552, "display": "ratio"}
    → 75.52%."""
    return display.fmt_cell(_natural(item, item.get("value")), item.get("display", "number"))


@register.filter
def indicator_mean(item) -> str:
    """The mean of the applicable units, in the indicator's own kind."""
    mean = (item.get("stats") or {}).get("mean")
    return display.fmt_cell(_natural(item, mean), item.get("display", "number"))


@register.filter
def indicator_spread(item) -> str:
    """The standard deviation, a difference: 个百分点 for rates, the kind's own unit else.

    >>> indicator_spread({"stats": {"sd": 0.084241}, "display": "ratio"})
    '8.42 个百分点'
    """
    sd = (item.get("stats") or {}).get("sd")
    kind = item.get("display", "number")
    if kind in ("ratio", "percent"):
        return display.fmt_difference(sd, kind, lang=_lang())
    return display.fmt_cell(sd, "number" if kind == "people" else kind)


# --- a target of a responsibility letter (目标责任书) -----------------------------------------


@register.filter
def target_number(x, target) -> str:
    """A target's value, plan or progress: a level target is a rate in percent (3.50%), any
    other a count (22,500 people; decimals kept when the target has them).

    >>> class T: level = False
    >>> target_number(22500.0, T()), target_number(None, T())
    ('22,500', '—')
    """
    if display.is_missing(x):
        return display.DASH
    if getattr(target, "level", False):
        return display.fmt_percent(x)
    return display.fmt_people(x) if float(x).is_integer() else display.fmt_number(x)


@register.filter
def target_plan(target) -> str:
    """The quarterly plan: 4,500 / 6,750 / 5,625 / 5,625."""
    return " / ".join(target_number(x, target) for x in target.plan or ())
