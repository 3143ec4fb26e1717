"""Templates stay readable: no line longer than 120 characters (the limit ruff keeps for Python).

A long line is laid out by putting one element or block tag per line where HTML ignores the
whitespace (between block elements, inside a tag between its attributes, at the edges of a
``{% blocktranslate trimmed %}``), never inside ``<pre>``, ``<textarea>`` or inline text.
"""

from __future__ import annotations

from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "kaoping" / "web"
LIMIT = 120


def template_files() -> list[Path]:
    return sorted(p for p in WEB.rglob("*.html") if "templates" in p.parts)


def test_every_template_line_is_at_most_120_characters():
    files = template_files()
    assert len(files) > 40  # the walk found the templates
    too_long = [
        f"{path.relative_to(WEB)}:{number}: {len(line)} characters"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > LIMIT
    ]
    assert not too_long, "\n".join(too_long)
