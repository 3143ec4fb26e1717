"""``kaoping archive create | verify``: the evaluation archive (评价档案) of a round."""

from __future__ import annotations

from pathlib import Path

import click

from kaoping.archive import build_bundle, verify_bundle
from kaoping.archive.signing import public_keys
from kaoping.cli.console import EXIT_BAD_INPUT, guarded
from kaoping.cli.help import Group, argument, option
from kaoping.cli.inputs import InputFiles, assessment_of, input_options
from kaoping.cli.options import PATH, lang_option, scheme_option
from kaoping.scoring.i18n import gettext, gettext_noop
from kaoping.scoring.schemes import scheme_text

archive_group = Group(
    "archive",
    help=gettext_noop("The evaluation archive: build and verify."),
    no_args_is_help=True,
)


@archive_group.command(
    "create",
    help=gettext_noop(
        "Build the archive of a round: every input and result, to be recomputed and checked."
    ),
)
@argument("data", gettext_noop("verified base data"), type=PATH)
@option("--output", "-o", type=PATH, required=True, help=gettext_noop("archive file, .zip"))
@scheme_option("mof-2012")
@input_options()
@option("--attach", type=PATH, multiple=True, help=gettext_noop("attachment (repeatable)"))
@lang_option
@guarded
def create_command(
    data: Path,
    output: Path,
    scheme: str,
    inputs: InputFiles,
    attach: tuple[Path, ...],
    lang: str,
) -> None:
    """Build the archive bundle of a round."""
    assessment = assessment_of(data, scheme, inputs)
    files = {f"attachments/{p.name}": p.read_bytes() for p in attach or []}
    files.update({f"inputs/{p.name}": p.read_bytes() for p in inputs.paths()})
    digest = build_bundle(
        output,
        scheme=assessment.scheme,
        scheme_text=scheme_text(scheme),
        data=assessment.data,
        assessment=assessment,
        files=files,
        meta={"source": data.name},
    )
    message = gettext("wrote {path}\nmanifest SHA-256: {digest}", lang)
    click.echo(message.format(path=output, digest=digest))


@archive_group.command(
    "verify",
    help=gettext_noop(
        "Verify an archive: the manifest's signature, every file's SHA-256, and the results "
        "recomputed with the archived scheme and data."
    ),
)
@argument("bundle", gettext_noop("archive file, .zip"), type=PATH)
@option(
    "--public-key",
    "public_key",
    type=PATH,
    multiple=True,
    help=gettext_noop("trusted signing public key, .pub (repeatable)"),
)
@lang_option
@guarded
def verify_command(bundle: Path, public_key: tuple[Path, ...], lang: str) -> None:
    """Verify an archive bundle; exit status 2 when anything fails."""
    report = verify_bundle(bundle, public_keys(public_key) if public_key else None)
    click.echo(report.render(lang))
    message = gettext("manifest SHA-256: {digest}", lang)
    click.echo(message.format(digest=report.manifest_sha256))
    if not report.ok:
        raise click.exceptions.Exit(EXIT_BAD_INPUT)
