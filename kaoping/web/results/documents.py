"""Report documents of a scoring run (unit reports, the round report, certificates, zip).

Everything is built from the run's frozen inputs (:mod:`kaoping.web.results.frozen`) with
``kaoping.reports``, so a report always shows the numbers of the run it names, and the
agency's narratives (``Narrative``) of the round; parts without a narrative get drafts.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.conf import settings

from kaoping.reports.text import SECTION_KEYS, SECTION_TITLES
from kaoping.scoring.awards import AwardDecisions, award_rules, decide_awards
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.experts import expert_rules
from kaoping.web.results.frozen import frozen_results
from kaoping.web.results.models import Narrative, ScoringRun

FORMATS = {  # extension -> content type
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
ROUND_REPORT_NAME = "综合绩效评价报告"
CERTIFICATES_NAME = "荣誉证书.pdf"


@dataclass(frozen=True)
class RenderedFile:
    name: str
    content: bytes

    @property
    def content_type(self) -> str:
        return FORMATS[self.name.rsplit(".", 1)[-1]]


def section_choices(lang: str) -> list[tuple[str, str]]:
    """The six parts of a report (key, title) in the language of the page.

    Examples
    --------
    >>> section_choices("zh")[0], len(section_choices("en"))
    (('basic', '基本情况'), 6)
    """
    return [(key, SECTION_TITLES[key][1 if lang == "en" else 0]) for key in SECTION_KEYS]


def narratives_of(round, unit) -> dict[str, str]:
    """The agency's text by section key for ``unit`` (None: the round report); blanks left out."""
    rows = Narrative.objects.filter(round=round, unit=unit).values_list("section", "text")
    return {section: text for section, text in rows if text.strip()}


def unit_file_name(code: str, name: str, ext: str) -> str:
    """``<code>-<name>-绩效评价报告.<ext>``, as the command line names them.

    Examples
    --------
    >>> unit_file_name("110101", "东城区", "pdf")
    '110101-东城区-绩效评价报告.pdf'

    A name with a path separator or a character Windows refuses would make folders inside
    the reports' zip (or fail to extract): those become ``_`` (issue 11).

    >>> unit_file_name("110199", "开发区/自贸区", "pdf")
    '110199-开发区_自贸区-绩效评价报告.pdf'
    """
    stem = _UNSAFE_IN_FILE_NAMES.sub("_", f"{code}-{name}-绩效评价报告").strip("._")
    return f"{stem or code}.{ext}"


# Path separators, characters Windows refuses in file names, and control characters.
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def unit_document(run: ScoringRun, unit, *, lang: str = "zh", charts: bool = True):
    """The unit's report (``ReportDocument``) for ``run`` with the round's narratives."""
    from kaoping.reports import build_unit_report

    result, previous = frozen_results(run)
    decisions = award_decisions(result)
    awards = _award_rows(decisions, decisions.winners, lang) if decisions else []
    criticism = (
        _award_rows(decisions, decisions.criticised, lang, criticism=True) if decisions else []
    )
    return build_unit_report(
        result,
        unit.code,
        narratives=narratives_of(run.round, unit),
        previous=previous,
        lang=lang,
        issuer=_issuer(),
        charts=charts,
        awards=awards,
        criticism=criticism,
    )


def round_document(run: ScoringRun, *, lang: str = "zh", charts: bool = True):
    """The round report with the round's narratives and, when the scheme awards, the lists."""
    from kaoping.reports import build_round_report

    result, previous = frozen_results(run)
    decisions = award_decisions(result)
    awards = _award_rows(decisions, decisions.winners, lang) if decisions else []
    criticism = (
        _award_rows(decisions, decisions.criticised, lang, criticism=True) if decisions else []
    )
    return build_round_report(
        result,
        narratives=narratives_of(run.round, None),
        previous=previous,
        awards=awards,
        criticism=criticism,
        lang=lang,
        issuer=_issuer(),
        charts=charts,
        robustness=_rank_uncertainty(result),
    )


def _rank_uncertainty(result: EvaluationResult):
    """The rank uncertainty of the run's result (None when it cannot be analysed, e.g. an
    indicator no unit has: the report then leaves the section out)."""
    from kaoping.reports.uncertainty import report_options
    from kaoping.scoring.messages import KaopingError
    from kaoping.scoring.robustness import analyse_robustness

    try:
        return analyse_robustness(
            result.scheme, result.data, report_options(result.scheme), nominal=result
        )
    except KaopingError:
        return None


def render(doc, ext: str, result: EvaluationResult | None = None) -> bytes:
    """``doc`` as the bytes of a .docx, .pdf or .xlsx file (.xlsx needs the result)."""
    from kaoping.reports import render_docx, render_pdf, render_xlsx

    buffer = io.BytesIO()
    if ext == "docx":
        render_docx(doc, buffer)
    elif ext == "pdf":
        render_pdf(doc, buffer)
    elif ext == "xlsx":
        render_xlsx(doc, result, buffer)
    else:
        raise ValueError(ext)
    return buffer.getvalue()


def unit_report_file(run: ScoringRun, unit, ext: str, lang: str = "zh") -> RenderedFile:
    doc = unit_document(run, unit, lang=lang, charts=ext != "xlsx")
    content = render(doc, ext, frozen_results(run)[0])
    return RenderedFile(unit_file_name(unit.code, unit.name, ext), content)


def round_report_file(run: ScoringRun, ext: str, lang: str = "zh") -> RenderedFile:
    doc = round_document(run, lang=lang, charts=ext != "xlsx")
    content = render(doc, ext, frozen_results(run)[0])
    return RenderedFile(f"{ROUND_REPORT_NAME}.{ext}", content)


def draft_texts(run: ScoringRun, unit, lang: str = "zh") -> dict[str, str]:
    """The drafts the system would write for each part of the unit's report (no narratives)."""
    from kaoping.reports import build_unit_report

    result, previous = frozen_results(run)
    if unit is None:
        from kaoping.reports import build_round_report

        doc = build_round_report(result, previous=previous, lang=lang, charts=False)
    else:
        doc = build_unit_report(result, unit.code, previous=previous, lang=lang, charts=False)
    return {
        section.key: "\n\n".join(b.text for b in section.blocks if getattr(b, "draft", False))
        for section in doc.sections
    }


# --- awards and certificates ---------------------------------------------------------------


def award_decisions(result: EvaluationResult) -> AwardDecisions | None:
    """The award decisions when the round's scheme awards (``[awards]`` or
    ``[special_awards]``); None for a scheme without awards (such as mof-2012)."""
    sections = result.scheme.sections or {}
    if "awards" not in sections and "special_awards" not in sections:
        return None
    # The committee's tie rule orders equal totals, as in ``kaoping.scoring.assess``.
    tie_break = expert_rules(result.scheme).tie_break
    tie = result.group_scores.get(tie_break) if tie_break else None
    return decide_awards(result, award_rules(result.scheme), tie)


def certificates_file(run: ScoringRun, lang: str = "zh") -> RenderedFile | None:
    """Certificates (荣誉证书) of the award winners as one PDF; None without winners."""
    from kaoping.reports import render_certificates

    result = frozen_results(run)[0]
    decisions = award_decisions(result)
    if decisions is None or not decisions.winners or not _issuer():
        return None  # a certificate without its issuer cannot be handed out
    buffer = io.BytesIO()
    today = dt.date.today()
    render_certificates(
        _award_rows(decisions, decisions.winners, lang),
        buffer,
        year=run.round.year,
        issuer=_issuer(),
        date=today.isoformat() if lang == "en" else f"{today.year}年{today.month}月{today.day}日",
        unit_names={u.code: u.name for u in result.data.units},
        lang=lang,
        award=result.scheme.name_for(lang),
    )
    return RenderedFile(CERTIFICATES_NAME, buffer.getvalue())


def _award_rows(decisions: AwardDecisions, items, lang: str, criticism: bool = False):
    """Plain rows (unit_code, unit_name, tier, reason) as the reports take them."""
    tiers = {t.name: t for t in decisions.rules.tiers}
    return [
        {
            "unit_code": d.unit_code,
            "unit_name": d.unit_name,
            "tier": "通报批评"
            if criticism
            else tiers[d.tier].name_for(lang)
            if d.tier in tiers
            else (d.tier or ""),
            "reason": d.reason_text(lang),
        }
        for d in items
    ]


def _issuer() -> str:
    return getattr(settings, "KAOPING_REPORT_ISSUER", "")
