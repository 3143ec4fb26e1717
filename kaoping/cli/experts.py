"""``kaoping experts template | aggregate``: the expert scoring sheets of an assessment
(docs/beijing.md; the example data under ``examples/beijing/``)."""

from __future__ import annotations

from pathlib import Path

import click

from kaoping.cli.console import guarded, show_warnings
from kaoping.cli.delivery import OutputFormat, write_atomically
from kaoping.cli.help import Group, argument, option
from kaoping.cli.inputs import recusals_option
from kaoping.cli.options import PATH, format_option, lang_option, out_option, scheme_option
from kaoping.cli.rendering import write_rows
from kaoping.scoring import load_scheme
from kaoping.scoring.experts import ExpertAggregation, aggregate_experts
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext
from kaoping.scoring.schemes import Scheme
from kaoping.tables.assessment import (
    read_expert_scores,
    read_experts,
    read_recusals,
    read_units,
    write_expert_sheet,
)

DEFAULT_SCHEME = "beijing-district-comprehensive"

experts_group = Group(
    "experts",
    help=gettext_noop("Expert scoring: write the scoring sheet, aggregate the experts' scores."),
    no_args_is_help=True,
)


def aggregate_expert_sheet(
    scheme: Scheme, sheet: Path, recusals: Path | None, unit_codes: list[str] | None
) -> ExpertAggregation:
    """The scheme's aggregation of a filled-in scoring sheet, recused pairs left out."""
    scores = read_expert_scores(scheme, sheet)
    tied = read_recusals(recusals) if recusals is not None else []
    return aggregate_experts(scheme, scores, tied, unit_codes)


@experts_group.command(
    "template",
    help=gettext_noop(
        "Write the expert scoring sheet (expert x unit x qualitative item, with the maximum "
        "scores and data validation)."
    ),
)
@option(
    "--units",
    "-u",
    type=PATH,
    required=True,
    help=gettext_noop("list of the assessed units (unit code, unit name)"),
)
@option(
    "--experts",
    "-e",
    type=PATH,
    required=True,
    help=gettext_noop("list of the experts (expert, professional panel)"),
)
@scheme_option(DEFAULT_SCHEME)
@recusals_option
@option(
    "--output",
    "-o",
    "out",
    type=PATH,
    help=gettext_noop("output .xlsx (default: “expert scores.xlsx” in the chosen language)"),
)
@lang_option
@guarded
def experts_template_command(
    units: Path,
    experts: Path,
    scheme: str,
    recusals: Path | None,
    out: Path | None,
    lang: str,
) -> None:
    """The scoring sheet the experts fill in, recused pairs left out."""
    out = out or Path(gettext("expert scores.xlsx", lang))
    loaded = load_scheme(scheme)
    unit_list, expert_list = read_units(units), read_experts(experts)
    tied = read_recusals(recusals) if recusals else []
    count = [0]

    def write(path: Path) -> None:
        count[0] = write_expert_sheet(loaded, path, expert_list, unit_list, tied, lang)

    write_atomically(out, write)
    message = gettext("wrote {path} ({n} rows: {e} experts x {u} units, recusals left out)", lang)
    click.echo(message.format(path=out, n=count[0], e=len(expert_list), u=len(unit_list)))


@experts_group.command(
    "aggregate",
    help=gettext_noop(
        "Aggregate the experts' scores (by the scheme's rule) and flag disagreement."
    ),
)
@argument("sheet", gettext_noop("expert scoring sheet"), type=PATH)
@scheme_option(DEFAULT_SCHEME)
@recusals_option
@option(
    "--units",
    "-u",
    type=PATH,
    help=gettext_noop("list of this round's units, to check the unit codes"),
)
@format_option(OutputFormat.table)
@out_option("out")
@lang_option
@guarded
def experts_aggregate_command(
    sheet: Path,
    scheme: str,
    recusals: Path | None,
    units: Path | None,
    format: OutputFormat,
    out: Path | None,
    lang: str,
) -> None:
    """Each unit's score on each qualitative item, from its experts' scores."""
    loaded = load_scheme(scheme)
    codes = [c for c, _ in read_units(units)] if units else None
    aggregation = aggregate_expert_sheet(loaded, sheet, recusals, codes)
    show_warnings(aggregation.warnings, lang)
    rules = aggregation.rules
    headers = [
        pgettext("cli column", "panel", lang),
        pgettext("cli column", "unit", lang),
        pgettext("cli column", "item", lang),
        pgettext("cli column", "max", lang),
        pgettext("cli column", "experts", lang),
        pgettext("cli column", "score", lang),
        pgettext("cli column", "spread", lang),
        pgettext("cli column", "flagged", lang),
    ]
    rows = []
    for a in sorted(aggregation.aggregates, key=lambda a: (a.item, a.unit_code)):
        panel = rules.panel_of(a.item)
        rows.append(
            [
                panel.name if panel else "",
                a.unit_code,
                a.item,
                a.max,
                a.n_experts,
                a.value,
                a.spread,
                a.flagged,
            ]
        )
    document = {
        "scheme": loaded.code,
        "rule": rules.rule,
        "trim_min_experts": rules.trim_min_experts,
        "dispersion": rules.dispersion,
        "dispersion_threshold": rules.dispersion_threshold,
        "items": [
            {
                "unit": a.unit_code,
                "item": a.item,
                "field": a.field,
                "max": a.max,
                "scores": list(a.scores),
                "kept": list(a.kept),
                "value": a.value,
                "spread": a.spread,
                "flagged": a.flagged,
            }
            for a in aggregation.aggregates
        ],
        "panels": aggregation.panel_table(),
        "warnings": [w.render(lang) for w in aggregation.warnings],
    }
    title = gettext("expert scores ({rule})", lang).format(rule=rule_name(rules.rule, lang))
    sheet_name = pgettext("cli sheet", "Expert scores", lang)
    write_rows(format, out, lang, headers, rows, document, title, sheet=sheet_name)


def rule_name(rule: str, lang: str) -> str:
    """The name of an aggregation rule of expert scores."""
    names = {
        "mean": pgettext("expert rule", "mean", lang),
        "median": pgettext("expert rule", "median", lang),
        "trimmed_mean": pgettext("expert rule", "trimmed mean", lang),
    }
    return names[rule]
