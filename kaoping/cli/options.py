"""The arguments and options several commands share, with the same names, short forms and
help (the inputs of an assessment are in :mod:`kaoping.cli.inputs`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from kaoping.cli.delivery import OutputFormat
from kaoping.cli.help import FC, LANG_KEY, argument, option
from kaoping.scoring.i18n import gettext_noop

# The parameter type of every file or folder (not checked for existence: the readers name
# a missing file in the user's language).
PATH = click.Path(path_type=Path)

# The base-data table, the first argument of most commands.
data_argument = argument("data", gettext_noop("base-data table, .xlsx or .csv"), type=PATH)


def _remember_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Keep --lang for the help of the same command line (:mod:`kaoping.cli.help`)."""
    if value:
        ctx.meta[LANG_KEY] = value
    return value


# Eager, so that ``--lang en --help`` shows the help in English.
lang_option = option(
    "--lang",
    default=None,
    is_eager=True,
    callback=_remember_language,
    help=gettext_noop("message language, zh or en (default: from LANG, Chinese first)"),
)


def scheme_option(default: str) -> Callable[[FC], FC]:
    """``--scheme / -s`` with the command's default scheme."""
    return option(
        "--scheme", "-s", default=default, help=gettext_noop("scheme code or scheme TOML file")
    )


def out_option(name: str = "output") -> Callable[[FC], FC]:
    """``--output / -o``, passed to the command as ``name``."""
    return option("--output", "-o", name, type=PATH, help=gettext_noop("output file or folder"))


def _output_format(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> OutputFormat | None:
    return None if value is None else OutputFormat(value)


def format_option(default: OutputFormat | None = None) -> Callable[[FC], FC]:
    """``--format / -f``: table, json, csv, csv-gb18030 or xlsx."""
    return option(
        "--format",
        "-f",
        "format",
        type=click.Choice([f.value for f in OutputFormat]),
        default=None if default is None else default.value,
        callback=_output_format,
        help=gettext_noop(
            "output format, table/json/csv/csv-gb18030/xlsx (default: by the extension of -o)"
        ),
    )
