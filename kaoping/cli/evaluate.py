"""``kaoping evaluate | explain | template | schemes``: the scoring engine's commands
(``check`` lives in :mod:`kaoping.cli.check`, which needs none of the assessment)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from kaoping.cli.inputs import input_options, run_assessment
from kaoping.cli.main import (
    PATH,
    OutputFormat,
    app,
    data_argument,
    deliver,
    format_option,
    guarded,
    lang_option,
    out_option,
    output_format,
    say,
    scheme_option,
    write_atomically,
)
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
from kaoping.scoring.schemes import scheme_text
from kaoping.scoring.serialise import iter_json, ranking_columns, result_document
from kaoping.tables.assessment import read_units

DEFAULT_SCHEME = "mof-2012"


HEADERS = {
    "rank": ("排名", "Rank"),
    "code": ("单位编码", "Code"),
    "name": ("单位名称", "Unit"),
    "total": ("总分", "Total"),
    "grade": ("等级", "Grade"),
    "bonus": ("加减分", "Bonus"),
    "previous_total": ("上年总分", "Prev. total"),
    "previous_rank": ("上年排名", "Prev. rank"),
    "change": ("同比变化", "Change"),
    "rank_change": ("名次变化", "Rank change"),
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


@app.command("evaluate")
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
    experts: Path | None,
    recusals: Path | None,
    adjustments: Path | None,
    targets: Path | None,
    price_factors: Path | None,
    previous: list[Path] | None,
    previous_experts: list[Path] | None,
    format: OutputFormat | None,
    output: Path | None,
    lang: str | None,
) -> None:
    """评价：计算各单位得分、排名和等级 / evaluate all units and rank them."""
    assert lang is not None
    assessed = run_assessment(
        lang,
        data,
        scheme,
        experts,
        recusals,
        adjustments,
        targets,
        price_factors,
        previous,
        previous_experts,
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


@app.command("explain")
@data_argument
@click.option("--unit", "-u", required=True, help="单位编码 / unit code")
@scheme_option(DEFAULT_SCHEME)
@input_options()
@click.option("--format", "-f", "format", default="text", help="text 或 json")
@lang_option
@guarded
def explain_command(
    data: Path,
    unit: str,
    scheme: str,
    experts: Path | None,
    recusals: Path | None,
    adjustments: Path | None,
    targets: Path | None,
    price_factors: Path | None,
    previous: list[Path] | None,
    previous_experts: list[Path] | None,
    format: str,
    lang: str | None,
) -> None:
    """列出某单位总分的完整计算过程 / show the whole derivation of a unit's total."""
    assert lang is not None
    assessed = run_assessment(
        lang,
        data,
        scheme,
        experts,
        recusals,
        adjustments,
        targets,
        price_factors,
        previous,
        previous_experts,
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


@app.command("template")
@click.option("--output", "-o", type=PATH, default=Path("基础数据表.xlsx"), help="输出 .xlsx 文件")
@scheme_option(DEFAULT_SCHEME)
@click.option(
    "--units", type=PATH, help="预填单位的名单（含 unit_code、unit_name 列） / units to pre-fill"
)
@click.option("--year", type=int, help="评价年度 / year")
@lang_option
@guarded
def template_command(
    output: Path, scheme: str, units: Path | None, year: int | None, lang: str | None
) -> None:
    """生成附件2式基础数据表 Excel 模板 / write the base-data Excel template."""
    assert lang is not None
    from kaoping.tables.template import write_template  # the Excel writer: only when asked

    loaded = load_scheme(scheme)
    unit_refs = None
    if units:
        unit_refs = [UnitRef(code, name or code, year) for code, name in read_units(units)]
    write_atomically(
        output, lambda p: write_template(loaded, p, units=unit_refs, year=year, lang=lang)
    )
    click.echo(say(lang, "已写入 {path}", "wrote {path}", path=output))


@app.command("schemes")
@click.option("--show", help="输出某方案的完整文件 / print a scheme file")
@lang_option
@guarded
def schemes_command(show: str | None, lang: str | None) -> None:
    """列出内置评价方案 / list the built-in schemes."""
    assert lang is not None
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
        "code": say(lang, "编码", "code"),
        "version": say(lang, "版本", "version"),
        "indicators": say(lang, "指标数", "indicators"),
        "sha": "SHA-256",
        "name": say(lang, "名称", "name"),
    }
    click.echo(render_table(headers, rows))


# --- output helpers -------------------------------------------------------------------------


def award_line(result: AssessmentResult, outcome: UnitOutcome, lang: str) -> str:
    """The award decision under an explanation: tier, or criticism and the reasons."""
    rules = result.awards.rules
    tiers = {t.name: t for t in rules.tiers}
    tier = tiers[outcome.tier].name_for(lang) if outcome.tier else say(lang, "无", "none")
    text = say(lang, "考核结果：{tier}", "award: {tier}", tier=tier)
    if outcome.criticised:
        text += say(lang, "；通报批评", "; criticised")
    if outcome.reasons:
        text += say(lang, "（{r}）", " ({r})", r=outcome.reason_text(lang))
    return text


def column_headers(result: EvaluationResult, keys: list[str], lang: str) -> dict[str, str]:
    pick = 1 if lang == "en" else 0
    return {
        k: HEADERS[k][pick] if k in HEADERS else f"{k} {result.scheme.group(k).name_for(lang)}"
        for k in keys
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
    title = say(
        lang,
        "{name}（{code} 版本 {version}）  共 {n} 个单位",
        "{name} ({code} v{version}), {n} units",
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


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_table(headers: dict[str, str], rows: list[dict[str, Any]]) -> str:
    keys = list(headers)
    widths = {
        k: max([display_width(headers[k])] + [display_width(str(r.get(k, ""))) for r in rows])
        for k in keys
    }

    def line(values: dict[str, str]) -> str:
        cells = []
        for k in keys:
            text = str(values.get(k, ""))
            pad = " " * (widths[k] - display_width(text))
            numeric = text.replace(".", "").replace("-", "").replace("+", "").isdigit()
            cells.append(pad + text if numeric else text + pad)
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * widths[k] for k in keys)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
