"""``kaoping archive create | verify``: the evaluation archive (评价档案) of a round."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaoping.archive import build_bundle, verify_bundle
from kaoping.archive.signing import public_keys
from kaoping.cli.inputs import (
    AdjustmentsOption,
    ExpertsOption,
    PreviousExpertsOption,
    PreviousOption,
    PriceFactorsOption,
    RecusalsOption,
    TargetsOption,
    assessment_of,
)
from kaoping.cli.main import EXIT_BAD_INPUT, LangOption, SchemeOption, app, guarded, say
from kaoping.scoring.schemes import scheme_text

archive_app = typer.Typer(
    help="评价档案：生成与校验 / the evaluation archive", no_args_is_help=True
)
app.add_typer(archive_app, name="archive")


@archive_app.command("create")
@guarded
def create_command(
    data: Annotated[Path, typer.Argument(help="核实后的基础数据 / verified base data")],
    output: Annotated[Path, typer.Option("--output", "-o", help="档案文件 .zip")],
    scheme: SchemeOption = "mof-2012",
    experts: ExpertsOption = None,
    recusals: RecusalsOption = None,
    adjustments: AdjustmentsOption = None,
    targets: TargetsOption = None,
    price_factors: PriceFactorsOption = None,
    previous: PreviousOption = None,
    previous_experts: PreviousExpertsOption = None,
    attach: Annotated[
        list[Path] | None, typer.Option("--attach", help="附件（可多次）/ files to include")
    ] = None,
    lang: LangOption = None,
) -> None:
    """生成评价档案（全部输入与结果，可重新计算核对） / build the archive bundle of a round."""
    assert lang is not None
    assessment = assessment_of(data, scheme, experts, recusals, adjustments, targets,
                               price_factors, previous, previous_experts)  # fmt: skip
    files = {f"attachments/{p.name}": p.read_bytes() for p in attach or []}
    inputs = [experts, recusals, adjustments, targets, price_factors, *(previous or []),
              *(previous_experts or [])]  # fmt: skip
    files.update({f"inputs/{p.name}": p.read_bytes() for p in inputs if p is not None})
    digest = build_bundle(
        output,
        scheme=assessment.scheme,
        scheme_text=scheme_text(scheme),
        data=assessment.data,
        assessment=assessment,
        files=files,
        meta={"source": data.name},
    )
    typer.echo(say(lang, "已生成档案 {path}\n清单 SHA-256：{digest}",
                   "wrote {path}\nmanifest SHA-256: {digest}", path=output, digest=digest))  # fmt: skip


@archive_app.command("verify")
@guarded
def verify_command(
    bundle: Annotated[Path, typer.Argument(help="档案文件 .zip")],
    public_key: Annotated[
        list[Path] | None,
        typer.Option("--public-key", help="受信任的签名公钥 .pub（可多次）/ trusted public key"),
    ] = None,
    lang: LangOption = None,
) -> None:
    """校验档案：核验清单签名，逐个文件核对 SHA-256，并按存档方案和数据重新计算 / verify."""
    assert lang is not None
    report = verify_bundle(bundle, public_keys(public_key) if public_key else None)
    typer.echo(report.render(lang))
    typer.echo(say(lang, "清单 SHA-256：{d}", "manifest SHA-256: {d}", d=report.manifest_sha256))
    if not report.ok:
        raise typer.Exit(EXIT_BAD_INPUT)
