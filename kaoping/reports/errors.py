"""Problems with the inputs of reports (narratives files, award lists), through the project's catalogues.

They are :class:`kaoping.scoring.errors.Problem` objects with their own catalogue, so the
command line's ``guarded`` prints them like every other input problem (place, then message)
and exits with status 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaoping.scoring.errors import KaopingError, Problem
from kaoping.scoring.i18n import DEFAULT_LANGUAGE, gettext, gettext_noop

REPORT_MESSAGES: dict[str, str] = {
    "report.unreadable": gettext_noop("cannot read the file: {reason}"),
    "report.bad_format": gettext_noop("the file is not valid {format}: {reason}"),
    "report.unsupported": gettext_noop(
        "unsupported file type “{suffix}”, expected .toml, .json or .md"
    ),
    "report.unknown_section": gettext_noop(
        "unknown report part “{name}”, expected one of: {expected}"
    ),
    "report.unknown_unit": gettext_noop("the unit code “{unit}” is not among the units evaluated"),
    "report.not_text": gettext_noop("the content of “{name}” should be text"),
    "report.award_field": gettext_noop("item {item} lacks “{key}”"),
    "report.no_unit": gettext_noop(
        "choose a unit with --unit, or every unit with --all, or the round report with --round"
    ),
    "report.final_drafts": gettext_noop(
        "the final report still has system-generated draft parts: {sections}. Give the agency's text (--narratives) first"
    ),
    "report.final_missing": gettext_noop("the final report lacks signing details: {options}"),
    "certificate.missing": gettext_noop("certificates need the {what} ({option})"),
    "report.awards_mismatch": gettext_noop(
        "the award list disagrees with this assessment: “{unit}” is “{given}” in the list but “{tier}” by the result (make the list with kaoping awards from the same inputs)"
    ),
    "report.no_awards": gettext_noop("the award list is empty: no certificates to make"),
}


@dataclass(frozen=True)
class ReportProblem(Problem):
    """A :class:`Problem` whose message lives in :data:`REPORT_MESSAGES`."""

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        template = (
            gettext(REPORT_MESSAGES[self.code], lang) if self.code in REPORT_MESSAGES else self.code
        )
        values = {k: v for k, v in self.params.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template


class ReportInputError(KaopingError):
    """An input of a report (narratives, awards) cannot be used."""
