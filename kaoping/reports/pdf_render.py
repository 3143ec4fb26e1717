"""PDF rendering of a :class:`ReportDocument`: HTML (every text escaped) printed by WeasyPrint.

The same HTML can be shown in the web application (:func:`render_html`). Pages are A4 with
page numbers in the bottom margin box; the contents page gets its page numbers from CSS
``target-counter``. The style sheet is package data (``report.css``).
"""

from __future__ import annotations

import base64
import html
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO

from kaoping.reports.layout import column_widths_mm
from kaoping.reports.model import (
    Chart,
    Paragraph,
    ReportDocument,
    Section,
    Table,
    cover_lines,
    title_lines,
)


@lru_cache(maxsize=4)
def stylesheet(name: str = "report.css") -> str:
    return (resources.files("kaoping.reports") / name).read_text(encoding="utf-8")


def render_html(doc: ReportDocument, *, standalone: bool = True) -> str:
    """The report as HTML; user-provided text is escaped everywhere."""
    e = html.escape
    parts = [f'<div class="doc-title">{e(doc.title)}</div>']
    if doc.draft_banner:
        parts.append(f'<div class="draft-banner">{e(doc.draft_banner)}</div>')
    if doc.cover:
        parts.append(_cover(doc))
    parts.append(_toc(doc))
    if doc.signature:
        parts.append(_team(doc))
    parts += [_section(s) for s in doc.sections]
    if doc.signature:
        parts.append(_closing(doc))
    body = "\n".join(parts)
    if not standalone:
        return body
    lang = "en" if doc.lang == "en" else "zh-CN"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{e(doc.title)}</title><style>{stylesheet()}</style></head>"
        f"<body>{body}</body></html>"
    )


def render_pdf(doc: ReportDocument, path: str | Path | IO[bytes]) -> None:
    """Write ``doc`` as a PDF file (path or binary buffer)."""
    from weasyprint import HTML  # imported late: it takes a second to load

    HTML(string=render_html(doc)).write_pdf(path)


def pdf_bytes(doc: ReportDocument) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(doc)).write_pdf()


def _cover(doc: ReportDocument) -> str:
    e = html.escape
    cover = doc.cover
    assert cover is not None
    sep = ": " if doc.lang == "en" else "："
    items = "".join(f"<dt>{e(k)}{sep}</dt><dd>{e(v)}</dd>" for k, v in cover_lines(doc))
    subtitle = f'<div class="subtitle">{e(cover.subtitle)}</div>' if cover.subtitle else ""
    number = f'<div class="report-number">{e(cover.number)}</div>' if cover.number else ""
    title = "<br>".join(e(line) for line in title_lines(cover.title))
    return f'<div class="cover">{number}<h1>{title}</h1>{subtitle}<dl>{items}</dl></div>'


def _team(doc: ReportDocument) -> str:
    """The team page: who evaluated, in what role, and the independence statement."""
    e = html.escape
    sig = doc.signature
    assert sig is not None
    en = doc.lang == "en"
    rows = "".join(f"<tr><td>{e(name)}</td><td>{e(role)}</td></tr>" for name, role in sig.team)
    if not rows:  # an empty form the agency fills in by hand
        rows = "<tr><td>&nbsp;</td><td></td></tr>" * 4
    head = "<th>Name</th><th>Role</th>" if en else "<th>姓名</th><th>职责</th>"
    return (
        f'<div class="team"><h2>{e(sig.team_title)}</h2>'
        f'<table class="team-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        f'<p class="statement">{e(sig.statement)}</p></div>'
    )


def _closing(doc: ReportDocument) -> str:
    """The 落款: 评价机构（盖章） and the date, right-aligned after the last part."""
    e = html.escape
    sig = doc.signature
    assert sig is not None
    sep = ": " if doc.lang == "en" else "："
    return (
        f'<div class="closing"><div>{e(sig.seal_label)}{sep}{e(sig.issuer)}</div>'
        f"<div>{e(sig.date)}</div></div>"
    )


def _anchor(section: Section) -> str:
    return "s-" + "".join(ch if ch.isalnum() else "-" for ch in section.key)


def _toc(doc: ReportDocument) -> str:
    e = html.escape
    items = []
    for section in doc.walk():
        if section.level <= 2:
            items.append(
                f'<li class="level-{section.level}"><a href="#{_anchor(section)}">'
                f"{e(section.title)}</a></li>"
            )
    return f'<nav class="toc"><h2>{e(doc.toc_title)}</h2><ul>{"".join(items)}</ul></nav>'


def _section(section: Section) -> str:
    e = html.escape
    tag = "h2" if section.level == 1 else "h3"
    parts = [
        f'<section class="level-{section.level}">',
        f'<{tag} id="{_anchor(section)}">{e(section.title)}</{tag}>',
    ]
    for block in section.blocks:
        if isinstance(block, Paragraph):
            note = f'<span class="note">{e(block.note)}</span>' if block.note else ""
            cls = ' class="draft"' if block.draft else ""
            parts.append(f"<p{cls}>{e(block.text)}{note}</p>")
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Chart):
            parts.append(_chart(block))
    parts += [_section(sub) for sub in section.subsections]
    parts.append("</section>")
    return "\n".join(parts)


def _table(block: Table) -> str:
    e = html.escape
    # The builder's relative widths, else widths from the content (codes never wrap).
    widths = list(block.widths[: len(block.columns)]) or column_widths_mm(block, 160, 10)
    total = sum(widths)
    cols = (
        "<colgroup>"
        + "".join(f'<col style="width:{w / total * 100:.1f}%">' for w in widths)
        + "</colgroup>"
    )
    head = "".join(f"<th>{e(c)}</th>" for c in block.columns)
    rows = []
    for row in block.rows:
        cells = "".join(
            f'<td class="num">{e(v)}</td>' if i in block.numeric else f"<td>{e(v)}</td>"
            for i, v in enumerate(row)
        )
        rows.append(f"<tr>{cells}</tr>")
    caption = f'<div class="caption">{e(block.caption)}</div>' if block.caption else ""
    note = f'<p class="table-note">{e(block.note)}</p>' if block.note else ""
    return (
        f'<div class="table-block">{caption}<table>{cols}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{note}</div>"
    )


def _chart(block: Chart) -> str:
    data = base64.b64encode(block.png).decode("ascii")
    width = f"{block.width_cm:.1f}cm"
    return (
        f'<figure><img src="data:image/png;base64,{data}" style="width:{width}" '
        f'alt="{html.escape(block.caption)}"><figcaption>{html.escape(block.caption)}'
        "</figcaption></figure>"
    )
