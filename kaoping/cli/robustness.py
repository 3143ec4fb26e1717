"""``kaoping robustness``: how robust is the ranking? Monte Carlo over the uncertain choices
(weights, normalisation, sd, not-applicable policy); see ``docs/robustness.md``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click

from kaoping.cli.evaluate import render_table
from kaoping.cli.inputs import input_options, run_assessment
from kaoping.cli.main import (
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
)
from kaoping.reports.safe import safe_text
from kaoping.scoring.errors import KaopingError, Problem
from kaoping.scoring.robustness import (
    RobustnessOptions,
    RobustnessResult,
    analyse_assessment,
    parse_tier_quotas,
)
from kaoping.scoring.schemes import NA_POLICIES, SD_KINDS

DEFAULT_SCHEME = "mof-2012"


HEADERS = {
    "code": ("单位编码", "Code"),
    "name": ("单位名称", "Unit"),
    "nominal_rank": ("原排名", "Rank"),
    "median_rank": ("中位排名", "Median rank"),
    "interval": ("5%–95% 排名区间", "5–95% rank interval"),
    "p05_rank": ("排名 5% 分位", "Rank p5"),
    "p95_rank": ("排名 95% 分位", "Rank p95"),
    "mean_rank": ("平均排名", "Mean rank"),
    "factor": ("选择", "Choice"),
    "levels": ("备选", "Alternatives"),
    "first_order": ("一阶指数", "First-order"),
    "total": ("总效应指数", "Total effect"),
    "shift": ("平均名次变动", "Mean rank shift"),
}
SENSITIVITY_TITLE = ("哪项选择对排名影响最大", "Which choice moves the ranks most")


@app.command("robustness")
@data_argument
@scheme_option(DEFAULT_SCHEME)
@input_options(previous=False)
@click.option(
    "--replicates", "-n", type=int, default=1000, help="模拟次数 / Monte Carlo replicates"
)
@click.option(
    "--weight-spread", type=float, default=0.25, help="权重扰动幅度，0.25 即 ±25% / weight noise"
)
@click.option(
    "--normalisations",
    default="zscore,minmax",
    help="备选标准化方法（scheme = 按方案） / alternatives",
)
@click.option("--sd", default=",".join(SD_KINDS), help="备选标准差口径 / sd kinds")
@click.option(
    "--na", default=",".join(NA_POLICIES), help="备选不适用指标处理 / not-applicable policies"
)
@click.option("--imputations", default="", help="备选缺失值插补 none,group_mean,group_median")
@click.option(
    "--treatments", default="", help="备选异常值处理，如 none,log,winsorise:1-5 / outliers"
)
@click.option("--aggregations", default="", help="备选加总方法 arithmetic,geometric")
@click.option("--weight-levels", default="", help="扰动哪些层级的权重，如 2,3（1 为指标）")
@click.option("--weight-sets", type=int, default=0, help="预先抽取的权重组数，0 为每次重抽")
@click.option(
    "--expert-resamples", type=int, default=0, help="重抽各项专家的组数，0 不重抽 / experts"
)
@click.option(
    "--bonus",
    default="",
    help="加减分备选，如 on,off,uniform（uniform：每次按录入分值的 0～100% 均匀计入） / bonus points",
)
@click.option(
    "--sensitivity-output", default="ranks", help="敏感性的输出：ranks 或 mean_rank_change"
)
@click.option("--tiers", help="按名次比例分档，如 一档:20,二档:30（默认按方案等级）")
@click.option(
    "--sensitivity-replicates",
    type=int,
    default=1000,
    help="敏感性分析基样本数，0 不做 / base sample",
)
@click.option("--seed", type=int, default=0, help="随机种子，相同则结果相同 / seed")
@format_option()
@out_option()
@lang_option
@guarded
def robustness_command(
    data: Path,
    scheme: str,
    experts: Path | None,
    recusals: Path | None,
    adjustments: Path | None,
    targets: Path | None,
    price_factors: Path | None,
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
    lang: str | None,
) -> None:
    """排名稳健性：权重、标准化方法等选择不同时排名和档次会怎样变 / ranking robustness."""
    assert lang is not None
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
        weight_levels=_levels(weight_levels),
        weight_sets=weight_sets,
        expert_resamples=expert_resamples,
        bonus_levels=_names(bonus),
        sensitivity_output=sensitivity_output,
    )
    assessed = run_assessment(
        lang, data, scheme, experts, recusals, adjustments, targets, price_factors
    )
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


def _levels(text: str) -> tuple[int, ...] | None:
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
                        "expected": ("1 起的层级，如 2,3", "levels from 1, e.g. 2,3"),
                    },
                )
            ]
        )
    return tuple(int(n) for n in names) if names else None


# --- rendering ------------------------------------------------------------------------------


def _h(key: str, lang: str) -> str:
    return HEADERS[key][1 if lang == "en" else 0]


def _rank(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def unit_table_rows(result: RobustnessResult, lang: str) -> tuple[dict[str, str], list[dict]]:
    """Headers and rows of the per-unit table (text cells)."""
    tier_names = result.tiers.names_for(lang)
    headers = {k: _h(k, lang) for k in ("code", "name", "nominal_rank", "median_rank", "interval")}
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


def sensitivity_table_rows(result: RobustnessResult, lang: str):
    headers = {k: _h(k, lang) for k in ("factor", "levels", "first_order", "total", "shift")}
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
    title = say(
        lang,
        "排名稳健性：{name}（{code} 版本 {version}），{n} 个单位，模拟 {r} 次，"
        "权重扰动 ±{spread:.0%}，随机种子 {seed}",
        "Ranking robustness: {name} ({code} v{version}), {n} units, {r} replicates, "
        "weights ±{spread:.0%}, seed {seed}",
        name=result.scheme.name_for(lang),
        code=result.scheme.code,
        version=result.scheme.version,
        n=len(result.units),
        r=o.replicates,
        spread=o.weight_spread,
        seed=o.seed,
    )
    basis = say(lang, "档次按方案等级（总分分数线）", "tiers: the scheme's grade bands (totals)")
    if result.tiers.kind == "rank_quotas":
        basis = say(lang, "档次按名次比例", "tiers: rank quotas")
    elif result.tiers.kind == "awards":
        basis = say(
            lang,
            "档次按方案的奖励规则（合格线、名额、资格、一票否决）",
            "tiers: the scheme's award rules (pass line, quotas, eligibility, veto)",
        )
    elif result.tiers.kind == "none":
        basis = say(
            lang,
            "标准化方法在变化，总分的分数线（等级、合格线）没有共同尺度，故不给出档次"
            "概率；需要时用 --tiers 按名次比例分档",
            "the normalisation varies, so score thresholds (grades, pass line) have no "
            "common scale: no tier probabilities (use --tiers for rank quotas)",
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
            say(
                lang,
                "{t}（基样本 {ns} 组，Saltelli/Jansen 估计；指数为全部单位名次方差的占比）",
                "{t} (base sample {ns}, Saltelli/Jansen estimators; shares of the rank "
                "variance summed over units)",
                t=SENSITIVITY_TITLE[1 if lang == "en" else 0],
                ns=o.sensitivity_replicates,
            ),
            render_table(*sensitivity_table_rows(result, lang)),
        ]
    elif o.sensitivity_replicates and not o.varying():
        parts += [
            "",
            say(
                lang,
                "没有任何选择在变化，未做敏感性分析。",
                "Nothing varies: no sensitivity analysis.",
            ),
        ]
    if result.weight_redraws:
        parts.append(
            say(
                lang,
                "注：{k} 组扰动权重不满足方案的权重约束，已重抽。",
                "Note: {k} perturbed weight sets broke the scheme's constraints and were redrawn.",
                k=result.weight_redraws,
            )
        )
    return "\n".join(parts)


def robustness_csv(result: RobustnessResult, lang: str) -> str:
    """One row per unit: numbers unrounded, tier probabilities as shares."""
    names = result.tiers.names_for(lang)
    keys = ["code", "name", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_rank"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_h(k, lang) for k in keys] + [f"P({t})" for t in names])
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
    units.title = say(lang, "排名稳健性", "Robustness")
    names = result.tiers.names_for(lang)
    keys = ["code", "name", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_rank"]
    units.append([_h(k, lang) for k in keys] + [f"P({t})" for t in names])
    for row in result.unit_rows(lang):
        units.append([safe_text(row[k]) for k in keys] + [row["tiers"][t] for t in names])
    sens = wb.create_sheet(say(lang, "敏感性", "Sensitivity"))
    sens.append([_h(k, lang) for k in ("factor", "levels", "first_order", "total", "shift")])
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
    about = wb.create_sheet(say(lang, "说明", "Options"))
    for key, value in result.to_dict(lang)["options"].items():
        about.append(
            [key, json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value]
        )
    for ws in (units, sens):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    wb.save(path)
