"""``kaoping robustness``: how robust is the ranking? Monte Carlo over the uncertain choices
(weights, normalisation, sd, not-applicable policy); see ``docs/robustness.md``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from kaoping.cli.console import guarded
from kaoping.cli.delivery import OutputFormat, deliver, output_format
from kaoping.cli.help import command, option
from kaoping.cli.inputs import InputFiles, input_options, run_assessment
from kaoping.cli.options import data_argument, format_option, lang_option, out_option, scheme_option
from kaoping.cli.rendering import render_table
from kaoping.reports.safe import safe_text
from kaoping.scoring import KaopingError, Problem
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext
from kaoping.scoring.robustness import (
    RobustnessOptions,
    RobustnessResult,
    analyse_assessment,
    parse_tier_quotas,
)
from kaoping.scoring.schemes import NA_POLICIES, SD_KINDS

DEFAULT_SCHEME = "mof-2012"


def header(key: str, lang: str) -> str:
    """The title of one of the tables' columns."""
    headers = {
        "code": pgettext("cli column", "Code", lang),
        "name": pgettext("cli column", "Unit", lang),
        "nominal_rank": pgettext("robustness column", "Rank", lang),
        "median_rank": pgettext("cli column", "Median rank", lang),
        # xgettext:no-python-format
        "interval": pgettext("cli column", "5–95% rank interval", lang),
        "p05_rank": pgettext("cli column", "Rank p5", lang),
        "p95_rank": pgettext("cli column", "Rank p95", lang),
        "mean_rank": pgettext("cli column", "Mean rank", lang),
        "factor": pgettext("cli column", "Choice", lang),
        "levels": pgettext("cli column", "Alternatives", lang),
        "first_order": pgettext("cli column", "First-order", lang),
        "total": pgettext("cli column", "Total effect", lang),
        "shift": pgettext("cli column", "Mean rank shift", lang),
    }
    return headers[key]


@command(
    "robustness",
    help=gettext_noop(
        "Ranking robustness: how ranks and tiers change when the weights, the normalisation "
        "and other choices differ."
    ),
)
@data_argument
@scheme_option(DEFAULT_SCHEME)
@input_options(previous=False)
@option("--replicates", "-n", type=int, default=1000, help=gettext_noop("Monte Carlo replicates"))
@option(
    "--weight-spread",
    type=float,
    default=0.25,
    # xgettext:no-python-format
    help=gettext_noop("how far the weights are perturbed, 0.25 for ±25%"),
)
@option(
    "--normalisations",
    default="zscore,minmax",
    help=gettext_noop("alternative normalisations (scheme: the scheme's own)"),
)
@option("--sd", default=",".join(SD_KINDS), help=gettext_noop("alternative kinds of sd"))
@option(
    "--na",
    default=",".join(NA_POLICIES),
    help=gettext_noop("alternative treatments of not-applicable indicators"),
)
@option(
    "--imputations",
    default="",
    help=gettext_noop("alternative imputations of missing values: none,group_mean,group_median"),
)
@option(
    "--treatments",
    default="",
    help=gettext_noop("alternative treatments of outliers, e.g. none,log,winsorise:1-5"),
)
@option(
    "--aggregations",
    default="",
    help=gettext_noop("alternative aggregations: arithmetic,geometric"),
)
@option(
    "--weight-levels",
    default="",
    help=gettext_noop("the levels whose weights are perturbed, e.g. 2,3 (1: the indicators)"),
)
@option(
    "--weight-sets",
    type=int,
    default=0,
    help=gettext_noop("weight sets drawn beforehand; 0 draws afresh each time"),
)
@option(
    "--expert-resamples",
    type=int,
    default=0,
    help=gettext_noop("resampled sets of each item's experts; 0 resamples none"),
)
@option(
    "--bonus",
    default="",
    help=gettext_noop(
        "alternatives for the bonus points, e.g. on,off,uniform (uniform: each time a "
        "uniformly drawn share of the points entered, 0 to 100 percent)"
    ),
)
@option(
    "--sensitivity-output",
    default="ranks",
    help=gettext_noop("what the sensitivity is of: ranks or mean_rank_change"),
)
@option(
    "--tiers",
    help=gettext_noop(
        "tiers by shares of the ranks, e.g. A:20,B:30 (default: the scheme's grades)"
    ),
)
@option(
    "--sensitivity-replicates",
    type=int,
    default=1000,
    help=gettext_noop("base sample of the sensitivity analysis; 0 for none"),
)
@option(
    "--seed",
    type=int,
    default=0,
    help=gettext_noop("random seed: the same seed gives the same results"),
)
@format_option()
@out_option()
@lang_option
@guarded
def robustness_command(
    data: Path,
    scheme: str,
    inputs: InputFiles,
    replicates: int,
    weight_spread: float,
    normalisations: str,
    sd: str,
    na: str,
    imputations: str,
    treatments: str,
    aggregations: str,
    weight_levels: str,
    weight_sets: int,
    expert_resamples: int,
    bonus: str,
    sensitivity_output: str,
    tiers: str | None,
    sensitivity_replicates: int,
    seed: int,
    format: OutputFormat | None,
    output: Path | None,
    lang: str,
) -> None:
    """Monte Carlo over the uncertain choices; rank distributions and sensitivity."""
    options = RobustnessOptions(
        replicates=replicates,
        weight_spread=weight_spread,
        normalisations=_names(normalisations),
        sd_kinds=_names(sd),
        na_policies=_names(na),
        tiers=parse_tier_quotas(tiers) if tiers else None,
        sensitivity_replicates=sensitivity_replicates,
        seed=seed,
        imputations=_names(imputations),
        treatments=_treatments(treatments),
        aggregations=_names(aggregations),
        weight_levels=_levels(weight_levels, lang),
        weight_sets=weight_sets,
        expert_resamples=expert_resamples,
        bonus_levels=_names(bonus),
        sensitivity_output=sensitivity_output,
    )
    assessed = run_assessment(lang, data, scheme, inputs)
    result = analyse_assessment(assessed, options)
    texts = {
        OutputFormat.table: lambda: robustness_table(result, lang),
        OutputFormat.json: lambda: json.dumps(
            robustness_json(result, lang), ensure_ascii=False, indent=2
        ),
        OutputFormat.csv: lambda: robustness_csv(result, lang),
    }
    deliver(
        lang,
        output_format(format, output),
        output,
        texts=texts,
        xlsx=lambda p: write_workbook(result, p, lang),
    )


def robustness_json(result: RobustnessResult, lang: str) -> dict[str, Any]:
    """The analysis as JSON; each unit also carries the assessment's ``total`` and ``rank``
    under the names every command uses."""
    document = result.to_dict(lang)
    for unit in document.get("units", []):
        unit.setdefault("total", unit.get("nominal_total"))
        unit.setdefault("rank", unit.get("nominal_rank"))
    return document


def _names(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.replace("，", ",").split(",") if p.strip())


def _treatments(text: str) -> tuple[str, ...]:
    """``winsorise:1-5`` stands for winsorise:1, ..., winsorise:5."""
    out: list[str] = []
    for name in _names(text):
        head, _, span = name.partition(":")
        low, dash, high = span.partition("-")
        if head == "winsorise" and dash and low.isdigit() and high.isdigit():
            out += [f"winsorise:{k}" for k in range(int(low), int(high) + 1)]
        else:
            out.append(name)
    return tuple(out)


def _levels(text: str, lang: str) -> tuple[int, ...] | None:
    """Weight levels as numbers (``2,3``); anything else is refused, naming the option."""
    names = _names(text)
    if not all(n.isdigit() for n in names):
        raise KaopingError(
            [
                Problem(
                    "robustness.bad_option",
                    column="--weight-levels",
                    params={
                        "option": "--weight-levels",
                        "value": text,
                        "expected": gettext("levels from 1, e.g. 2,3", lang),
                    },
                )
            ]
        )
    return tuple(int(n) for n in names) if names else None


# --- rendering ------------------------------------------------------------------------------


def _rank(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def unit_table_rows(
    result: RobustnessResult, lang: str
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Headers and rows of the per-unit table (text cells)."""
    tier_names = result.tiers.names_for(lang)
    headers = {
        k: header(k, lang) for k in ("code", "name", "nominal_rank", "median_rank", "interval")
    }
    headers.update({f"tier:{t}": f"P({t})" for t in tier_names})
    rows = []
    for row in result.unit_rows(lang):
        shown = {
            "code": row["code"],
            "name": row["name"],
            "nominal_rank": _rank(row["nominal_rank"]),
            "median_rank": _rank(row["median_rank"]),
            "interval": f"{_rank(row['p05_rank'])}–{_rank(row['p95_rank'])}",
        }
        shown.update({f"tier:{t}": f"{p:.3f}" for t, p in row["tiers"].items()})
        rows.append(shown)
    return headers, rows


def sensitivity_table_rows(
    result: RobustnessResult, lang: str
) -> tuple[dict[str, str], list[dict[str, str]]]:
    headers = {k: header(k, lang) for k in ("factor", "levels", "first_order", "total", "shift")}
    spread = result.options.weight_spread
    rows = [
        {
            "factor": s.label(lang, spread),
            "levels": s.levels_text(lang),
            "first_order": _share(s.first_order),
            "total": _share(s.total),
            "shift": f"{s.mean_rank_shift:.2f}",
        }
        for s in result.ranked_sensitivity()
    ]
    return headers, rows


def robustness_table(result: RobustnessResult, lang: str) -> str:
    """The terminal report: per-unit rank distribution, then the sensitivity table."""
    o = result.options
    title = gettext(
        "Ranking robustness: {name} ({code} v{version}), {n} units, {r} replicates, "
        "weights ±{spread:.0%}, seed {seed}",
        lang,
    ).format(
        name=result.scheme.name_for(lang),
        code=result.scheme.code,
        version=result.scheme.version,
        n=len(result.units),
        r=o.replicates,
        spread=o.weight_spread,
        seed=o.seed,
    )
    basis = gettext("tiers: the scheme's grade bands (totals)", lang)
    if result.tiers.kind == "rank_quotas":
        basis = gettext("tiers: rank quotas", lang)
    elif result.tiers.kind == "awards":
        basis = gettext(
            "tiers: the scheme's award rules (pass line, quotas, eligibility, veto)", lang
        )
    elif result.tiers.kind == "none":
        basis = gettext(
            "the normalisation varies, so score thresholds (grades, pass line) have no "
            "common scale: no tier probabilities (use --tiers for rank quotas)",
            lang,
        )
    parts = [
        title,
        basis,
        *(w.text(lang) for w in result.warnings),
        render_table(*unit_table_rows(result, lang)),
    ]
    if result.sensitivity:
        parts += [
            "",
            gettext(
                "Which choice moves the ranks most (base sample {ns}, Saltelli/Jansen "
                "estimators; shares of the rank variance summed over units)",
                lang,
            ).format(ns=o.sensitivity_replicates),
            render_table(*sensitivity_table_rows(result, lang)),
        ]
    elif o.sensitivity_replicates and not o.varying():
        parts += [
            "",
            gettext("Nothing varies: no sensitivity analysis.", lang),
        ]
    if result.weight_redraws:
        parts.append(
            gettext(
                "Note: {k} perturbed weight sets broke the scheme's constraints and were redrawn.",
                lang,
            ).format(k=result.weight_redraws)
        )
    return "\n".join(parts)


def robustness_csv(result: RobustnessResult, lang: str) -> str:
    """One row per unit: numbers unrounded, tier probabilities as shares."""
    names = result.tiers.names_for(lang)
    keys = ["code", "name", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_rank"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header(k, lang) for k in keys] + [f"P({t})" for t in names])
    for row in result.unit_rows(lang):
        cells = [_plain(row[k]) for k in keys] + [row["tiers"][t] for t in names]
        writer.writerow([safe_text(c) for c in cells])
    return buffer.getvalue().rstrip("\n")


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_workbook(result: RobustnessResult, path: Path, lang: str) -> None:
    """Sheets: per-unit rank distribution, sensitivity, and the options used."""
    from openpyxl import Workbook  # the Excel writer (0.4 s of imports): only for -f xlsx
    from openpyxl.styles import Font

    wb = Workbook()
    units = wb.active
    units.title = pgettext("cli sheet", "Robustness", lang)
    names = result.tiers.names_for(lang)
    keys = ["code", "name", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_rank"]
    units.append([header(k, lang) for k in keys] + [f"P({t})" for t in names])
    for row in result.unit_rows(lang):
        units.append([safe_text(row[k]) for k in keys] + [row["tiers"][t] for t in names])
    sens = wb.create_sheet(pgettext("cli sheet", "Sensitivity", lang))
    sens.append([header(k, lang) for k in ("factor", "levels", "first_order", "total", "shift")])
    for s in result.ranked_sensitivity():
        sens.append(
            [
                s.label(lang, result.options.weight_spread),
                s.levels_text(lang),
                s.first_order,
                s.total,
                s.mean_rank_shift,
            ]
        )
    about = wb.create_sheet(pgettext("cli sheet", "Options", lang))
    for key, value in result.to_dict(lang)["options"].items():
        about.append(
            [key, json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value]
        )
    for ws in (units, sens):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    wb.save(path)
