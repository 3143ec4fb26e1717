"""A command's rows as a terminal table, CSV, JSON or an Excel sheet.

The terminal table lines up Chinese text (two columns per character); CSV cells are guarded
against formula injection (:func:`kaoping.reports.safe.safe_text`); JSON keeps numbers
unrounded. :func:`write_rows` writes one result in whichever of these the user asked for.
"""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from kaoping.cli.delivery import OutputFormat, deliver
from kaoping.reports.safe import safe_text
from kaoping.scoring.i18n import pgettext
from kaoping.tables.assessment import write_rows_xlsx


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two.

    Examples
    --------
    >>> display_width("总分 12")
    7
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_table(headers: Mapping[str, str], rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows (dictionaries by key) under ``headers`` (key -> title), columns aligned; numbers
    to the right."""
    keys = list(headers)
    widths = {
        k: max([display_width(headers[k])] + [display_width(str(r.get(k, ""))) for r in rows])
        for k in keys
    }

    def line(values: Mapping[str, Any]) -> str:
        cells = []
        for k in keys:
            text = str(values.get(k, ""))
            pad = " " * (widths[k] - display_width(text))
            numeric = text.replace(".", "").replace("-", "").replace("+", "").isdigit()
            cells.append(pad + text if numeric else text + pad)
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * widths[k] for k in keys)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def yes_no(value: bool, lang: str) -> str:
    """是 / 否 (yes / no), as a cell of a table."""
    return pgettext("cli cell", "yes", lang) if value else pgettext("cli cell", "no", lang)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]], lang: str) -> str:
    """Rows as CSV text (no final line break): booleans as yes / no, empty for None."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                "" if v is None else yes_no(v, lang) if isinstance(v, bool) else safe_text(v)
                for v in row
            ]
        )
    return buffer.getvalue().rstrip("\n")


def table_cell(value: Any, lang: str) -> str:
    """A value as a terminal table shows it: two decimals, — for none, yes or blank."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(True, lang) if value else ""
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.2f}"
    return str(value)


def json_default(value: Any) -> Any:
    """JSON for what :mod:`json` does not know: decimals as text, numpy numbers as numbers."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return str(value)


def write_rows(
    fmt: OutputFormat,
    out: Path | None,
    lang: str,
    headers: list[str],
    rows: list[list[Any]],
    document: Any,
    title: str = "",
    sheet: str = "",
    totals: Sequence[str] = (),
) -> None:
    """Write rows as a table, CSV or XLSX (on the sheet named ``sheet``, with a total row
    for the columns ``totals``), or ``document`` as JSON."""

    def table() -> str:
        shown = [
            {h: table_cell(v, lang) for h, v in zip(headers, row, strict=True)} for row in rows
        ]
        return (title + "\n" if title else "") + render_table({h: h for h in headers}, shown)

    texts: dict[OutputFormat, Callable[[], str]] = {
        OutputFormat.json: lambda: json.dumps(
            document, ensure_ascii=False, indent=2, default=json_default
        ),
        OutputFormat.csv: lambda: csv_text(headers, rows, lang),
        OutputFormat.table: table,
    }
    deliver(
        lang,
        fmt,
        out,
        texts=texts,
        xlsx=lambda p: write_rows_xlsx(
            p, {sheet: (headers, rows)}, title=title, totals=totals, lang=lang
        ),
    )
