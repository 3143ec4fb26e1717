"""Words shared by every report, through the project's catalogues (kaoping.scoring.i18n).

Numbers are written by :mod:`kaoping.scoring.display` (the one set of formatters of the
documents, pages and workbooks); the names below are re-exported for the report builders.

Examples
--------
>>> fmt_score(83.630040), fmt_z(-0.4512), fmt_change(2.4), fmt_share(0.1234)
('83.63', '-0.45', '+2.40', '12.34%')
>>> fmt_score(float("nan"))
'—'
"""

from __future__ import annotations

from kaoping.scoring.display import DASH, fmt_ratio, fmt_score, is_missing
from kaoping.scoring.display import fmt_signed as fmt_change
from kaoping.scoring.i18n import gettext, gettext_noop, normalise_language, pgettext
from kaoping.scoring.schemes import Scheme

__all__ = ["DASH", "fmt_change", "fmt_ratio", "fmt_score", "is_missing"]

# The six parts the notice (财社〔2012〕17号, part 5 (6)) requires of an evaluation report.
SECTION_KEYS = ("basic", "targets", "measures", "achievement", "problems", "suggestions")
SECTION_TITLES = {
    "basic": gettext_noop("Basic information"),
    "targets": gettext_noop("Performance targets and their basis"),
    "measures": gettext_noop("Management measures and their implementation"),
    "achievement": gettext_noop("Analysis of target achievement"),
    "problems": gettext_noop("Problems and their causes"),
    "suggestions": gettext_noop("Suggestions for improvement"),
}
CHINESE_NUMERALS = "一二三四五六七八九十"

# The normalisations in the words of Chinese evaluation practice (never the scheme's codes).
NORMALISATION_NAMES = {
    "zscore": gettext_noop("z-scores (z = (value − mean) / sd)"),
    "minmax": gettext_noop("min–max scaling"),
    "efficacy": gettext_noop("efficacy coefficients (floor to target)"),
    "target": gettext_noop("completion of a target (actual / target)"),
    "direct": gettext_noop("direct scores (expert or qualitative)"),
}


def section_name(key: str, lang: str) -> str:
    """The title of one of the six parts, without its number: '基本情况'."""
    return gettext(SECTION_TITLES[key], lang)


def normalisation_name(code: str, lang: str) -> str:
    """'标准分法（…）' for 'zscore'; an unknown (plug-in) normalisation keeps its code."""
    return gettext(NORMALISATION_NAMES[code], lang) if code in NORMALISATION_NAMES else code


def normalisations_used(scheme: Scheme) -> list[str]:
    """The normalisations the scheme's indicators actually use, in their order."""
    return list(dict.fromkeys(ind.normalisation for ind in scheme.indicators))


def uses_zscore(scheme: Scheme) -> bool:
    """Whether any indicator is scored by z-score (so 标准得分 and base + scale × z apply)."""
    return "zscore" in normalisations_used(scheme)


def scores_are_positions(scheme: Scheme) -> bool:
    """Every indicator scored by z-score: scores are positions within the year (the mean is
    about the base every year), so a change of score is a change of position."""
    return normalisations_used(scheme) == ["zscore"]


def is_assessment(scheme: Scheme) -> bool:
    """An assessment scheme (考核, the Beijing measures) rather than a performance evaluation
    (评价, the notice): the word the scheme's own (Chinese) name uses."""
    return "考核" in scheme.name


def assessment_noun(scheme: Scheme, lang: str) -> str:
    """考核 for an assessment scheme, 评价 for a performance evaluation."""
    if is_assessment(scheme):
        return pgettext("kind of round", "assessment", lang)
    return pgettext("kind of round", "evaluation", lang)


def grade_name(scheme: Scheme, grade: str | None, lang: str) -> str:
    """A unit's grade (the scheme's Chinese name, as results keep it) in ``lang``; '—' for
    none."""
    if not grade:
        return DASH
    band = next((b for b in scheme.grades if b.name == grade), None)
    return band.name_for(lang) if band is not None else grade


def section_title(key: str, position: int, lang: str) -> str:
    """'一、基本情况' (Chinese numbering) or '1. Basic information'."""
    if normalise_language(lang) == "en":
        return f"{position}. {section_name(key, lang)}"
    return f"{CHINESE_NUMERALS[position - 1]}、{section_name(key, lang)}"


def list_separator(lang: str) -> str:
    """Between the items of a list: '、' in Chinese, ', ' in English."""
    return pgettext("list separator", ", ", lang)


def series_separator(lang: str) -> str:
    """Between clauses or longer items: '；' in Chinese, '; ' in English."""
    return pgettext("series separator", "; ", lang)


def full_stop(lang: str) -> str:
    """The end of a sentence: '。' in Chinese, '.' in English."""
    return pgettext("end of a sentence", ".", lang)


def bracketed(text: str, lang: str) -> str:
    """'（说明）' in Chinese, ' (note)' in English."""
    return pgettext("in brackets", " ({text})", lang).format(text=text)


def subsection_title(position: int, title: str, lang: str) -> str:
    """'（一）数据质量说明' in Chinese; an English subsection title is not numbered."""
    if normalise_language(lang) == "en":
        return title
    return f"（{CHINESE_NUMERALS[position - 1]}）{title}"


def fmt_z(x: float | None) -> str:
    """A z-score (标准得分): two decimals."""
    return DASH if is_missing(x) else f"{float(x):.2f}"  # type: ignore[arg-type]


def fmt_share(x: float | None) -> str:
    """A share of units (a fraction) as a percentage with two decimals."""
    return fmt_ratio(x)


def fmt_weight(x: float) -> str:
    """A weight (fraction of the parent) as percent without needless decimals: 0.2 -> '20%'."""
    return f"{x * 100:.4g}%"


def fmt_rank(rank: int | None, of: int | None = None) -> str:
    if not rank:
        return DASH
    return f"{rank}/{of}" if of else str(rank)


def fmt_rank_change(change: int | None, lang: str) -> str:
    """+3 -> '上升 3 位'; -2 -> '下降 2 位'; 0 -> '持平'."""
    if change is None:
        return DASH
    if change > 0:
        return gettext("up {n}", lang).format(n=change)
    if change < 0:
        return gettext("down {n}", lang).format(n=-change)
    return pgettext("rank change", "unchanged", lang)
