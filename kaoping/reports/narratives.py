"""The agency's own text for the narrative parts of a report (targets' basis, measures,
problems, suggestions, ...), read from TOML, JSON or Markdown files.

A narratives mapping is ``{section_key: text}`` for one report. Section keys are those of
:data:`kaoping.reports.text.SECTION_KEYS`; files may also name a part by its Chinese title
("存在的问题及成因", with or without "五、") or its English title.

Files hold either one report's text, or several reports' keyed by unit code (``round``
or ``综合`` for the round report)::

    # narratives.toml                       # narratives.md
    [110101]                                # 110101 东城区
    targets = "依据区政府目标责任书……"        ## 绩效目标及其设立依据
    problems = "……"                          依据区政府目标责任书……

Examples
--------
>>> section_key("五、存在的问题及成因"), section_key("suggestions"), section_key("其他")
('problems', 'suggestions', None)
>>> parse_markdown("## 基本情况\\n本区共有……\\n")
{'*': {'basic': '本区共有……'}}
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kaoping.reports.errors import ReportInputError, ReportProblem
from kaoping.reports.text import CHINESE_NUMERALS, SECTION_KEYS, SECTION_TITLES

ANY_UNIT = "*"  # text not keyed by a unit: used for whichever unit is being reported
ROUND_KEY = "round"
ROUND_ALIASES = ("round", "综合", "综合报告", "综合绩效评价报告")
SUFFIXES = (".toml", ".json", ".md", ".markdown")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
NUMBERING = re.compile(
    rf"^\s*(?:[{CHINESE_NUMERALS}]+、|[（(][{CHINESE_NUMERALS}]+[)）]|\d+[.、)]?)\s*"
)

Narratives = dict[str, dict[str, str]]


def section_key(name: str) -> str | None:
    """The section key for a name written in a file (key, Chinese or English title)."""
    text = NUMBERING.sub("", str(name)).strip()
    lowered = text.lower()
    for key in SECTION_KEYS:
        zh, en = SECTION_TITLES[key]
        if lowered in (key, en.lower()) or text == zh:
            return key
    return None


def expected_names() -> str:
    return "、".join(f"{key}（{SECTION_TITLES[key][0]}）" for key in SECTION_KEYS)


def load_narratives(path: str | Path, unit_codes: Iterable[str] | None = None) -> Narratives:
    """Read a narratives file, or a folder of files named by unit code (``110101.md``).

    Returns ``{unit_code: {section_key: text}}``; text not keyed by a unit is under ``"*"``
    and the round report's under ``"round"``.

    Raises
    ------
    ReportInputError
        With every problem found, naming the file and the item (unknown part names, unknown
        unit codes, unreadable or malformed files).
    """
    path = Path(path)
    if path.is_dir():
        result: Narratives = {}
        for file in sorted(path.iterdir()):
            if file.suffix.lower() in SUFFIXES and not file.name.startswith("."):
                single = _load_file(file)
                result[_unit_key(file.stem)] = single.get(ANY_UNIT, {})
        _check_units(result, unit_codes, path.name)
        return result
    result = _load_file(path)
    _check_units(result, unit_codes, path.name)
    return result


def narratives_for(narratives: Narratives | None, key: str) -> dict[str, str]:
    """One report's texts: those keyed by ``key`` (a unit code or "round"), else unkeyed."""
    if not narratives:
        return {}
    return dict(narratives.get(key) or narratives.get(ANY_UNIT) or {})


def _load_file(path: Path) -> Narratives:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReportInputError(
            [ReportProblem("report.unsupported", file=path.name, params={"suffix": suffix})]
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(
            [ReportProblem("report.unreadable", file=path.name, params={"reason": exc})]
        ) from None
    if suffix in (".md", ".markdown"):
        return parse_markdown(text, file=path.name)
    try:
        raw = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        fmt = "TOML" if suffix == ".toml" else "JSON"
        raise ReportInputError(
            [
                ReportProblem(
                    "report.bad_format", file=path.name, params={"format": fmt, "reason": exc}
                )
            ]
        ) from None
    return parse_mapping(raw, file=path.name)


def parse_mapping(raw: Any, *, file: str | None = None) -> Narratives:
    """Narratives from parsed TOML/JSON: one report's ``{part: text}`` or keyed by unit."""
    problems: list[ReportProblem] = []
    if not isinstance(raw, Mapping):
        raise ReportInputError([ReportProblem("report.not_text", file=file, params={"name": "/"})])
    keyed = raw and all(isinstance(v, Mapping) for v in raw.values())
    result: Narratives = {}
    groups = raw.items() if keyed else [(ANY_UNIT, raw)]
    for unit, texts in groups:
        unit_key = ANY_UNIT if unit == ANY_UNIT else _unit_key(str(unit))
        result[unit_key] = _sections(texts, file, problems, prefix="" if not keyed else f"{unit}.")
    if problems:
        raise ReportInputError(problems)
    return result


def parse_markdown(text: str, *, file: str | None = None) -> Narratives:
    """Narratives from Markdown: a heading naming a part starts its text; any other heading
    starts a unit (its first word is the unit code, or ``综合`` for the round report)."""
    result: Narratives = {}
    unit = ANY_UNIT
    current: str | None = None
    lines: list[str] = []
    problems: list[ReportProblem] = []

    def flush() -> None:
        if current is not None:
            body = "\n".join(lines).strip()
            if body:
                result.setdefault(unit, {})[current] = body

    for number, line in enumerate(text.splitlines(), start=1):
        match = HEADING.match(line)
        if not match:
            lines.append(line)
            continue
        flush()
        lines = []
        title = match.group(2)
        key = section_key(title)
        if key is not None:
            current = key
            continue
        words = title.split()
        if not words:
            problems.append(
                ReportProblem(
                    "report.unknown_section",
                    file=file,
                    row=number,
                    params={"name": title, "expected": expected_names()},
                )
            )
            current = None
            continue
        unit = _unit_key(words[0])
        current = None
    flush()
    if problems:
        raise ReportInputError(problems)
    return result


def _sections(
    texts: Mapping[str, Any], file: str | None, problems: list[ReportProblem], prefix: str
) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in texts.items():
        key = section_key(name)
        if key is None:
            problems.append(
                ReportProblem(
                    "report.unknown_section",
                    file=file,
                    column=f"{prefix}{name}",
                    params={"name": name, "expected": expected_names()},
                )
            )
        elif not isinstance(value, str):
            problems.append(
                ReportProblem(
                    "report.not_text", file=file, column=f"{prefix}{name}", params={"name": name}
                )
            )
        elif value.strip():
            found[key] = value.strip()
    return found


def _unit_key(name: str) -> str:
    return ROUND_KEY if name.strip().lower() in ROUND_ALIASES else name.strip()


def _check_units(result: Narratives, unit_codes: Iterable[str] | None, file: str) -> None:
    if unit_codes is None:
        return
    known = set(unit_codes) | {ANY_UNIT, ROUND_KEY}
    problems = [
        ReportProblem("report.unknown_unit", file=file, params={"unit": code})
        for code in result
        if code not in known
    ]
    if problems:
        raise ReportInputError(problems)


def paragraphs(text: str) -> list[str]:
    """Split an agency's text into paragraphs at blank lines; single newlines join lines.

    Examples
    --------
    >>> paragraphs("第一段\\n续行。\\n\\n第二段。")
    ['第一段续行。', '第二段。']
    """
    blocks = re.split(r"\n\s*\n", text.strip())
    return [_join_lines(b) for b in blocks if b.strip()]


def _join_lines(block: str) -> str:
    parts = [p.strip() for p in block.splitlines() if p.strip()]
    joined = ""
    for part in parts:
        # Chinese text wraps without spaces; Latin text needs one between words.
        needs_space = joined and joined[-1].isascii() and part[0].isascii()
        joined += (" " if needs_space else "") + part
    return joined
