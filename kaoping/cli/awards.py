"""``kaoping awards``: the assessment's ranking, award tiers (comprehensive and special
awards) and criticism list (docs/beijing.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaoping.cli.console import guarded
from kaoping.cli.delivery import OutputFormat, output_format
from kaoping.cli.help import argument, command
from kaoping.cli.inputs import InputFiles, input_options, run_assessment
from kaoping.cli.options import PATH, format_option, lang_option, out_option, scheme_option
from kaoping.cli.rendering import write_rows
from kaoping.scoring.assessment import AssessmentResult
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext

DEFAULT_SCHEME = "beijing-district-comprehensive"


def award_rows(result: AssessmentResult, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the awards table, one row per unit in rank order."""
    headers = [
        pgettext("cli column", "rank", lang),
        pgettext("cli column", "award rank", lang),
        pgettext("cli column", "code", lang),
        pgettext("cli column", "name", lang),
        pgettext("cli column", "bonus", lang),
        pgettext("cli column", "total", lang),
        pgettext("cli column", "tier", lang),
        pgettext("cli column", "coefficient", lang),
        pgettext("cli column", "criticised", lang),
        pgettext("cli column", "reason", lang),
    ]
    tiers = {t.name: t for t in result.awards.rules.tiers}
    rows = []
    for u in result.units():
        d = result.decision(u.code)
        rows.append(
            [
                u.rank,
                d.rank if u.tier else None,
                u.code,
                u.name,
                u.bonus,
                u.total,
                tiers[u.tier].name_for(lang) if u.tier else None,
                u.coefficient if u.tier else None,
                pgettext("cli cell", "yes", lang)
                if u.criticised
                else pgettext("cli cell", "no", lang),
                u.reason_text(lang) or None,
            ]
        )
    return headers, rows


def awards_document(result: AssessmentResult, lang: str) -> dict[str, Any]:
    """The awards as JSON; ``kaoping certificates``, ``allocate`` and ``report --awards``
    read it back as it is."""
    rules = result.awards.rules
    ev = result.evaluation
    return {
        "scheme": {
            "code": result.scheme.code,
            "version": result.scheme.version,
            "sha256": result.scheme.sha256,
        },
        "period": result.assessment.period_label,
        "input_sha256": result.data.sha256,
        "award": rules.name,
        "pass_line": rules.pass_line,
        "method": rules.method,
        "tiers": [
            {"name": t.name, "min": t.min, "share": t.share, "coefficient": t.coefficient}
            for t in rules.tiers
        ],
        "counts": result.awards.counts(),
        "units": [
            {
                **u.to_dict(lang),
                "award_rank": result.decision(u.code).rank if u.tier else None,
                "adjustments": [
                    {"points": a.points, "reason": a.reason, "reference": a.reference}
                    for a in ev.adjustments_of(u.code)
                ],
            }
            for u in result.units()
        ],
        "criticism_list": [
            {"code": d.unit_code, "name": d.unit_name, "reason": d.reason_text(lang)}
            for d in result.criticism_list
        ],
        "warnings": [w.render(lang) for w in result.warnings],
    }


@command(
    "awards",
    help=gettext_noop(
        "Assessment ranking, comprehensive and special award tiers, and the criticism list."
    ),
)
@argument("data", gettext_noop("base data"), type=PATH)
@scheme_option(DEFAULT_SCHEME)
@input_options()
@format_option()
@out_option("out")
@lang_option
@guarded
def awards_command(
    data: Path,
    scheme: str,
    inputs: InputFiles,
    format: OutputFormat | None,
    out: Path | None,
    lang: str,
) -> None:
    """The award decisions of the assessment, as a table, CSV, JSON or Excel."""
    result = run_assessment(
        lang,
        data,
        scheme,
        inputs,
    )
    decisions = result.awards
    headers, rows = award_rows(result, lang)
    counts = pgettext("list separator", ", ", lang).join(
        f"{k} {v}" for k, v in decisions.counts().items()
    )
    title = gettext("{award} ({scheme}): {counts}; criticised: {c}", lang).format(
        award=decisions.rules.name,
        scheme=result.scheme.code,
        counts=counts,
        c=len(decisions.criticised),
    )
    write_rows(
        output_format(format, out),
        out,
        lang,
        headers,
        rows,
        awards_document(result, lang),
        title,
        sheet=pgettext("cli sheet", "Awards", lang),
    )
