"""Charts: PNG and SVG bytes, Chinese labels in a CJK font, no missing glyphs."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib import image as mpimg

from kaoping.reports import charts
from kaoping.scoring import BaseData

ROOT = Path(__file__).resolve().parent.parent


def read(path: Path) -> BaseData:
    with path.open(encoding="utf-8") as f:
        return BaseData.from_records(list(csv.DictReader(f)), source=path.name)


# ``rounds``: the demo evaluated once for the whole run (tests/conftest.py).


def test_the_cjk_font_is_found_and_covers_the_labels(rounds):
    path = charts.configure_fonts()
    assert path is not None and "NotoSansCJK" in Path(path).name
    found = font_manager.findfont(font_manager.FontProperties(family=charts.FONT_FAMILIES))
    assert "NotoSansCJK" in Path(found).name
    font = font_manager.get_font(path)
    result, _ = rounds
    text = (
        "".join(u.name for u in result.data.units)
        + "".join(g.name for g in result.scheme.groups)
        + "综合得分排名参评单位平均总分单位数年"
    )
    charmap = font.get_charmap()
    assert [ch for ch in set(text) if ord(ch) not in charmap] == []


def test_charts_render_without_missing_glyphs(rounds):
    result, previous = rounds
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images = [
            charts.ranking_chart(result, highlight="110101"),
            charts.radar_chart(result, "110101"),
            charts.trend_chart([previous, result], unit_code="110101"),
            charts.trend_chart([previous, result]),
            charts.distribution_chart(result),
        ]
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    for image in images:
        assert image.png.startswith(b"\x89PNG")
        assert image.svg is not None and b"<svg" in image.svg
        pixels = mpimg.imread(io.BytesIO(image.png), format="png")
        assert (pixels[..., :3].mean(axis=-1) < 0.9).mean() > 0.01  # something is drawn
    assert images[0].title == "综合得分排名"


def test_png_only_when_asked(rounds):
    image = charts.distribution_chart(rounds[0], formats=("png",))
    assert image.svg is None and image.png


def test_a_stale_font_cache_is_rebuilt(monkeypatch):
    # A font manager that knows no CJK font stands for a cache written before fonts-noto-cjk
    # was installed; configure_fonts must rebuild it from the system's fonts.
    stale = font_manager.FontManager.__new__(font_manager.FontManager)
    stale.__dict__.update(font_manager.fontManager.__dict__)
    stale.ttflist = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]
    stale._findfont_cached = font_manager.FontManager._findfont_cached.__get__(stale)
    monkeypatch.setattr(font_manager, "fontManager", stale)
    monkeypatch.setattr(font_manager, "findfont", stale.findfont)
    monkeypatch.setattr(charts, "_configured", None)
    monkeypatch.setattr(font_manager, "get_font_names", font_manager.get_font_names)
    with pytest.raises(ValueError):
        font_manager.findfont(
            font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False
        )
    path = charts.configure_fonts()
    assert path is not None and "NotoSansCJK" in path
    assert font_manager.fontManager is not stale


def test_rendered_charts_are_kept_and_keyed_by_what_they_show(rounds):
    """A chart drawn again for another format or download is not drawn twice; a different
    unit, language or result gives its own image."""
    result, previous = rounds
    first = charts.ranking_chart(result, highlight="110101", formats=("png",))
    assert charts.ranking_chart(result, highlight="110101", formats=("png",)) is first
    other = charts.ranking_chart(result, highlight="110102", formats=("png",))
    assert other is not first and other.png != first.png
    assert (
        charts.ranking_chart(result, highlight="110101", lang="en", formats=("png",)) is not first
    )
    # the same scheme and units with other numbers (last year's) is another chart
    assert charts.ranking_chart(previous, highlight="110101", formats=("png",)).png != first.png
    assert charts.slope_chart(result, previous, formats=("png",)) is charts.slope_chart(
        result, previous, formats=("png",)
    )
