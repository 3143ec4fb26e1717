"""``kaoping allocate``: share the reward fund by the award tiers' coefficients (largest
remainder, so the amounts add up to the total; docs/beijing.md)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import click

from kaoping.cli.console import guarded
from kaoping.cli.delivery import OutputFormat, output_format
from kaoping.cli.help import argument, command, option
from kaoping.cli.inputs import InputFiles, input_options, run_assessment
from kaoping.cli.options import PATH, format_option, lang_option, out_option, scheme_option
from kaoping.cli.rendering import write_rows
from kaoping.scoring import DataError
from kaoping.scoring.allocation import Share, allocate, total_of
from kaoping.scoring.assessment import RewardFund
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext
from kaoping.tables.assessment import read_recipients, read_register

DEFAULT_SCHEME = "beijing-district-comprehensive"


class Precision(StrEnum):
    yuan = "yuan"
    fen = "fen"


def _precision(ctx: click.Context, param: click.Parameter, value: str) -> Precision:
    return Precision(value)


@command(
    "allocate",
    help=gettext_noop(
        "Share the reward fund by the award tiers' coefficients (largest remainder: the "
        "amounts add up to the total)."
    ),
)
@argument(
    "source",
    gettext_noop("base data, or the award list written by kaoping awards"),
    type=PATH,
)
@option("--total", required=True, help=gettext_noop("total of the reward fund, in yuan"))
@scheme_option(DEFAULT_SCHEME)
@input_options()
@option(
    "--units",
    "-u",
    type=PATH,
    help=gettext_noop(
        "register of this round's assessed units (required when the award list is made by hand)"
    ),
)
@option("--by-score", is_flag=True, help=gettext_noop("share by coefficient x total score"))
@option(
    "--precision",
    type=click.Choice([p.value for p in Precision]),
    default=Precision.yuan.value,
    callback=_precision,
    help=gettext_noop("amounts in whole yuan or in fen"),
)
@format_option()
@out_option("out")
@lang_option
@guarded
def allocate_command(
    source: Path,
    total: str,
    scheme: str,
    inputs: InputFiles,
    units: Path | None,
    by_score: bool,
    precision: Precision,
    format: OutputFormat | None,
    out: Path | None,
    lang: str,
) -> None:
    """The amount of each winner, from base data (the whole assessment) or an award list."""
    fund = RewardFund(total, by_score=by_score, precision=precision.value)
    try:
        recipients = read_recipients(source)
    except DataError as exc:
        if not all(p.code == "assessment.missing_column" for p in exc.problems):
            raise
        recipients = None
    shares: list[Share]
    ranks: dict[str, tuple[float | None, int | None]]
    if recipients is None:  # base data: the whole assessment, with the fund
        result = run_assessment(
            lang,
            source,
            scheme,
            inputs,
            fund=fund,
        )
        shares = list(result.allocation or ())
        ranks = {u.code: (u.total, u.rank) for u in result.units()}
    else:
        shares = allocate(
            total,
            recipients,
            by_score=by_score,
            precision=precision.value,
            register=read_register(source, units),
        )
        ranks = {r.code: (r.score, r.rank) for r in recipients}
    headers = [
        pgettext("cli column", "code", lang),
        pgettext("cli column", "name", lang),
        pgettext("cli column", "tier", lang),
        pgettext("cli column", "weight", lang),
        pgettext("cli column", "exact", lang),
        pgettext("cli column", "amount (yuan)", lang),
    ]
    scale = 100 if precision is Precision.fen else 1
    # Amounts are numbers (whole yuan, or yuan with fen), so SUM in Excel works.
    rows = [
        [
            s.code,
            s.name,
            s.tier,
            float(s.weight),
            float(s.exact) / scale,
            int(s.amount) if precision is Precision.yuan else float(s.amount),
        ]
        for s in shares
    ]
    document = {
        "total": str(total_of(shares)),
        "precision": precision.value,
        "by_score": by_score,
        "method": "largest_remainder",
        "shares": [
            {
                "code": s.code,
                "name": s.name,
                "tier": s.tier,
                "total": ranks.get(s.code, (None, None))[0],
                "rank": ranks.get(s.code, (None, None))[1],
                "weight": float(s.weight),
                "amount": str(s.amount),
            }
            for s in shares
        ],
    }
    title = gettext("reward fund: {t} yuan in all", lang).format(t=total_of(shares))
    write_rows(
        output_format(format, out),
        out,
        lang,
        headers,
        rows,
        document,
        title,
        sheet=pgettext("cli sheet", "Reward fund", lang),
        totals=headers[4:],
    )
