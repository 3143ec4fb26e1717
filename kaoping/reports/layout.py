"""Column widths from the content, so office software never has to guess.

Word computes widths itself; WPS and LibreOffice follow what the file says, and a table
without widths there breaks names over 4–5 lines ("11010/5", "朝阳/区"). Each column gets
the width of its longest cell (a CJK character is one em, other characters half an em),
codes and numbers are never narrower than their content, and when the table is too wide
the columns of running text give way first, then the headers wrap.

Examples
--------
>>> from kaoping.reports.model import Table
>>> t = Table(columns=["排名", "单位编码", "单位名称", "总分"],
...           rows=[["1", "110105", "朝阳区", "84.12"], ["16", "110119", "石景山区", "70.19"]],
...           numeric=(0, 3))
>>> widths = column_widths_mm(t, usable_mm=156, font_pt=10)
>>> [round(w) for w in widths]
[28, 47, 47, 35]
>>> widths = column_widths_mm(t, usable_mm=60, font_pt=10)
>>> widths[1] >= text_width_mm("110105", 10) + 2 * CELL_PADDING_MM
True
"""

from __future__ import annotations

import unicodedata

from kaoping.reports.model import Table

PT_TO_MM = 25.4 / 72
CELL_PADDING_MM = 1.0  # left and right, each (the renderers use the same)
SLACK_MM = 1.5  # fonts substituted by WPS / LibreOffice run a little wider than estimated
SHORT_EM = 6.5  # cells up to this wide (in em) are kept on one line


def char_em(ch: str) -> float:
    """Width of a character in em: CJK and full-width forms 1, others about half."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


def text_width_mm(text: str, font_pt: float) -> float:
    return sum(char_em(ch) for ch in text) * font_pt * PT_TO_MM


def _min_wrap_width(text: str, font_pt: float) -> float:
    """The narrowest a cell can get when it may wrap: its longest unbreakable piece (a run
    of Latin letters and digits; a CJK text breaks between characters, so two of them)."""
    longest, current = 0.0, 0.0
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in ".,%+-−/:"):
            current += char_em(ch)
        else:
            longest = max(longest, current)
            current = 0.0
    longest = max(longest, current, 2.0 if any(char_em(c) == 1.0 for c in text) else 0.0)
    return longest * font_pt * PT_TO_MM


def column_widths_mm(table: Table, usable_mm: float, font_pt: float) -> list[float]:
    """Widths (mm) of the table's columns, summing to ``usable_mm``."""
    n = len(table.columns)
    pad = 2 * CELL_PADDING_MM + SLACK_MM
    natural, rigid, floor = [], [], []
    for j in range(n):
        cells = [row[j] for row in table.rows if j < len(row)]
        body = max((text_width_mm(c, font_pt) for c in cells), default=0.0)
        # Codes, numbers and short names (朝阳区, 石景山区, 上升 13 位) never wrap.
        no_wrap = j in table.numeric or all(sum(char_em(ch) for ch in c) <= SHORT_EM for c in cells)
        header_min = _min_wrap_width(table.columns[j], font_pt)
        header_full = text_width_mm(table.columns[j], font_pt)
        natural.append(max(body, header_full) + pad)
        if no_wrap:
            rigid.append(max(body, header_min) + pad)
        else:
            rigid.append(
                max(header_min, max((_min_wrap_width(c, font_pt) for c in cells), default=0.0))
                + pad
            )
        floor.append(rigid[-1])
        if not no_wrap:
            # Running text prefers at least five characters a line.
            floor[-1] = max(rigid[-1], min(natural[-1], 5 * font_pt * PT_TO_MM + pad))
    total = sum(natural)
    if total <= usable_mm:  # everything fits: share the spare room in proportion
        return [w * usable_mm / total for w in natural] if total else [usable_mm / n] * n
    # Too wide: keep the floors, share what is left by how much each column wants beyond it.
    for lows in (floor, rigid):
        spare = usable_mm - sum(lows)
        if spare >= 0:
            wants = [max(nat - low, 0.0) for nat, low in zip(natural, lows, strict=True)]
            total_wants = sum(wants) or 1.0
            return [low + spare * want / total_wants for low, want in zip(lows, wants, strict=True)]
    # Even the rigid widths do not fit: scale them (the font should be smaller).
    scale = usable_mm / sum(rigid)
    return [w * scale for w in rigid]
