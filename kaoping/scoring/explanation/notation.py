"""How numbers are written inside a derivation: formulas with their cells substituted,
operands with real minus signs, raw cells exactly as stored."""

from __future__ import annotations

import math
import re

from kaoping.scoring.i18n import DEFAULT_LANGUAGE, pgettext

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FUNCTIONS = {"sum", "min", "max", "abs"}


def substitute(formula: str, values: dict[str, float | None], lang: str = DEFAULT_LANGUAGE) -> str:
    """The formula with each field name replaced by its value, for re-checking by hand.

    Negative numbers get a real minus sign and parentheses, and subtraction a real minus
    sign, so that signs and operators cannot be confused.

    Examples
    --------
    >>> substitute("a / (a + b)", {"a": 1200.0, "b": 800.0})
    '1200 / (1200 + 800)'
    >>> substitute("(a - b) / b * -1", {"a": -5.0, "b": 20.0})
    '((−5) − 20) / 20 * (−1)'
    >>> substitute("a + b", {"a": None, "b": 1.0}), substitute("a + b", {"a": None, "b": 1.0}, "en")
    ('空 + 1', 'empty + 1')
    """

    empty = pgettext("an empty cell in a formula", "empty", lang)

    def repl(match: re.Match[str]) -> str:
        name = match.group(0)
        if name in FUNCTIONS or name not in values:
            return name
        value = values[name]  # a raw cell: exactly as stored, never in exponent form
        return empty if value is None else operand(value, exact=True)

    text = NAME.sub(repl, formula)
    text = UNARY_NUMBER.sub(
        lambda m: f"{m.group(1)}(−{m.group(2)})" if m.group(1) else f"−{m.group(2)}", text
    )
    return re.sub(r"(?<=\S) - (?=\S)", " − ", text)


# A minus sign written before a number right after an operator, "(" or "," (or at the start).
UNARY_NUMBER = re.compile(r"(^|[-+*/(,]\s*)-\s*(\d+(?:\.\d+)?)")


def operand(x: float | None, first: bool = False, *, exact: bool = False) -> str:
    """A number inside a formula: a real minus sign, in parentheses when negative unless it
    opens the expression.

    Examples
    --------
    >>> operand(-1.58, first=True), operand(-1.59312), operand(2.5)
    ('−1.58', '(−1.59312)', '2.5')
    """
    text = _exact_plain(x) if exact else fmt(x)
    if not text.startswith("-"):
        return text
    text = "−" + text[1:]
    return text if first else f"({text})"


def signed(x: float | None) -> str:
    """A number standing alone (after "="), with a real minus sign."""
    text = fmt(x)
    return "−" + text[1:] if text.startswith("-") else text


def _exact_plain(x: float | None) -> str:
    """A raw cell inside a formula: exact, no separators (commas would read as arguments)."""
    return exact(x).replace(",", "").replace("−", "-")


def exact(x: float | None) -> str:
    """A base-data cell exactly as stored (the shortest form that reads back to the same
    number), with thousands separators and never in exponent form: 4,213,560.5.

    Examples
    --------
    >>> exact(4213560.5), exact(12277.8), exact(2.0), exact(-0.0345), exact(None)
    ('4,213,560.5', '12,277.8', '2', '−0.0345', '—')
    """
    if x is None or not math.isfinite(float(x)):
        return "—"
    value = float(x)
    text = f"{int(value):,d}" if value.is_integer() and abs(value) < 1e15 else f"{value:,}"
    if "e" in text:  # beyond what a cell holds: the full decimal expansion instead
        text = f"{value:,.15f}".rstrip("0").rstrip(".")
    return "−" + text[1:] if text.startswith("-") else text


def fmt(x: float | None, digits: int = 6) -> str:
    """A number as people write it: no trailing zeros, up to ``digits`` significant places."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.{digits}g}"
    return text


def pct(x: float) -> str:
    return fmt(round(x * 100, 6)) + "%"
