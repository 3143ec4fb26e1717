"""Certificates (荣誉证书) for award winners: one A4 landscape PDF page per award.

Awards are plain mappings (or objects) with ``unit_code``, ``tier`` and optionally
``unit_name`` and ``reason``, so this module does not depend on how awards were decided
(``kaoping awards``' output is read by :mod:`kaoping.reports.award_lists`). The wording is
configurable; placeholders are ``{unit_name}``, ``{year}``, ``{award}`` (the assessment the
award belongs to), ``{tier}`` and ``{reason}``.

A certificate is refused without its year, issuer and date: a certificate reading
"在年度就业工作绩效考核中…" cannot be handed out. Each carries a 证书编号; ``text_only``
prints the words alone, placed for pre-printed certificate paper.

Examples
--------
>>> html_text = certificates_html([{"unit_code": "110105", "unit_name": "朝阳区",
...                                 "tier": "一等奖"}], year=2024, issuer="北京市人力资源和社会保障局",
...                               date="2025年3月1日", award="就业工作综合考核")
>>> import re; plain = re.sub(r"<[^>]+>", "", html_text)
>>> "荣获2024年度就业工作综合考核一等奖" in plain, "证书编号：2024-001" in plain
(True, True)
>>> try:
...     certificates_html([{"unit_code": "1", "tier": "一等奖"}], year="", issuer="", date="")
... except ReportInputError as exc:
...     print(exc.problems[0].text())
荣誉证书缺少考核年度、颁发单位、落款日期（--year、--issuer、--date），不能生成
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from kaoping.reports.drafts import fill_template
from kaoping.reports.errors import ReportInputError, ReportProblem
from kaoping.reports.pdf_render import stylesheet

DEFAULT_AWARD = "就业工作绩效考核"
DEFAULT_BODY = "在{year}年度{award}中成绩突出，荣获{year}年度{award}{tier}。特发此证，以资鼓励。"
DEFAULT_BODY_EN = "for outstanding results in the {year} {award}, is awarded the {tier}."


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
    award: str = "",
    number_prefix: str = "",
    text_only: bool = False,
    first_number: int = 1,
) -> str:
    """The certificates as one HTML document (one ``.certificate`` page per award).

    Raises
    ------
    ReportInputError
        When the year, issuer or date is missing, an award lacks its unit code or tier, or
        the list is empty.
    """
    _require(year=year, issuer=issuer, date=date, lang=lang)
    items = [_award(a, i, unit_names or {}) for i, a in enumerate(awards, start=1)]
    if not items:
        raise ReportInputError([ReportProblem("report.no_awards")])
    award = award or (DEFAULT_AWARD if lang != "en" else "assessment of employment work")
    e = html.escape
    pages = []
    for number, item in enumerate(items, start=first_number):
        values = {
            "unit_name": item["unit_name"],
            "year": str(year),
            "tier": item["tier"],
            "reason": item["reason"],
            "award": award,
        }
        default = DEFAULT_BODY_EN if lang == "en" else DEFAULT_BODY
        text = fill_template(body, values) or fill_template(default, values) or ""
        # The tier is highlighted: escape first, then wrap its last occurrence.
        tier = e(item["tier"])
        head, found, tail = e(text).rpartition(tier)
        shown = f'{head}<span class="tier">{tier}</span>{tail}' if found else e(text)
        colon = ": " if lang == "en" else "："
        label = "Certificate No." if lang == "en" else "证书编号："
        heading = "" if text_only else f"<h1>{e(title)}</h1>"
        pages.append(
            f'<div class="certificate{" text-only" if text_only else ""}"><div class="inner">'
            f'{heading}<div class="recipient">{e(item["unit_name"])}{colon}</div>'
            f'<div class="body">{shown}</div>'
            f'<div class="number">{label}{e(number_prefix)}{e(str(year))}-{number:03d}</div>'
            f'<div class="signature">{e(issuer)}<br>{e(date)}</div></div></div>'
        )
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
        f'<meta charset="utf-8"><title>{e(title)}</title>'
        f"<style>{stylesheet('certificate.css')}</style></head><body>"
        + "".join(pages)
        + "</body></html>"
    )


def _require(*, year: Any, issuer: str, date: str, lang: str) -> None:
    """Refuse a certificate without its year, issuer or date."""
    missing = [
        (what, option)
        for what, option, value in (
            (("考核年度", "year"), "--year", year),
            (("颁发单位", "issuer"), "--issuer", issuer),
            (("落款日期", "date"), "--date", date),
        )
        if not str(value or "").strip()
    ]
    if missing:
        whats = [w[1] if lang == "en" else w[0] for w, _ in missing]
        raise ReportInputError(
            [
                ReportProblem(
                    "certificate.missing",
                    params={
                        "what": ("、" if lang != "en" else ", ").join(whats),
                        "option": ("、" if lang != "en" else ", ").join(o for _, o in missing),
                    },
                )
            ]
        )


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
    award: str = "",
    number_prefix: str = "",
    text_only: bool = False,
    first_number: int = 1,
) -> int:
    """Write the certificates as one PDF (a page each); returns the number of pages."""
    from weasyprint import HTML

    document = certificates_html(
        awards,
        year=year,
        issuer=issuer,
        date=date,
        title=title,
        body=body,
        unit_names=unit_names,
        lang=lang,
        award=award,
        number_prefix=number_prefix,
        text_only=text_only,
        first_number=first_number,
    )
    rendered = HTML(string=document).render()
    rendered.write_pdf(path)
    return len(rendered.pages)


def _award(item: Mapping[str, Any] | Any, number: int, names: Mapping[str, str]) -> dict[str, str]:
    def get(key: str) -> str:
        value = item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)
        return "" if value is None else str(value).strip()

    problems = [
        ReportProblem("report.award_field", params={"item": number, "key": key})
        for key in ("unit_code", "tier")
        if not get(key)
    ]
    if problems:
        raise ReportInputError(problems)
    code = get("unit_code")
    return {
        "unit_code": code,
        "unit_name": get("unit_name") or names.get(code, code),
        "tier": get("tier"),
        "reason": get("reason"),
    }
