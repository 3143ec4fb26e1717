"""Certificates (荣誉证书) for award winners: one A4 landscape PDF page per award.

Awards are plain mappings (or objects) with ``unit_code``, ``tier`` and optionally
``unit_name`` and ``reason``, so this module does not depend on how awards were decided.
The wording is configurable; placeholders are ``{unit_name}``, ``{year}``, ``{tier}`` and
``{reason}``.

Examples
--------
>>> html_text = certificates_html([{"unit_code": "110105", "unit_name": "朝阳区",
...                                 "tier": "一等奖"}], year=2024, issuer="北京市人力资源和社会保障局")
>>> "朝阳区" in html_text and "一等奖" in html_text
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from kaoping.reports.drafts import fill_template
from kaoping.reports.errors import ReportInputError, ReportProblem
from kaoping.reports.pdf_render import stylesheet

DEFAULT_BODY = "在{year}年度就业工作绩效考核中成绩突出，荣获{tier}。特发此证，以资鼓励。"
DEFAULT_BODY_EN = (
    "for outstanding results in the {year} assessment of employment work, is awarded the {tier}."
)


def certificates_html(
    awards: Sequence[Mapping[str, Any] | Any],
    *,
    year: int | str,
    issuer: str,
    date: str = "",
    title: str = "荣誉证书",
    body: str = DEFAULT_BODY,
    unit_names: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> str:
    """The certificates as one HTML document (one ``.certificate`` page per award).

    Raises
    ------
    ReportInputError
        When an award lacks its unit code or tier, or the list is empty.
    """
    items = [_award(a, i, unit_names or {}) for i, a in enumerate(awards, start=1)]
    if not items:
        raise ReportInputError([ReportProblem("report.no_awards")])
    e = html.escape
    pages = []
    for number, award in enumerate(items, start=1):
        values = {"unit_name": award["unit_name"], "year": str(year), "tier": award["tier"],
                  "reason": award["reason"]}  # fmt: skip
        text = fill_template(body, values) or fill_template(DEFAULT_BODY, values) or ""
        # The tier is highlighted: escape first, then wrap its occurrences.
        shown = e(text).replace(
            e(award["tier"]), f'<span class="tier">{e(award["tier"])}</span>', 1
        )
        colon = ": " if lang == "en" else "："
        pages.append(
            f'<div class="certificate"><div class="inner"><h1>{e(title)}</h1>'
            f'<div class="recipient">{e(award["unit_name"])}{colon}</div>'
            f'<div class="body">{shown}</div>'
            f'<div class="number">No. {year}-{number:03d}</div>'
            f'<div class="signature">{e(issuer)}<br>{e(date)}</div></div></div>'
        )
    return (f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
            f'<meta charset="utf-8"><title>{e(title)}</title>'
            f"<style>{stylesheet('certificate.css')}</style></head><body>"
            + "".join(pages) + "</body></html>")  # fmt: skip


def render_certificates(
    awards: Sequence[Mapping[str, Any] | Any],
    path: str | Path | IO[bytes],
    *,
    year: int | str,
    issuer: str,
    date: str = "",
    title: str = "荣誉证书",
    body: str = DEFAULT_BODY,
    unit_names: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> int:
    """Write the certificates as one PDF (a page each); returns the number of pages."""
    from weasyprint import HTML

    document = certificates_html(awards, year=year, issuer=issuer, date=date, title=title,
                                 body=body, unit_names=unit_names, lang=lang)  # fmt: skip
    rendered = HTML(string=document).render()
    rendered.write_pdf(path)
    return len(rendered.pages)


def _award(item: Mapping[str, Any] | Any, number: int, names: Mapping[str, str]) -> dict[str, str]:
    def get(key: str) -> str:
        value = item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)
        return "" if value is None else str(value).strip()

    problems = [ReportProblem("report.award_field", params={"item": number, "key": key})
                for key in ("unit_code", "tier") if not get(key)]  # fmt: skip
    if problems:
        raise ReportInputError(problems)
    code = get("unit_code")
    return {"unit_code": code, "unit_name": get("unit_name") or names.get(code, code),
            "tier": get("tier"), "reason": get("reason")}  # fmt: skip
