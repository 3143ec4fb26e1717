"""Charts drawn as inline SVG on the server: fast (no matplotlib per request), no JS, no CDN.

Each function returns SVG markup (a ``str``) that pages mark safe. All text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

NAVY, LIGHT, RED, GRID = "#1f4e79", "#9db7d5", "#b3261e", "#dde3ea"
FONT = 'font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"'


def _svg(width: int, height: int, name: str) -> str:
    """The opening tag: an image whose accessible name (and tooltip) says what it shows."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(name)}" {FONT} font-size="12"><title>{escape(name)}</title>'
    )


def _named(title: str, items: Sequence[str]) -> str:
    return f"{title}: {'; '.join(items)}" if title else "; ".join(items)


def ranking_bars(
    rows: Sequence[tuple[str, float | None]],
    highlight: str | None = None,
    limit: int = 40,
    title: str = "",
) -> str:
    """Horizontal bars of totals in rank order; ``highlight`` names a unit drawn in red.

    Examples
    --------
    >>> svg = ranking_bars([("甲", 90.0), ("乙", 80.0)], highlight="乙", title="总分")
    >>> svg.startswith("<svg") and "#b3261e" in svg and 'aria-label="总分: 甲 90.00; 乙 80.00"' in svg
    True
    """
    rows = [(n, t) for n, t in rows if t is not None][:limit]
    if not rows:
        return ""
    bar, gap, left, width = 18, 6, 120, 560
    top = max(t for _n, t in rows)
    scale = (width - left - 50) / (top or 1)
    height = len(rows) * (bar + gap) + 10
    parts = [_svg(width, height, _named(title, [f"{n} {t:.2f}" for n, t in rows]))]
    for i, (name, total) in enumerate(rows):
        y = 5 + i * (bar + gap)
        colour = RED if name == highlight else NAVY
        parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(name)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(total * scale, 1):.1f}" height="{bar}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{left + total * scale + 4:.1f}" y="{y + 13}">{total:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def radar(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    maximum: float = 100,
    title: str = "",
) -> str:
    """A radar (spider) chart of group scores; first series filled, the others outlined.

    >>> "polygon" in radar(["A", "B", "C"], [("本单位", [80, 90, 70]), ("平均", [75, 75, 75])])
    True
    """
    n = len(labels)
    if n < 3:
        return ""
    width, size, cx, cy, r = 480, 360, 240, 170, 115

    def point(i, value):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        k = (value or 0) / maximum * r
        return cx + k * math.cos(angle), cy + k * math.sin(angle)

    described = [
        f"{name} "
        + ", ".join(
            f"{lab} {'—' if v is None else f'{v:.2f}'}"
            for lab, v in zip(labels, values, strict=False)
        )
        for name, values in series
    ]
    parts = [_svg(width, size, _named(title, described))]
    for level in (0.25, 0.5, 0.75, 1.0):
        ring = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, maximum * level) for i in range(n))
        )
        parts.append(f'<polygon points="{ring}" fill="none" stroke="{GRID}"/>')
    for i, label in enumerate(labels):
        x, y = point(i, maximum * 1.18)
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(label)}</text>')
    styles = [(NAVY, 0.25), (RED, 0.0), (LIGHT, 0.0)]
    for k, (name, values) in enumerate(series):
        colour, fill = styles[k % len(styles)]
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))
        parts.append(
            f'<polygon points="{pts}" fill="{colour}" fill-opacity="{fill}" stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(
            f'<rect x="10" y="{size - 20 - 16 * k}" width="10" height="10" fill="{colour}"/>'
            f'<text x="26" y="{size - 11 - 16 * k}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend(series: Sequence[tuple[str, Sequence[tuple[str, float | None]]]], title: str = "") -> str:
    """Totals over the years, one line per evaluation (scheme), each year labelled once.

    A unit evaluated twice in one year under two schemes (e.g. the fund evaluation and the
    Beijing assessment) gets two lines, never one line with the same year twice.

    >>> svg = trend([("资金绩效评价", [("2023", 80.0), ("2024", 85.5)]),
    ...              ("北京考核", [("2024", 90.0)])], title="总分")
    >>> svg.count("<circle"), svg.count("<polyline"), svg.count(">2024</text>")
    (3, 2, 1)
    """
    series = [(name, [(y, v) for y, v in points if v is not None]) for name, points in series]
    series = [(name, points) for name, points in series if points]
    if not series:
        return ""
    years = sorted({y for _n, points in series for y, _v in points})
    values = [v for _n, points in series for _y, v in points]
    width, height, left, bottom = 420, 220 + 16 * len(series), 40, 30 + 16 * len(series)
    lo, hi = min(values), max(values)
    lo, hi = (
        math.floor(lo / 10) * 10 - (10 if lo == hi else 0),
        math.ceil(hi / 10) * 10 + (10 if lo == hi else 0),
    )
    step = (width - left - 30) / max(len(years) - 1, 1)

    def xy(year, v):
        return left + 15 + years.index(year) * step, height - bottom - (v - lo) / (
            (hi - lo) or 1
        ) * (height - bottom - 20)

    described = [
        f"{name} " + ", ".join(f"{y} {v:.2f}" for y, v in points) for name, points in series
    ]
    parts = [_svg(width, height, _named(title, described))]
    for value in (lo, (lo + hi) / 2, hi):
        _x, y = xy(years[0], value)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>'
        )
    for year in years:
        x, _y = xy(year, lo)
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{escape(year)}</text>'
        )
    colours = [NAVY, RED, LIGHT, "#2e7d32"]
    for k, (name, points) in enumerate(series):
        colour = colours[k % len(colours)]
        coords = [xy(y, v) for y, v in points]
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{line}"/>')
        for (_year, value), (x, y) in zip(points, coords, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
                f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{value:.2f}</text>'
            )
        legend_y = height - 14 * (len(series) - k)
        parts.append(
            f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + 16}" y="{legend_y}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
