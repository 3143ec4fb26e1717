"""Charts of evaluation results, as PNG and SVG bytes (matplotlib, Agg, no pyplot).

The reports embed the PNG; the web application serves the SVG. Labels are Chinese by
default: the font list puts Noto Sans CJK SC first (WenQuanYi Micro Hei, then DejaVu Sans
as fallbacks), and :func:`configure_fonts` rebuilds matplotlib's cached font list when it
predates the installation of the CJK fonts, so no character is drawn as a box.

Examples
--------
>>> from kaoping.scoring import BaseData, evaluate, load_scheme
>>> scheme = load_scheme("mof-2012")
>>> rows = [dict(unit_code=str(i), unit_name=f"单位{i}", **{f.key: i + 1 for f in scheme.input_fields})
...         for i in (1, 2, 3)]
>>> result = evaluate(scheme, BaseData.from_records(rows))
>>> image = ranking_chart(result)
>>> image.png[:4], image.svg[:5]
(b'\\x89PNG', b'<?xml')
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import font_manager, rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kaoping.scoring.evaluation import EvaluationResult

FONT_FAMILIES = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans"]
CJK_FAMILIES = FONT_FAMILIES[:2]
DPI = 160
CM = 1 / 2.54
GRADE_COLOURS = ("#2e7d32", "#1565c0", "#ef8f00", "#c62828", "#6d4c41", "#546e7a")
MAIN = "#1f4e79"
LIGHT = "#9db7d5"
ACCENT = "#c0392b"
GREY = "#7f7f7f"
MAX_BARS = 40

_configured: str | None = None


@dataclass(frozen=True)
class ChartImage:
    """A rendered chart: PNG (for documents) and SVG (for web pages) with its title."""

    title: str
    png: bytes
    svg: bytes | None = None


def configure_fonts() -> str | None:
    """Make matplotlib draw Chinese: set the font list and find a CJK font file.

    matplotlib caches the fonts it knows (``~/.cache/matplotlib/fontlist-*.json``); when the
    CJK fonts were installed after that cache was written it does not see them. Then the
    font manager is rebuilt from the system's fonts (which also rewrites the cache).

    Returns
    -------
    str or None
        The file of the CJK font in use, None when none is installed (labels would then show
        boxes; ``fonts-noto-cjk`` must be installed).
    """
    global _configured
    if _configured is not None:
        return _configured
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = FONT_FAMILIES + [
        f for f in rcParams["font.sans-serif"] if f not in FONT_FAMILIES
    ]
    rcParams["axes.unicode_minus"] = False  # ASCII hyphen: present in every font
    rcParams["svg.fonttype"] = "path"  # SVG text as outlines: no font needed by the browser
    found = _find_cjk_font()
    if found is None:
        _rebuild_font_manager()
        found = _find_cjk_font()
    _configured = found
    return found


def cjk_font_file() -> str | None:
    """The file matplotlib uses for Chinese text (after :func:`configure_fonts`)."""
    return configure_fonts()


def _find_cjk_font() -> str | None:
    for family in CJK_FAMILIES:
        try:
            return font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
    return None


def _rebuild_font_manager() -> None:
    # try_read_cache=False rescans the system fonts and writes a fresh cache file.
    manager = font_manager._load_fontmanager(try_read_cache=False)
    font_manager.fontManager = manager
    font_manager.findfont = manager.findfont
    font_manager.get_font_names = manager.get_font_names


# --- the charts --------------------------------------------------------------------------


# --- rendered charts are kept ----------------------------------------------------------
# A chart is a pure function of its results and options; drawing one costs 0.05–0.15 s of
# CPU. A unit's charts are asked for again by each format (PDF, Word) and by each download
# of the same run, so the last rendered charts are kept, keyed by what they show.
CACHED_CHARTS = 96
_charts: OrderedDict[tuple, ChartImage] = OrderedDict()
_charts_lock = threading.Lock()


def _fingerprint(x: Any) -> Any:
    """What a chart argument contributes to the key: a result by its scheme and numbers."""
    if isinstance(x, EvaluationResult):
        digest = hashlib.sha256()
        for array in (x.totals, x.values, x.scores, x.ranks):
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update("\0".join(f"{u.code}\1{u.name}\1{u.year}" for u in x.data.units).encode())
        return ("result", x.scheme.sha256, digest.hexdigest())
    if isinstance(x, list | tuple):
        return tuple(_fingerprint(item) for item in x)
    return x


def kept(chart: Callable[..., ChartImage]) -> Callable[..., ChartImage]:
    """Keep ``chart``'s images: the same arguments give the same image without drawing."""

    @functools.wraps(chart)
    def cached(*args: Any, **kwargs: Any) -> ChartImage:
        key = (chart.__name__, _fingerprint(args), _fingerprint(tuple(sorted(kwargs.items()))))
        with _charts_lock:
            if key in _charts:
                _charts.move_to_end(key)
                return _charts[key]
        image = chart(*args, **kwargs)
        with _charts_lock:
            _charts[key] = image
            while len(_charts) > CACHED_CHARTS:
                _charts.popitem(last=False)
        return image

    return cached


@kept
def ranking_chart(
    result: EvaluationResult,
    *,
    lang: str = "zh",
    highlight: str | None = None,
    limit: int = MAX_BARS,
    formats: Sequence[str] = ("png", "svg"),
) -> ChartImage:
    """Horizontal bars of the totals in rank order, the average as a dashed line.

    ``highlight`` (a unit code) draws that unit's bar in the accent colour; with more than
    ``limit`` units only the first ``limit`` are drawn.
    """
    configure_fonts()
    order = [u for u in result.order() if result.ranks[u] > 0][:limit]
    names = [result.data.units[u].name for u in order]
    totals = np.array([result.totals[u] for u in order], dtype=float)
    height = max(6.0, 0.55 * len(order) + 2.0) * CM
    fig = Figure(figsize=(16 * CM, height))
    ax = fig.add_subplot()
    colours = [
        ACCENT if highlight and result.data.units[u].code == highlight else MAIN for u in order
    ]
    if highlight:
        colours = [c if c == ACCENT else LIGHT for c in colours]
    y = np.arange(len(order))
    ax.barh(y, totals, color=colours, height=0.7)
    ax.set_yticks(y, [f"{int(result.ranks[u])}. {n}" for u, n in zip(order, names, strict=True)])
    ax.invert_yaxis()
    low = _axis_floor(totals)
    ax.set_xlim(low, min(100.0, max(totals.max(initial=0) + 6, low + 10)) if len(totals) else 100)
    for yi, total in zip(y, totals, strict=True):
        ax.text(total + 0.2, yi, f"{total:.2f}", va="center", fontsize=7)
    mean = float(np.nanmean(result.totals)) if np.isfinite(result.totals).any() else math.nan
    if not math.isnan(mean):
        ax.axvline(
            mean,
            color=GREY,
            linestyle="--",
            linewidth=1,
            label=_t(lang, "参评单位平均 {v:.2f}", "average {v:.2f}", v=mean),
        )
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_xlabel(_t(lang, "总分", "Total"))
    _tidy(ax)
    title = _t(lang, "综合得分排名", "Ranking by total")
    return _render(fig, title, formats)


@kept
def radar_chart(
    result: EvaluationResult,
    unit_code: str,
    *,
    lang: str = "zh",
    formats: Sequence[str] = ("png", "svg"),
) -> ChartImage:
    """A unit's group scores (一级指标得分) against the average of all units."""
    configure_fonts()
    u = result.index(unit_code)
    codes = list(result.group_scores)
    top = [c for c in codes if result.scheme.group(c).parent is None] or codes
    labels = [_wrap(f"{c} {result.scheme.group(c).name_for(lang)}", lang) for c in top]
    own = np.array([result.group_scores[c][u] for c in top], dtype=float)
    mean = np.array([np.nanmean(result.group_scores[c]) for c in top], dtype=float)
    fig = Figure(figsize=(14 * CM, 11 * CM))
    ax = fig.add_subplot(projection="polar")
    angles = np.linspace(0, 2 * np.pi, len(top), endpoint=False)
    closed = np.concatenate([angles, angles[:1]])
    low = _axis_floor(np.concatenate([own, mean]))
    for values, colour, name in (
        (mean, GREY, _t(lang, "参评单位平均", "average")),
        (own, ACCENT, result.data.units[u].name),
    ):
        shown = np.where(np.isnan(values), low, values)
        ring = np.concatenate([shown, shown[:1]])
        ax.plot(closed, ring, color=colour, linewidth=1.6, label=name)
        ax.fill(closed, ring, color=colour, alpha=0.12)
    ax.set_xticks(angles, labels, fontsize=8)
    ax.tick_params(axis="x", pad=22)  # labels clear of the outer ring
    ax.set_rlabel_position(360 / len(top) / 2)  # radial numbers between two axes
    ax.set_ylim(low, 100)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(loc="upper right", bbox_to_anchor=(1.35, 1.12), fontsize=8, frameon=False)
    title = _t(
        lang,
        "{name}一级指标得分与平均水平",
        "{name}: group scores against the average",
        name=result.data.units[u].name,
    )
    return _render(fig, title, formats)


@kept
def trend_chart(
    results: Sequence[EvaluationResult],
    *,
    unit_code: str | None = None,
    lang: str = "zh",
    formats: Sequence[str] = ("png", "svg"),
) -> ChartImage:
    """Totals over the rounds given (in time order): a unit's line and the average, or,
    without ``unit_code``, the average with the range from lowest to highest total."""
    configure_fonts()
    labels = [_round_label(r, i, lang) for i, r in enumerate(results)]
    x = np.arange(len(results))
    means = np.array([np.nanmean(r.totals) for r in results], dtype=float)
    fig = Figure(figsize=(16 * CM, 8 * CM))
    ax = fig.add_subplot()
    if unit_code is None:
        lows = np.array([np.nanmin(r.totals) for r in results], dtype=float)
        highs = np.array([np.nanmax(r.totals) for r in results], dtype=float)
        ax.fill_between(
            x,
            lows,
            highs,
            color=LIGHT,
            alpha=0.5,
            label=_t(lang, "最低～最高", "lowest to highest"),
        )
        values = np.concatenate([lows, highs])
        title = _t(lang, "各年度总分变化", "Totals by year")
    else:
        own = np.array([_total_of(r, unit_code) for r in results], dtype=float)
        name = _name_of(results, unit_code)
        ax.plot(x, own, marker="o", color=ACCENT, linewidth=2, label=name)
        for xi, v in zip(x, own, strict=True):
            if not math.isnan(v):
                ax.annotate(
                    f"{v:.2f}",
                    (xi, v),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=7,
                    color=ACCENT,
                )
        values = own
        title = _t(lang, "{name}历年总分", "{name}: totals by year", name=name)
    ax.plot(
        x,
        means,
        marker="s",
        color=GREY,
        linestyle="--",
        linewidth=1.2,
        label=_t(lang, "参评单位平均", "average"),
    )
    ax.set_xticks(x, labels)
    finite = np.concatenate([values, means])
    finite = finite[np.isfinite(finite)]
    if finite.size:
        ax.set_ylim(_axis_floor(finite), min(100.0, finite.max() + 5))
    ax.set_xlim(-0.5, len(results) - 0.5)
    ax.set_ylabel(_t(lang, "总分", "Total"))
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    _tidy(ax)
    return _render(fig, title, formats)


@kept
def distribution_chart(
    result: EvaluationResult,
    *,
    lang: str = "zh",
    formats: Sequence[str] = ("png", "svg"),
) -> ChartImage:
    """Histogram of the totals, with the grade boundaries (等级分界) marked."""
    configure_fonts()
    totals = result.totals[np.isfinite(result.totals)]
    fig = Figure(figsize=(16 * CM, 8 * CM))
    ax = fig.add_subplot()
    low = _axis_floor(totals)
    high = 100.0
    bins = np.arange(low, high + 2.5, 2.5)
    counts, _, _ = ax.hist(totals, bins=bins, color=MAIN, edgecolor="white")
    ax.set_ylim(0, max(1.0, float(counts.max(initial=0))) * 1.25)
    for i, band in enumerate(result.scheme.grades):
        if low < band.min < high:
            colour = GRADE_COLOURS[i % len(GRADE_COLOURS)]
            ax.axvline(band.min, color=colour, linestyle="--", linewidth=1)
            ax.text(
                band.min + 0.3,
                0.97,
                f"{band.name_for(lang)} ≥ {band.min:g}",
                transform=ax.get_xaxis_transform(),
                color=colour,
                fontsize=8,
                va="top",
            )
    ax.set_xlim(low, high)
    ax.set_xlabel(_t(lang, "总分", "Total"))
    ax.set_ylabel(_t(lang, "单位数", "Units"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    _tidy(ax)
    return _render(fig, _t(lang, "总分分布", "Distribution of totals"), formats)


# --- helpers ------------------------------------------------------------------------------


def _render(fig: Figure, title: str, formats: Sequence[str]) -> ChartImage:
    FigureCanvasAgg(fig)
    fig.tight_layout()
    png = svg = None
    if "png" in formats:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI)
        png = buffer.getvalue()
    if "svg" in formats:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg")
        svg = buffer.getvalue()
    return ChartImage(title=title, png=png or b"", svg=svg)


def _tidy(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)


def _axis_floor(values: np.ndarray) -> float:
    """A lower axis limit a little under the smallest value, on a multiple of 10."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 0.0
    return float(max(0.0, math.floor((finite.min() - 5) / 10) * 10))


def _wrap(text: str, lang: str) -> str:
    """Break a long axis label into short lines (Chinese has no spaces to break at)."""
    width = 18 if lang == "en" else 8
    if len(text) <= width:
        return text
    if lang == "en":
        return "\n".join(textwrap.wrap(text, width))
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _t(lang: str, zh: str, en: str, **values) -> str:
    return (en if lang == "en" else zh).format(**values)


def _round_label(result: EvaluationResult, i: int, lang: str) -> str:
    years = {u.year for u in result.data.units if u.year is not None}
    if len(years) == 1:
        year = years.pop()
        return f"{year}" if lang == "en" else f"{year}年"
    return _t(lang, "第{n}期", "round {n}", n=i + 1)


def _total_of(result: EvaluationResult, code: str) -> float:
    return float(result.totals[result.codes.index(code)]) if code in result.codes else math.nan


def _name_of(results: Sequence[EvaluationResult], code: str) -> str:
    for r in reversed(results):
        if code in r.codes:
            return r.data.units[r.codes.index(code)].name
    return code


def rank_interval_chart(
    robustness: Any,
    *,
    lang: str = "zh",
    limit: int = MAX_BARS,
    formats: Sequence[str] = ("png", "svg"),
) -> ChartImage:
    """The rank-interval ("caterpillar") chart: for each unit in nominal rank order, the 90%
    interval of its rank over the simulations, its median rank, and its published rank."""
    configure_fonts()
    order = robustness.order()[:limit]
    names = [robustness.units[u].name for u in order]
    low = np.array([robustness.p05_rank[u] for u in order], dtype=float)
    high = np.array([robustness.p95_rank[u] for u in order], dtype=float)
    median = np.array([robustness.median_rank[u] for u in order], dtype=float)
    nominal = np.array([robustness.nominal_ranks[u] for u in order], dtype=float)
    height = max(6.0, 0.5 * len(order) + 2.2) * CM
    fig = Figure(figsize=(16 * CM, height))
    ax = fig.add_subplot()
    y = np.arange(len(order))
    ax.hlines(
        y,
        low,
        high,
        color=MAIN,
        linewidth=4,
        alpha=0.55,
        label=_t(lang, "90% 区间", "90% interval"),
    )
    ax.plot(median, y, "o", color=MAIN, markersize=5, label=_t(lang, "中位名次", "median rank"))
    ax.plot(
        nominal,
        y,
        "|",
        color=ACCENT,
        markersize=12,
        markeredgewidth=2,
        label=_t(lang, "公布名次", "published rank"),
    )
    ax.set_yticks(
        y, [f"{int(r)}. {n}" if r > 0 else n for r, n in zip(nominal, names, strict=True)]
    )
    ax.invert_yaxis()
    n = len(robustness.units)
    ax.set_xlim(0.5, n + 0.5)
    ax.set_xticks(np.arange(1, n + 1, max(1, n // 16)))
    ax.set_xlabel(_t(lang, "名次（越小越好）", "Rank (1 is best)"))
    ax.legend(fontsize=8, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
    _tidy(ax)
    return _render(
        fig, _t(lang, "各单位名次的不确定性", "Uncertainty of each unit's rank"), formats
    )


@kept
def slope_chart(
    result: EvaluationResult,
    previous: EvaluationResult,
    *,
    lang: str = "zh",
    formats: Sequence[str] = ("png", "svg"),
) -> ChartImage:
    """Every unit's rank last year (left) and this year (right), joined by a line: rises in
    the accent colour. Ranks, not totals: a score is a position within its own year."""
    configure_fonts()
    pairs = []
    for u, code in enumerate(result.codes):
        if code not in previous.codes or not result.ranks[u]:
            continue
        before = int(previous.ranks[previous.codes.index(code)])
        if before:
            pairs.append((result.data.units[u].name, before, int(result.ranks[u])))
    n = max([len(result.codes), len(previous.codes), 1])
    fig = Figure(figsize=(14 * CM, max(8.0, 0.55 * n + 2.0) * CM))
    ax = fig.add_subplot()
    for name, before, now in pairs:
        colour = ACCENT if now < before else (GREY if now == before else MAIN)
        ax.plot([0, 1], [before, now], color=colour, linewidth=1.4, marker="o", markersize=3)
        ax.text(-0.04, before, f"{before}. {name}", ha="right", va="center", fontsize=7)
        ax.text(1.04, now, f"{now}. {name}", ha="left", va="center", fontsize=7)
    ax.set_ylim(n + 0.5, 0.5)
    ax.set_xlim(-0.6, 1.6)
    ax.set_xticks([0, 1], [_round_label(previous, 0, lang), _round_label(result, 1, lang)])
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    return _render(fig, _t(lang, "各单位名次的变化", "Ranks last year and this year"), formats)
