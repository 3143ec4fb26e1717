"""The Beijing assessment's commands: ``kaoping experts template | aggregate``, ``kaoping
awards``, ``kaoping allocate``, ``kaoping compare``, ``kaoping targets progress | score``.

See ``docs/beijing.md``; the example data under ``examples/beijing/`` runs with all of them.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import click
import numpy as np

from kaoping.cli.evaluate import render_table
from kaoping.cli.inputs import (
    input_options,
    period_option,
    recusals_option,
    run_assessment,
    show_warnings,
)
from kaoping.cli.main import (
    PATH,
    Group,
    OutputFormat,
    app,
    argument,
    deliver,
    fail,
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
from kaoping.scoring import load_scheme
from kaoping.scoring.allocation import allocate, total_of
from kaoping.scoring.assessment import AssessmentResult, RewardFund
from kaoping.scoring.errors import DataError
from kaoping.scoring.experts import ExpertAggregation, aggregate_experts
from kaoping.scoring.missing import nan_to_none
from kaoping.scoring.schemes import Scheme
from kaoping.scoring.targets import check_targets, completion_column, progress
from kaoping.tables.assessment import (
    read_expert_scores,
    read_experts,
    read_recipients,
    read_recusals,
    read_register,
    read_targets,
    read_units,
    write_expert_sheet,
    write_rows_xlsx,
)

DEFAULT_SCHEME = "beijing-district-comprehensive"

experts_app = Group(
    "experts",
    help="专家评分：生成评分表、汇总专家打分 / expert scoring sheets",
    no_args_is_help=True,
)
targets_app = Group(
    "targets",
    help="目标责任书：进度与完成度 / responsibility-letter targets",
    no_args_is_help=True,
)
app.add_command(experts_app)
app.add_command(targets_app)


# --- shared steps ---------------------------------------------------------------------------


def aggregate_expert_sheet(
    scheme: Scheme, sheet: Path, recusals: Path | None, unit_codes: list[str] | None
) -> ExpertAggregation:
    scores = read_expert_scores(scheme, sheet)
    tied = read_recusals(recusals) if recusals is not None else []
    return aggregate_experts(scheme, scores, tied, unit_codes)


def csv_text(headers: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                "" if v is None else ("是" if v else "否") if isinstance(v, bool) else safe_text(v)
                for v in row
            ]
        )
    return buffer.getvalue().rstrip("\n")


def output(
    fmt: OutputFormat,
    out: Path | None,
    lang: str,
    headers: list[str],
    rows: list[list[Any]],
    document: Any,
    title: str = "",
    sheet: str = "结果",
    totals: Sequence[str] = (),
) -> None:
    """Write rows as a table, CSV or XLSX, or ``document`` as JSON."""

    def table() -> str:
        shown = [{h: _cell(v) for h, v in zip(headers, row, strict=True)} for row in rows]
        return (title + "\n" if title else "") + render_table({h: h for h in headers}, shown)

    texts = {
        OutputFormat.json: lambda: json.dumps(
            document, ensure_ascii=False, indent=2, default=_json_default
        ),
        OutputFormat.csv: lambda: csv_text(headers, rows),
        OutputFormat.table: table,
    }
    deliver(
        lang,
        fmt,
        out,
        texts=texts,
        xlsx=lambda p: write_rows_xlsx(
            p, {sheet: (headers, rows)}, title=title, totals=totals, lang=lang
        ),
    )


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.2f}"
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return str(value)


def h(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


# --- experts --------------------------------------------------------------------------------


@experts_app.command("template")
@click.option(
    "--units", "-u", type=PATH, required=True, help="被考核单位名单（单位编码、单位名称）"
)
@click.option("--experts", "-e", type=PATH, required=True, help="专家名单（专家、专业考核小组）")
@scheme_option(DEFAULT_SCHEME)
@recusals_option
@click.option(
    "--output", "-o", "out", type=PATH, default=Path("专家评分表.xlsx"), help="输出 .xlsx"
)
@lang_option
@guarded
def experts_template_command(
    units: Path, experts: Path, scheme: str, recusals: Path | None, out: Path, lang: str | None
) -> None:
    """生成专家评分表（专家 × 单位 × 定性项目，含满分和数据有效性） / write the scoring sheet."""
    assert lang is not None
    loaded = load_scheme(scheme)
    unit_list, expert_list = read_units(units), read_experts(experts)
    tied = read_recusals(recusals) if recusals else []
    count = [0]

    def write(path: Path) -> None:
        count[0] = write_expert_sheet(loaded, path, expert_list, unit_list, tied, lang)

    write_atomically(out, write)
    click.echo(
        say(
            lang,
            "已写入 {path}（{n} 行：{e} 位专家 × {u} 个单位，已排除回避）",
            "wrote {path} ({n} rows: {e} experts x {u} units, recusals left out)",
            path=out,
            n=count[0],
            e=len(expert_list),
            u=len(unit_list),
        )
    )


@experts_app.command("aggregate")
@argument("sheet", "专家评分表 / expert scoring sheet", type=PATH)
@scheme_option(DEFAULT_SCHEME)
@recusals_option
@click.option("--units", "-u", type=PATH, help="本轮单位名单，用于核对单位编码")
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
    lang: str | None,
) -> None:
    """汇总专家打分（按方案规则）并提示分歧 / aggregate expert scores, flag disagreement."""
    assert lang is not None
    loaded = load_scheme(scheme)
    codes = [c for c, _ in read_units(units)] if units else None
    aggregation = aggregate_expert_sheet(loaded, sheet, recusals, codes)
    show_warnings(aggregation.warnings, lang)
    rules = aggregation.rules
    headers = [
        h(lang, "专业考核小组", "panel"),
        h(lang, "单位编码", "unit"),
        h(lang, "项目", "item"),
        h(lang, "满分", "max"),
        h(lang, "专家数", "experts"),
        h(lang, "汇总得分", "score"),
        h(lang, "分歧", "spread"),
        h(lang, "需复核", "flagged"),
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
    rule_name = {
        "mean": ("算术平均", "mean"),
        "median": ("中位数", "median"),
        "trimmed_mean": ("去掉最高最低分后平均", "trimmed mean"),
    }[rules.rule]
    title = say(
        lang,
        "专家评分汇总（{rule}）",
        "expert scores ({rule})",
        rule=rule_name[1 if lang == "en" else 0],
    )
    output(format, out, lang, headers, rows, document, title, sheet="专家评分汇总")


# --- awards ---------------------------------------------------------------------------------


def award_rows(result: AssessmentResult, lang: str):
    headers = [
        h(lang, "总排名", "rank"),
        h(lang, "获奖排名", "award rank"),
        h(lang, "单位编码", "code"),
        h(lang, "单位名称", "name"),
        h(lang, "加减分", "bonus"),
        h(lang, "总分", "total"),
        h(lang, "获奖档次", "tier"),
        h(lang, "分配系数", "coefficient"),
        h(lang, "通报批评", "criticised"),
        h(lang, "原因", "reason"),
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
                h(lang, "是", "yes") if u.criticised else h(lang, "否", "no"),
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


@app.command("awards")
@argument("data", "基础数据表 / base data", type=PATH)
@scheme_option(DEFAULT_SCHEME)
@input_options()
@format_option()
@out_option("out")
@lang_option
@guarded
def awards_command(
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
    out: Path | None,
    lang: str | None,
) -> None:
    """考核排名、综合奖/专项奖档次和通报批评名单 / awards, tiers and the criticism list."""
    assert lang is not None
    result = run_assessment(
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
    decisions = result.awards
    headers, rows = award_rows(result, lang)
    counts = "、".join(f"{k} {v}" for k, v in decisions.counts().items())
    title = say(
        lang,
        "{award}（{scheme}）：{counts}；通报批评 {c} 个",
        "{award} ({scheme}): {counts}; criticised: {c}",
        award=decisions.rules.name,
        scheme=result.scheme.code,
        counts=counts,
        c=len(decisions.criticised),
    )
    output(
        output_format(format, out),
        out,
        lang,
        headers,
        rows,
        awards_document(result, lang),
        title,
        sheet="考核奖励",
    )


# --- allocation -----------------------------------------------------------------------------


class Precision(StrEnum):
    yuan = "yuan"
    fen = "fen"


@app.command("allocate")
@argument("source", "基础数据表，或 kaoping awards 输出的获奖名单 / base data or awards", type=PATH)
@click.option("--total", required=True, help="奖励资金总额（元） / total in yuan")
@scheme_option(DEFAULT_SCHEME)
@input_options()
@click.option(
    "--units",
    "-u",
    type=PATH,
    help="本轮被考核单位名单（获奖名单为手工名单时必填） / the round's register",
)
@click.option("--by-score", is_flag=True, help="按 系数 × 总分 分配 / weight by score too")
@click.option(
    "--precision",
    type=click.Choice([p.value for p in Precision]),
    default=Precision.yuan.value,
    callback=lambda ctx, param, value: Precision(value),
    help="分配到元或分 / whole yuan or fen",
)
@format_option()
@out_option("out")
@lang_option
@guarded
def allocate_command(
    source: Path,
    total: str,
    scheme: str,
    experts: Path | None,
    recusals: Path | None,
    adjustments: Path | None,
    targets: Path | None,
    price_factors: Path | None,
    previous: list[Path] | None,
    previous_experts: list[Path] | None,
    units: Path | None,
    by_score: bool,
    precision: Precision,
    format: OutputFormat | None,
    out: Path | None,
    lang: str | None,
) -> None:
    """按获奖档次系数分配奖励资金（最大余数法，合计等于总额） / share the reward fund."""
    assert lang is not None
    fund = RewardFund(total, by_score=by_score, precision=precision.value)
    try:
        recipients = read_recipients(source)
    except DataError as exc:
        if not all(p.code == "assessment.missing_column" for p in exc.problems):
            raise
        recipients = None
    if recipients is None:  # base data: the whole assessment, with the fund
        result = run_assessment(
            lang,
            source,
            scheme,
            experts,
            recusals,
            adjustments,
            targets,
            price_factors,
            previous,
            previous_experts,
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
        h(lang, "单位编码", "code"),
        h(lang, "单位名称", "name"),
        h(lang, "获奖档次", "tier"),
        h(lang, "权数", "weight"),
        h(lang, "应分（未取整）", "exact"),
        h(lang, "金额（元）", "amount (yuan)"),
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
    title = say(
        lang, "奖励资金分配：合计 {t} 元", "reward fund: {t} yuan in all", t=total_of(shares)
    )
    output(
        output_format(format, out),
        out,
        lang,
        headers,
        rows,
        document,
        title,
        sheet="奖励资金分配",
        totals=headers[4:],
    )


# --- comparison -----------------------------------------------------------------------------


@app.command("compare")
@argument("data", "本期基础数据表 / this period's base data", type=PATH)
@scheme_option(DEFAULT_SCHEME)
@input_options()
@period_option
@click.option("--top", type=int, default=3, help="进步/退步最大的单位数")
@format_option()
@out_option("out")
@lang_option
@guarded
def compare_command(
    data: Path,
    scheme: str,
    experts: Path | None,
    recusals: Path | None,
    adjustments: Path | None,
    targets: Path | None,
    price_factors: Path | None,
    previous: list[Path] | None,
    previous_experts: list[Path] | None,
    period: str | None,
    top: int,
    format: OutputFormat | None,
    out: Path | None,
    lang: str | None,
) -> None:
    """同比、环比：总分、一级指标得分和名次的变化 / year-on-year and sequential changes."""
    assert lang is not None
    if not previous:
        fail(
            lang,
            "请用 --previous（-p）给出上期基础数据（可重复）",
            "give the earlier periods' data with --previous (-p, repeatable)",
        )
    result = run_assessment(
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
    names = {
        "code": ("单位编码", "code"),
        "name": ("单位名称", "name"),
        "period": ("期次", "period"),
        "total": ("总分", "total"),
        "rank": ("排名", "rank"),
        "sequential_change": ("环比变化", "sequential"),
        "year_on_year_change": ("同比变化", "year on year"),
        "rank_change": ("名次变化", "places gained"),
    }
    pick = 1 if lang == "en" else 0
    headers = [names[k][pick] if k in names else f"{k} {cmp.group_names[k]}" for k in keys]
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
    title = say(
        lang,
        "进步最大：{up}\n退步最大：{down}",
        "most improved: {up}\nmost declined: {down}",
        up="、".join(f"{n} {x:+.2f}" for _, n, x in up) or "—",
        down="、".join(f"{n} {x:+.2f}" for _, n, x in down) or "—",
    )
    output(output_format(format, out), out, lang, headers, rows, document, title, sheet="同比环比")


# --- targets --------------------------------------------------------------------------------


@targets_app.command("progress")
@argument("targets", "目标表（含分解计划、实际完成） / targets", type=PATH)
@click.option("--through", help="截至期：Q1～Q4 或 1～12，默认取表中截至期")
@format_option(OutputFormat.table)
@out_option("out")
@lang_option
@guarded
def targets_progress_command(
    targets: Path, through: str | None, format: OutputFormat, out: Path | None, lang: str | None
) -> None:
    """目标完成进度：按分解计划计算应完成量、完成率和进度 / progress against the plan."""
    assert lang is not None
    items = check_targets(read_targets(targets))
    headers = [
        h(lang, "单位编码", "code"),
        h(lang, "单位名称", "name"),
        h(lang, "目标", "target"),
        h(lang, "目标值", "value"),
        h(lang, "截至期", "through"),
        h(lang, "应完成", "expected"),
        h(lang, "实际完成", "actual"),
        h(lang, "年度完成率%", "completion %"),
        h(lang, "进度完成率%", "schedule %"),
        h(lang, "进度正常", "on track"),
    ]
    rows, document = [], []
    for t in items:
        p = progress(t, through=through)
        rows.append(
            [
                t.unit_code,
                t.unit_name,
                t.name or t.key,
                t.value,
                p.through,
                p.expected,
                nan_to_none(p.actual),
                _pct(p.completion),
                _pct(p.schedule),
                p.on_track,
            ]
        )
        document.append(
            {
                "code": t.unit_code,
                "key": t.key,
                "target": t.value,
                "through": p.through,
                "expected": p.expected,
                "actual": nan_to_none(p.actual),
                "completion": nan_to_none(p.completion),
                "schedule": nan_to_none(p.schedule),
                "on_track": p.on_track,
            }
        )
    behind = sum(1 for r in rows if not r[-1])
    title = say(
        lang,
        "目标进度：{n} 项，其中落后于计划 {b} 项",
        "{n} targets, {b} behind plan",
        n=len(rows),
        b=behind,
    )
    output(format, out, lang, headers, rows, document, title, sheet="目标进度")


@targets_app.command("score")
@argument("targets", "目标表（含实际完成） / targets with actuals", type=PATH)
@format_option(OutputFormat.table)
@out_option("out")
@lang_option
@guarded
def targets_score_command(
    targets: Path, format: OutputFormat, out: Path | None, lang: str | None
) -> None:
    """目标责任书完成度（0～100，各目标完成率封顶 100% 加权） / letter completion per unit."""
    assert lang is not None
    items = check_targets(read_targets(targets))
    codes: list[str] = []
    names: dict[str, str] = {}
    for t in items:
        if t.unit_code not in names:
            codes.append(t.unit_code)
            names[t.unit_code] = t.unit_name
    scores = completion_column(items, codes)
    headers = ["unit_code", "unit_name", "target_completion"]
    rows = [[c, names[c], nan_to_none(s)] for c, s in zip(codes, scores, strict=True)]
    document = [{"unit_code": c, "unit_name": n, "target_completion": s} for c, n, s in rows]
    output(format, out, lang, headers, rows, document, sheet="目标完成度")


def _pct(x: float) -> float | None:
    return None if math.isnan(x) else 100.0 * x
