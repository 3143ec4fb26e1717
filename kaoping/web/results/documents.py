"""Report documents of a scoring run (unit reports, the round report, certificates, zip).

Everything is built from the run's frozen inputs (:mod:`kaoping.web.results.frozen`) with
``kaoping.reports``, so a report always shows the numbers of the run it names, and the
agency's narratives (``Narrative``) of the round; parts without a narrative get drafts.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kaoping.reports.certificates import render_certificates
from kaoping.reports.docx_render import render_docx
from kaoping.reports.pdf_render import render_pdf
from kaoping.reports.round_report import build_round_report
from kaoping.reports.text import SECTION_KEYS, section_name
from kaoping.reports.uncertainty import report_options
from kaoping.reports.unit_report import build_unit_report
from kaoping.reports.xlsx_render import render_xlsx
from kaoping.scoring.awards import AwardDecisions, award_rules, decide_awards
from kaoping.scoring.errors import KaopingError
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.experts import expert_rules
from kaoping.scoring.robustness import analyse_robustness
from kaoping.web.common import ActionError, in_language
from kaoping.web.results.frozen import frozen_results
from kaoping.web.results.models import Narrative, ReportSigning, ScoringRun

FORMATS = {  # extension -> content type
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
ROUND_REPORT_NAME = gettext_lazy("overall performance evaluation report")
CERTIFICATES_NAME = gettext_lazy("certificates of honour")


# The round's award decision (approved or published) is kept by the awards app, above this
# one: it registers here how to read it (kaoping.web.awards.apps), so the reports show the
# decision the leading group approved (tiers, special awards, criticism, the reward fund)
# rather than the scheme's rules applied afresh. A reader returns (awards, criticism) as the
# reports take them, or None when the round has no such decision yet.
AwardListsReader = Callable[[object, str], "tuple[list[dict], list[dict]] | None"]
AWARD_LISTS_READERS: list[AwardListsReader] = []


def decided_award_lists(round, lang: str):
    """(awards, criticism) of the round's approved award decision, or None."""
    for read in AWARD_LISTS_READERS:
        lists = read(round, lang)
        if lists is not None:
            return lists
    return None


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
    return [(key, section_name(key, lang)) for key in SECTION_KEYS]


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
    named = _("%(code)s-%(name)s-performance evaluation report") % {"code": code, "name": name}
    stem = _UNSAFE_IN_FILE_NAMES.sub("_", named).strip("._")
    return f"{stem or code}.{ext}"


# Path separators, characters Windows refuses in file names, and control characters.
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def unit_document(run: ScoringRun, unit, *, lang: str = "zh", charts: bool = True):
    """The unit's report (``ReportDocument``) for ``run`` with the round's narratives."""
    result, previous = frozen_results(run)
    awards, criticism = _report_award_lists(run, result, lang)
    return build_unit_report(
        result,
        unit.code,
        narratives=narratives_of(run.round, unit),
        previous=previous,
        lang=lang,
        charts=charts,
        awards=awards,
        criticism=criticism,
        **signing_of(run.round, lang),
    )


def round_document(run: ScoringRun, *, lang: str = "zh", charts: bool = True):
    """The round report with the round's narratives and, when the scheme awards, the lists."""
    result, previous = frozen_results(run)
    awards, criticism = _report_award_lists(run, result, lang)
    return build_round_report(
        result,
        narratives=narratives_of(run.round, None),
        previous=previous,
        awards=awards,
        criticism=criticism,
        lang=lang,
        charts=charts,
        robustness=_rank_uncertainty(result),
        **signing_of(run.round, lang),
    )


def _report_award_lists(run: ScoringRun, result: EvaluationResult, lang: str):
    """The round's approved award decision when there is one; else the scheme's rules applied
    to the run (a draft of the decision), or none for a scheme without awards."""
    decided = decided_award_lists(run.round, lang)
    if decided is not None:
        return decided
    decisions = award_decisions(result)
    if decisions is None:
        return [], []
    return (
        _award_rows(decisions, decisions.winners, lang),
        _award_rows(decisions, decisions.criticised, lang, criticism=True),
    )


# The rank uncertainty of the last runs' results (1,000 replicates each): computed once per
# result, not again for each format and download of the round report. The result itself is
# held, so its id cannot be reused while the entry lives.
_uncertainty: OrderedDict[int, tuple[EvaluationResult, object]] = OrderedDict()
_uncertainty_lock = threading.Lock()
CACHED_UNCERTAINTY = 4


def _rank_uncertainty(result: EvaluationResult):
    """The rank uncertainty of the run's result (None when it cannot be analysed, e.g. an
    indicator no unit has: the report then leaves the section out)."""
    with _uncertainty_lock:
        kept = _uncertainty.get(id(result))
        if kept is not None and kept[0] is result:
            return kept[1]
    try:
        analysis = analyse_robustness(
            result.scheme, result.data, report_options(result.scheme), nominal=result
        )
    except KaopingError:
        analysis = None
    with _uncertainty_lock:
        _uncertainty[id(result)] = (result, analysis)
        while len(_uncertainty) > CACHED_UNCERTAINTY:
            _uncertainty.popitem(last=False)
    return analysis


def render(doc, ext: str, result: EvaluationResult | None = None) -> bytes:
    """``doc`` as the bytes of a .docx, .pdf or .xlsx file (.xlsx needs the result)."""
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
    result, previous = frozen_results(run)
    if unit is None:
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
    result = frozen_results(run)[0]
    decisions = award_decisions(result)
    if decisions is None or not decisions.winners:
        return None
    signing = certificate_signing(run.round, lang)  # refuses without issuer and date
    buffer = io.BytesIO()
    render_certificates(
        _award_rows(decisions, decisions.winners, lang),
        buffer,
        year=run.round.year,
        issuer=signing["issuer"],
        date=signing["date"],
        unit_names={u.code: u.name for u in result.data.units},
        lang=lang,
        award=result.scheme.name_for(lang),
    )
    return RenderedFile(f"{CERTIFICATES_NAME}.pdf", buffer.getvalue())


def criticised_label(lang: str) -> str:
    """The tier a criticised unit shows in the reports' lists (通报批评)."""
    with in_language(lang):
        return pgettext("award tier", "criticised")


def _award_rows(decisions: AwardDecisions, items, lang: str, criticism: bool = False):
    """Plain rows (unit_code, unit_name, tier, reason) as the reports take them."""
    tiers = {t.name: t for t in decisions.rules.tiers}
    return [
        {
            "unit_code": d.unit_code,
            "unit_name": d.unit_name,
            "tier": criticised_label(lang)
            if criticism
            else tiers[d.tier].name_for(lang)
            if d.tier in tiers
            else (d.tier or ""),
            "reason": d.reason_text(lang),
        }
        for d in items
    ]


# --- who signs (落款) -------------------------------------------------------------------------


def written_date(day: dt.date | None, lang: str = "zh") -> str | None:
    """A date as a signature writes it: 2025年3月1日 (None: not set)."""
    if day is None:
        return None
    if lang == "en":
        return day.isoformat()
    with in_language(lang):
        return _("{year}-{month}-{day}").format(year=day.year, month=day.month, day=day.day)


def signing_of(round, lang: str = "zh") -> dict:
    """The signing options of the round's documents (issuer, client, number, date), as the
    office set them on the page; the issuer defaults to ``KAOPING_REPORT_ISSUER``."""
    signing = ReportSigning.objects.filter(round=round).first()
    default = getattr(settings, "KAOPING_REPORT_ISSUER", "")
    if signing is None:
        return {"issuer": default, "client": "", "number": "", "date": None}
    return {
        "issuer": signing.issuer or default,
        "client": signing.client,
        "number": signing.number,
        "date": written_date(signing.date, lang),
    }


def certificate_signing(round, lang: str = "zh", *, date: dt.date | None = None) -> dict:
    """Issuer and date of the round's certificates; ActionError (naming what is missing and
    where to set it) when either is missing. ``date`` is the default of the date."""
    signing = signing_of(round, lang)
    signing["date"] = signing["date"] or written_date(date, lang)
    missing = [
        name
        for key, name in (("issuer", _("the issuing body (评价机构)")), ("date", _("the date")))
        if not signing[key]
    ]
    if missing:
        raise ActionError(
            _(
                "Certificates need %(missing)s: set them under “Who signs the reports” on the "
                "round's results page."
            )
            % {"missing": _(" and ").join(missing)}
        )
    return signing
