"""``kaoping archive create | verify``: the evaluation archive (评价档案) of a round."""

from __future__ import annotations

from pathlib import Path

import click

from kaoping.archive import build_bundle, verify_bundle
from kaoping.archive.signing import public_keys
from kaoping.cli.inputs import assessment_of, input_options
from kaoping.cli.main import (
    EXIT_BAD_INPUT,
    PATH,
    Group,
    app,
    argument,
    guarded,
    lang_option,
    say,
    scheme_option,
)
from kaoping.scoring.schemes import scheme_text

archive_app = Group(
    "archive", help="评价档案：生成与校验 / the evaluation archive", no_args_is_help=True
)
app.add_command(archive_app)


@archive_app.command("create")
@argument("data", "核实后的基础数据 / verified base data", type=PATH)
@click.option("--output", "-o", type=PATH, required=True, help="档案文件 .zip")
@scheme_option("mof-2012")
@input_options()
@click.option("--attach", type=PATH, multiple=True, help="附件（可多次）/ files to include")
@lang_option
@guarded
def create_command(
    data: Path,
    output: Path,
    scheme: str,
    experts: Path | None,
    recusals: Path | None,
    adjustments: Path | None,
    targets: Path | None,
    price_factors: Path | None,
    previous: list[Path] | None,
    previous_experts: list[Path] | None,
    attach: tuple[Path, ...],
    lang: str | None,
) -> None:
    """生成评价档案（全部输入与结果，可重新计算核对） / build the archive bundle of a round."""
    assert lang is not None
    assessment = assessment_of(
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
    files = {f"attachments/{p.name}": p.read_bytes() for p in attach or []}
    inputs = [
        experts,
        recusals,
        adjustments,
        targets,
        price_factors,
        *(previous or []),
        *(previous_experts or []),
    ]
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
    click.echo(
        say(
            lang,
            "已生成档案 {path}\n清单 SHA-256：{digest}",
            "wrote {path}\nmanifest SHA-256: {digest}",
            path=output,
            digest=digest,
        )
    )


@archive_app.command("verify")
@argument("bundle", "档案文件 .zip", type=PATH)
@click.option(
    "--public-key",
    "public_key",
    type=PATH,
    multiple=True,
    help="受信任的签名公钥 .pub（可多次）/ trusted public key",
)
@lang_option
@guarded
def verify_command(bundle: Path, public_key: tuple[Path, ...], lang: str | None) -> None:
    """校验档案：核验清单签名，逐个文件核对 SHA-256，并按存档方案和数据重新计算 / verify."""
    assert lang is not None
    report = verify_bundle(bundle, public_keys(public_key) if public_key else None)
    click.echo(report.render(lang))
    click.echo(say(lang, "清单 SHA-256：{d}", "manifest SHA-256: {d}", d=report.manifest_sha256))
    if not report.ok:
        raise click.exceptions.Exit(EXIT_BAD_INPUT)
