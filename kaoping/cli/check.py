"""``kaoping check``: validate a base-data table without scoring it.

It imports the scheme loader, the table reader and the plausibility checks only: not the
assessment, so it answers as soon as the table is read.
"""

from __future__ import annotations

from pathlib import Path

import click

from kaoping.cli.console import guarded, show_warnings
from kaoping.cli.help import command
from kaoping.cli.options import data_argument, lang_option, scheme_option
from kaoping.scoring.i18n import gettext, gettext_noop
from kaoping.scoring.schemes import load_scheme
from kaoping.tables.plausibility import plausibility_warnings
from kaoping.tables.validate import read_base_data

DEFAULT_SCHEME = "mof-2012"


@command("check", help=gettext_noop("Validate base data only, without scoring."))
@data_argument
@scheme_option(DEFAULT_SCHEME)
@lang_option
@guarded
def check_command(data: Path, scheme: str, lang: str) -> None:
    """Validate a base-data table; show its warnings."""
    loaded = load_scheme(scheme)
    table = read_base_data(data, loaded)
    warnings = plausibility_warnings(table, loaded)  # warnings, not errors (issue 11)
    show_warnings(warnings, lang)
    if warnings:
        message = gettext("{file}: {n} units, no errors; check the {w} notes.", lang)
    else:
        message = gettext("{file}: {n} units, no problems found.", lang)
    click.echo(message.format(file=data.name, n=len(table), w=len(warnings)))
