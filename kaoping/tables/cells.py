"""Turning single spreadsheet cells into Python values: text, numbers, unit codes.

Cells arrive as python-calamine gives them (``str``, ``float``, ``int``, ``bool``, dates, and
``""`` for an empty cell) or, from CSV, always as ``str``. Users type numbers the way Excel
shows them, so text such as ``" 1,234.5 "``, full-width ``１２３４`` or a rate ``1.46%`` is
accepted; anything else is left for the caller to report with its place.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

# A plain decimal number, optionally with an exponent. Deliberately stricter than float():
# float() also takes "nan", "inf", "1_000" and "  1e5  ", none of which a user means.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Thousands separators only in their proper places: "1,234,567.8" yes, "1,2" no.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# Characters NFKC leaves alone but that users paste for a minus sign.
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


class NotANumber(ValueError):
    """A non-empty cell that does not hold a number."""


def is_empty(value: Any) -> bool:
    """True for a cell with nothing in it: None, ``""`` or only whitespace."""
    if value is None:
        return True
    return isinstance(value, str) and not value.strip()


def show(value: Any) -> str:
    """A cell value as the user would recognise it in a message.

    Floats print without binary noise (``0.30000000000000004`` shows as ``0.3``) and
    integral floats without ``.0``, as Excel shows them.

    Examples
    --------
    >>> show(101.0), show(0.1 + 0.2), show(" a "), show(None)
    ('101', '0.3', 'a', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.12g}"
    return str(value).strip()


def text_of(value: Any) -> str:
    """A text cell (a unit name, a header) as a stripped string."""
    return show(value)


def parse_number(value: Any, *, percent: bool = False) -> float:
    """The number in a cell.

    Parameters
    ----------
    value : object
        A non-empty cell (check :func:`is_empty` first).
    percent : bool
        Accept a trailing ``%`` (rate fields): ``"1.46%"`` is 1.46, the percent figure.

    Returns
    -------
    float
        Always finite.

    Raises
    ------
    NotANumber
        Text that is not a number, booleans, dates, NaN or infinity.

    Examples
    --------
    >>> parse_number(" 1,234.5 "), parse_number("１２"), parse_number("1.46%", percent=True)
    (1234.5, 12.0, 1.46)
    """
    # Fast path first: most XLSX cells are already floats.
    if type(value) is float or type(value) is int:
        number = float(value)
        if math.isfinite(number):
            return number
        raise NotANumber(value)
    if not isinstance(value, str):
        raise NotANumber(value)  # bool, dates, times: not amounts
    return _parse_number_text(value, percent)


def _parse_number_text(text: str, percent: bool) -> float:
    # Plain "1234.5", as most CSV cells are, skips the clean-up.
    cleaned = text if _NUMBER.fullmatch(text) else _clean_number_text(text, percent)
    if not _NUMBER.fullmatch(cleaned):
        raise NotANumber(text)
    number = float(cleaned)
    if not math.isfinite(number):  # "1e999", or 400 digits
        raise NotANumber(text)
    return number


def _clean_number_text(text: str, percent: bool) -> str:
    # NFKC turns full-width digits, "，", "．", "％" and the ideographic space into ASCII.
    cleaned = unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip()
    if percent and cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    if _GROUPED.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    return cleaned


def code_text(value: Any, number_format: str | None = None) -> str:
    """A unit code as text, keeping the leading zeros the user sees.

    Parameters
    ----------
    value : object
        The cell. Text is only stripped; a number (an XLSX cell typed as a number) is
        written without ``.0``.
    number_format : str, optional
        The cell's Excel number format. A format of zeros such as ``"000000"`` displays
        101 as ``000101``; the code is padded the same way.

    Examples
    --------
    >>> code_text(" 0101 "), code_text(101.0), code_text(101.0, "000000")
    ('0101', '101', '000101')
    """
    if isinstance(value, str):
        return value.strip()
    text = show(value)
    width = zero_pad_width(number_format)
    if width and text.isdigit():
        text = text.zfill(width)
    return text


def zero_pad_width(number_format: str | None) -> int:
    """Digits a zero-padding format such as ``000000`` shows; 0 for any other format.

    Only the positive section counts, and quoted or escaped literal text is ignored, so
    ``"0000;@"`` gives 4 and ``#,##0.00`` gives 0 (that is an amount format, not a code's).

    Examples
    --------
    >>> zero_pad_width("000000"), zero_pad_width("General"), zero_pad_width('"No."0000')
    (6, 0, 4)
    """
    if not number_format:
        return 0
    section = number_format.split(";", 1)[0]
    section = re.sub(r'"[^"]*"|\\.', "", section)
    return len(section) if section and set(section) == {"0"} else 0


def is_percent_format(number_format: str | None) -> bool:
    """True for an Excel format that shows a number as a percentage (``0.00%``).

    Such a cell stores 0.0146 and shows 1.46%; the value meant is 1.46.
    """
    if not number_format:
        return False
    section = number_format.split(";", 1)[0]
    return "%" in re.sub(r'"[^"]*"|\\.', "", section)
