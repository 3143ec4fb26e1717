"""``kaoping compare``: year-on-year (同比) and sequential (环比) changes of the totals,
first-level group scores and ranks (docs/beijing.md)."""

from __future__ import annotations

from pathlib import Path

from kaoping.cli.console import fail, guarded
from kaoping.cli.delivery import OutputFormat, output_format
from kaoping.cli.help import argument, command, option
from kaoping.cli.inputs import InputFiles, input_options, period_option, run_assessment
from kaoping.cli.options import PATH, format_option, lang_option, out_option, scheme_option
from kaoping.cli.rendering import write_rows
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext

DEFAULT_SCHEME = "beijing-district-comprehensive"


def comparison_headers(lang: str) -> dict[str, str]:
    """The titles of the comparison's columns other than the indicator groups."""
    return {
        "code": pgettext("cli column", "code", lang),
        "name": pgettext("cli column", "name", lang),
        "period": pgettext("cli column", "period", lang),
        "total": pgettext("cli column", "total", lang),
        "rank": pgettext("comparison column", "rank", lang),
        "sequential_change": pgettext("cli column", "sequential", lang),
        "year_on_year_change": pgettext("cli column", "year on year", lang),
        "rank_change": pgettext("cli column", "places gained", lang),
    }


@command(
    "compare",
    help=gettext_noop(
        "Year-on-year and sequential changes of the totals, first-level scores and ranks."
    ),
)
@argument("data", gettext_noop("this period's base data"), type=PATH)
@scheme_option(DEFAULT_SCHEME)
@input_options()
@period_option
@option(
    "--top",
    type=int,
    default=3,
    help=gettext_noop("how many units with the largest gains and losses"),
)
@format_option()
@out_option("out")
@lang_option
@guarded
def compare_command(
    data: Path,
    scheme: str,
    inputs: InputFiles,
    period: str | None,
    top: int,
    format: OutputFormat | None,
    out: Path | None,
    lang: str,
) -> None:
    """Each unit's changes against the earlier periods, and who moved most."""
    if not inputs.previous:
        fail(gettext("give the earlier periods' data with --previous (-p, repeatable)", lang))
    result = run_assessment(
        lang,
        data,
        scheme,
        inputs,
        period=period,
    )
    cmp = result.comparison
    assert cmp is not None
    rows_dicts = cmp.rows()
    keys = [
        "code",
        "name",
        "period",
        "total",
        "rank",
        "sequential_change",
        "year_on_year_change",
        "rank_change",
        *cmp.groups,
    ]
    names = comparison_headers(lang)
    headers = [names[k] if k in names else f"{k} {cmp.group_names[k]}" for k in keys]
    rows = [[r[k] for k in keys] for r in rows_dicts]
    up, down = cmp.movers("sequential", top)
    document = {
        "scheme": result.scheme.code,
        "periods": [p.label for p in cmp.periods],
        "units": [
            {"code": u.code, "name": u.name, "total": u.total, "rank": u.rank}
            for u in result.units()
        ],
        "rows": rows_dicts,
        "most_improved": [{"code": c, "name": n, "change": x} for c, n, x in up],
        "most_declined": [{"code": c, "name": n, "change": x} for c, n, x in down],
    }
    separator = pgettext("list separator", ", ", lang)
    title = gettext("most improved: {up}\nmost declined: {down}", lang).format(
        up=separator.join(f"{n} {x:+.2f}" for _, n, x in up) or "—",
        down=separator.join(f"{n} {x:+.2f}" for _, n, x in down) or "—",
    )
    sheet = pgettext("cli sheet", "Comparison", lang)
    write_rows(output_format(format, out), out, lang, headers, rows, document, title, sheet=sheet)
