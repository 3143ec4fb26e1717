"""``kaoping check``: validate a base-data table without scoring it.

It imports the scheme loader, the table reader and the plausibility checks only: not the
assessment, so it answers as soon as the table is read.
"""

from __future__ import annotations

from pathlib import Path

import click

from kaoping.cli.main import (
    app,
    data_argument,
    guarded,
    lang_option,
    say,
    scheme_option,
    show_warnings,
)
from kaoping.scoring.schemes import load_scheme
from kaoping.tables.plausibility import plausibility_warnings
from kaoping.tables.validate import read_base_data

DEFAULT_SCHEME = "mof-2012"


@app.command("check")
@data_argument
@scheme_option(DEFAULT_SCHEME)
@lang_option
@guarded
def check_command(data: Path, scheme: str, lang: str | None) -> None:
    """只校验基础数据，不计算得分 / validate base data only."""
    assert lang is not None
    loaded = load_scheme(scheme)
    table = read_base_data(data, loaded)
    warnings = plausibility_warnings(table, loaded)  # warnings, not errors (issue 11)
    show_warnings(warnings, lang)
    click.echo(
        say(
            lang,
            "{file}：{n} 个单位，未发现问题。",
            "{file}: {n} units, no problems found.",
            file=data.name,
            n=len(table),
        )
        if not warnings
        else say(
            lang,
            "{file}：{n} 个单位，未发现错误；{w} 条提示请核对。",
            "{file}: {n} units, no errors; check the {w} notes.",
            file=data.name,
            n=len(table),
            w=len(warnings),
        )
    )
