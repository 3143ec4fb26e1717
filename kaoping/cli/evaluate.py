"""``kaoping evaluate | explain | template | schemes``: the scoring engine's commands
(``check`` lives in :mod:`kaoping.cli.check`, which needs none of the assessment)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from kaoping.cli.console import guarded
from kaoping.cli.delivery import OutputFormat, deliver, output_format, write_atomically
from kaoping.cli.help import command, option
from kaoping.cli.inputs import InputFiles, input_options, run_assessment
from kaoping.cli.options import (
    PATH,
    data_argument,
    format_option,
    lang_option,
    out_option,
    scheme_option,
)
from kaoping.cli.rendering import render_table
from kaoping.reports.safe import safe_text
from kaoping.scoring import (
    EvaluationResult,
    UnitRef,
    builtin_scheme_codes,
    explain,
    load_scheme,
    ranking_rows,
)
from kaoping.scoring.assessment import AssessmentResult, UnitOutcome
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext
from kaoping.scoring.schemes import scheme_text
from kaoping.scoring.serialise import iter_json, ranking_columns, result_document
from kaoping.tables.assessment import read_units

DEFAULT_SCHEME = "mof-2012"


def ranking_headers(lang: str) -> dict[str, str]:
    """The titles of the ranking's columns other than the indicator groups."""
    return {
        "rank": pgettext("cli column", "Rank", lang),
        "code": pgettext("cli column", "Code", lang),
        "name": pgettext("cli column", "Unit", lang),
        "total": pgettext("cli column", "Total", lang),
        "grade": pgettext("cli column", "Grade", lang),
        "bonus": pgettext("cli column", "Bonus", lang),
        "previous_total": pgettext("cli column", "Prev. total", lang),
        "previous_rank": pgettext("cli column", "Prev. rank", lang),
        "change": pgettext("cli column", "Change", lang),
        "rank_change": pgettext("cli column", "Rank change", lang),
    }


def unit_document(result: AssessmentResult, lang: str) -> dict[str, Any]:
    """The evaluation's JSON, each unit with its pass / fail, tier and criticism added; the
    units as a generator, written one at a time (:func:`iter_json`)."""
    decisions = {d.unit_code: d for d in result.awards.decisions}
    codes = result.evaluation.codes

    def extend(u: int, entry: dict[str, Any]) -> None:
        d = decisions[codes[u]]
        entry.update(
            passed=d.passed,
            tier=d.tier,
            criticised=d.criticised,
            reasons=[p.text(lang) for p in d.reasons],
        )

    document = result_document(result.evaluation, lang, extend)
    document["warnings"] = [w.text(lang) for w in result.warnings]
    return document


@command("evaluate", help=gettext_noop("Evaluate all units: scores, ranks and grades."))
@data_argument
@scheme_option(DEFAULT_SCHEME)
@input_options()
@format_option()
@out_option()
@lang_option
@guarded
def evaluate_command(
    data: Path,
    scheme: str,
    inputs: InputFiles,
    format: OutputFormat | None,
    output: Path | None,
    lang: str,
) -> None:
    """Evaluate every unit and print or write the ranking."""
    assessed = run_assessment(
        lang,
        data,
        scheme,
        inputs,
    )
    result = assessed.evaluation

    def xlsx(path: Path) -> None:
        from kaoping.reports.workbook import write_results_workbook  # openpyxl: only for xlsx

        write_results_workbook(result, path, lang)

    texts = {
        OutputFormat.table: lambda: ranking_table(result, lang),
        # Compact and streamed: memory stays flat however many units (docs/performance.md).
        OutputFormat.json: lambda: iter_json(unit_document(assessed, lang)),
        OutputFormat.csv: lambda: ranking_csv(result, lang),
    }
    deliver(lang, output_format(format, output), output, texts=texts, xlsx=xlsx)


@command("explain", help=gettext_noop("Show the whole derivation of a unit's total."))
@data_argument
@option("--unit", "-u", required=True, help=gettext_noop("unit code"))
@scheme_option(DEFAULT_SCHEME)
@input_options()
@option("--format", "-f", "format", default="text", help=gettext_noop("text or json"))
@lang_option
@guarded
def explain_command(
    data: Path,
    unit: str,
    scheme: str,
    inputs: InputFiles,
    format: str,
    lang: str,
) -> None:
    """The derivation of one unit's total, down to the raw cells."""
    assessed = run_assessment(
        lang,
        data,
        scheme,
        inputs,
    )
    explanation = explain(assessed.evaluation, unit)
    outcome = assessed.unit(unit)
    if format == "json":
        document = {
            "code": outcome.code,
            "total": outcome.total,
            "rank": outcome.rank,
            **explanation.to_dict(),
            **outcome.to_dict(lang),
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        click.echo(explanation.render(lang))
        if outcome.tier or outcome.reasons:
            click.echo(award_line(assessed, outcome, lang))


@command("template", help=gettext_noop("Write the base-data Excel template (as in annex 2)."))
@option(
    "--output",
    "-o",
    type=PATH,
    help=gettext_noop("output .xlsx file (default: “base data.xlsx” in the chosen language)"),
)
@scheme_option(DEFAULT_SCHEME)
@option(
    "--units",
    type=PATH,
    help=gettext_noop("list of units to pre-fill (with unit_code and unit_name columns)"),
)
@option("--year", type=int, help=gettext_noop("year of the evaluation"))
@lang_option
@guarded
def template_command(
    output: Path | None, scheme: str, units: Path | None, year: int | None, lang: str
) -> None:
    """The base-data template of a scheme, optionally with the units filled in."""
    output = output or Path(gettext("base data.xlsx", lang))
    from kaoping.tables.template import write_template  # the Excel writer: only when asked

    loaded = load_scheme(scheme)
    unit_refs = None
    if units:
        unit_refs = [UnitRef(code, name or code, year) for code, name in read_units(units)]
    write_atomically(
        output, lambda p: write_template(loaded, p, units=unit_refs, year=year, lang=lang)
    )
    click.echo(gettext("wrote {path}", lang).format(path=output))


@command("schemes", help=gettext_noop("List the built-in schemes."))
@option("--show", help=gettext_noop("print the whole file of a scheme"))
@lang_option
@guarded
def schemes_command(show: str | None, lang: str) -> None:
    """The built-in schemes, or one scheme's file."""
    if show:
        load_scheme(show)  # validates, and names the available codes when unknown
        text = scheme_text(show)
        click.echo(text)
        return
    rows = []
    for code in builtin_scheme_codes():
        s = load_scheme(code)
        rows.append(
            {
                "code": s.code,
                "version": s.version,
                "indicators": len(s.indicators),
                "sha": s.sha256[:12],
                "name": s.name_for(lang),
            }
        )
    headers = {
        "code": pgettext("scheme list", "code", lang),
        "version": pgettext("scheme list", "version", lang),
        "indicators": pgettext("scheme list", "indicators", lang),
        "sha": "SHA-256",
        "name": pgettext("scheme list", "name", lang),
    }
    click.echo(render_table(headers, rows))


# --- output helpers -------------------------------------------------------------------------


def award_line(result: AssessmentResult, outcome: UnitOutcome, lang: str) -> str:
    """The award decision under an explanation: tier, or criticism and the reasons."""
    rules = result.awards.rules
    tiers = {t.name: t for t in rules.tiers}
    tier = (
        tiers[outcome.tier].name_for(lang) if outcome.tier else pgettext("award tier", "none", lang)
    )
    text = gettext("award: {tier}", lang).format(tier=tier)
    if outcome.criticised:
        text += gettext("; criticised", lang)
    if outcome.reasons:
        text += gettext(" ({reasons})", lang).format(reasons=outcome.reason_text(lang))
    return text


def column_headers(result: EvaluationResult, keys: list[str], lang: str) -> dict[str, str]:
    named = ranking_headers(lang)
    return {
        k: named[k] if k in named else f"{k} {result.scheme.group(k).name_for(lang)}" for k in keys
    }


def ranking_table(result: EvaluationResult, lang: str) -> str:
    rows = ranking_rows(result)
    keys = list(rows[0])
    headers = column_headers(result, keys, lang)
    shown = [{k: _cell(k, v) for k, v in row.items()} for row in rows]
    if lang == "en":
        names = {b.name: b.name_for("en") for b in result.scheme.grades}
        for row in shown:
            row["grade"] = names.get(row["grade"], row["grade"])
    title = gettext("{name} ({code} v{version}), {n} units", lang).format(
        name=result.scheme.name_for(lang),
        code=result.scheme.code,
        version=result.scheme.version,
        n=len(rows),
    )
    return title + "\n" + render_table(headers, shown)


_CSV_BLOCK = 5000  # rows written at a time: the text never holds the whole table


def ranking_csv(result: EvaluationResult, lang: str) -> Iterator[str]:
    """The ranking as CSV text in pieces of a few thousand rows (joined: the table, without
    a final line break). Written from the table's columns: only the text columns go through
    :func:`safe_text` (a number is never read as a formula)."""
    columns = ranking_columns(result)
    keys = list(columns)
    headers = column_headers(result, keys, lang)
    text = [key in ("code", "name", "grade") for key in keys]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([headers[k] for k in keys])
    n = len(columns[keys[0]])
    for start in range(0, n, _CSV_BLOCK):
        # One block's cells at a time (no second copy of the table).
        block = [
            [("" if v is None else safe_text(v)) for v in column[start : start + _CSV_BLOCK]]
            if is_text
            else ["" if v is None else v for v in column[start : start + _CSV_BLOCK]]
            for column, is_text in zip(columns.values(), text, strict=True)
        ]
        writer.writerows(zip(*block, strict=True))
        if start:
            yield "\n"
        yield buffer.getvalue()[:-1]
        buffer.seek(0)
        buffer.truncate()


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in ("change",):
        return f"{value:+.2f}"
    if key == "rank_change":
        return f"{value:+d}" if value else "0"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
