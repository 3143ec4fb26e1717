"""The ``kaoping`` command: one click group; each group of sub-commands lives in its own
module of this package and registers itself on :data:`app` when imported (see COMMAND_OF).

The group imports a command's module only when that command is asked for (every module
only to list them all, for ``--help`` or an unknown name): ``kaoping evaluate`` never loads
the Excel writer, the reports or the robustness analysis. The command line is plain click
(Typer, which is built on it, cost a fifth of the start-up in pydantic and per-option
adapters; docs/performance.md).

Every command turns bad input into messages on stderr in the user's language and exit
status 2, never a traceback, and writes no output file when it fails.
"""

from __future__ import annotations

import functools
import gc
import importlib
import io
import sys
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from kaoping.scoring.errors import KaopingError, Problem
from kaoping.scoring.i18n import language_from_environment


class Group(click.Group):
    """A group of commands, in the order they were added (click sorts them otherwise)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


class LazyGroup(Group):
    """The root group: a command's module is imported when that command is first asked for;
    all of them to list the commands or to say that a name is unknown."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            module = COMMAND_OF.get(name)
            for m in [module] if module else dict.fromkeys(COMMAND_OF.values()):
                importlib.import_module(m)
        return self.commands.get(name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for m in dict.fromkeys(COMMAND_OF.values()):
            importlib.import_module(m)
        return [c for c in COMMAND_OF if c in self.commands]


app = LazyGroup(
    name="kaoping",
    help="考评：就业专项资金绩效评价与就业工作绩效考核 (performance evaluation of employment funds)",
    no_args_is_help=True,
    # Each option's default shown in --help, as before.
    context_settings={"show_default": True},
    params=[
        click.Option(
            ["--warnings-file"],
            type=click.Path(path_type=Path, dir_okay=False),
            help="把全部提示写入此文件（终端上每类只显示前 20 条） / write every note to this file",
        )
    ],
)

# The parameter type of every file or folder (not checked for existence: the readers name
# a missing file in the user's language).
PATH = click.Path(path_type=Path)


def argument(name: str, help: str, **kwargs: Any) -> Callable[[Any], Any]:
    """A positional argument with a help text (listed under "Positional arguments")."""
    return click.argument(name, help=help, **kwargs)


# The base-data table, the first argument of most commands.
data_argument = argument("data", "基础数据表 .xlsx 或 .csv / base-data table", type=PATH)

# Options shared by the commands.
lang_option = click.option(
    "--lang", default=None, help="界面语言 zh 或 en（默认按 LANG，中文优先） / message language"
)


def scheme_option(default: str) -> Callable[[Any], Any]:
    return click.option(
        "--scheme", "-s", default=default, help="方案编码或方案文件 / scheme code or TOML file"
    )


def out_option(name: str = "output") -> Callable[[Any], Any]:
    """``--output / -o``, passed to the command as ``name``."""
    return click.option(
        "--output", "-o", name, type=PATH, help="输出文件或目录 / output file or folder"
    )


EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1

F = TypeVar("F", bound=Callable[..., Any])


def say(lang: str, zh: str, en: str, **values: Any) -> str:
    """A message of the command line itself, in the user's language."""
    return (en if lang == "en" else zh).format(**values)


def fail(lang: str, zh: str, en: str, code: int = EXIT_BAD_INPUT, **values: Any) -> None:
    click.echo(say(lang, zh, en, **values), err=True)
    raise click.exceptions.Exit(code)


def guarded(fn: F) -> F:
    """Run a command; report KaopingError and I/O errors as messages with exit status 2 / 1.

    The wrapped command must take a ``lang`` keyword (the --lang option).
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = language_from_environment(kwargs.get("lang"))
        kwargs["lang"] = lang
        try:
            return fn(*args, **kwargs)
        except KaopingError as exc:
            for problem in exc.problems:
                click.echo(problem.render(lang), err=True)
            count = len(exc.problems)
            click.echo(
                say(
                    lang, "共 {n} 个问题，未输出结果。", "{n} problem(s); nothing written.", n=count
                ),
                err=True,
            )
            raise click.exceptions.Exit(EXIT_BAD_INPUT) from None
        except OSError as exc:
            name = exc.filename or ""
            click.echo(
                say(
                    lang,
                    "无法读写文件 {name}：{reason}",
                    "cannot read or write {name}: {reason}",
                    name=name,
                    reason=exc.strerror or exc,
                ),
                err=True,
            )
            raise click.exceptions.Exit(EXIT_FAILURE) from None

    return wrapper  # type: ignore[return-value]


# Warnings of one rule shown on the terminal; the rest are counted (a 300,000-row table gave
# 44,398 lines). ``kaoping --warnings-file FILE <command>`` writes every one of them.
WARNINGS_SHOWN = 20


def show_warnings(warnings: Iterable[Problem], lang: str) -> None:
    """Warnings (not errors) on standard error, each marked as a note: the first
    :data:`WARNINGS_SHOWN` of each rule, then how many more; all of them in the file of
    ``--warnings-file`` when given."""
    label = "note: " if lang == "en" else "提示："
    warnings = list(warnings)
    context = click.get_current_context(silent=True)
    file = context.find_root().params.get("warnings_file") if context else None
    if file is not None:
        with open(file, "w", encoding="utf-8") as out:
            out.writelines(label + w.render(lang) + "\n" for w in warnings)
    seen: dict[str, int] = {}
    for w in warnings:
        seen[w.code] = seen.get(w.code, 0) + 1
        if seen[w.code] <= WARNINGS_SHOWN:
            click.echo(label + w.render(lang), err=True)
    for code, count in seen.items():
        if count > WARNINGS_SHOWN:
            more = say(
                lang,
                "另有 {n} 条同类提示（{code}）未显示",
                "{n} more notes of this kind ({code}) not shown",
                n=count - WARNINGS_SHOWN,
                code=code,
            )
            where = (
                say(
                    lang,
                    "，全部 {total} 条已写入 {file}",
                    "; all {total} written to {file}",
                    total=len(warnings),
                    file=file,
                )
                if file is not None
                else say(
                    lang,
                    "（kaoping --warnings-file 文件名 … 可写出全部）",
                    " (kaoping --warnings-file FILE ... writes them all)",
                )
            )
            click.echo(label + more + where, err=True)


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, so a failure leaves no partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


class OutputFormat(StrEnum):
    """What a command's result is written as (``--format``)."""

    table = "table"
    json = "json"
    csv = "csv"  # UTF-8 with a byte-order mark, so Chinese Excel opens it without mojibake
    csv_gb18030 = "csv-gb18030"  # for older Excel and WPS set to the GB code page
    xlsx = "xlsx"


# How a text format is encoded in a file: Excel for Chinese Windows reads a CSV as GBK
# unless it starts with a UTF-8 byte-order mark.
FILE_ENCODINGS = {OutputFormat.csv: "utf-8-sig", OutputFormat.csv_gb18030: "gb18030"}


def _output_format(ctx: click.Context, param: click.Parameter, value: str | None):
    return None if value is None else OutputFormat(value)


def format_option(default: OutputFormat | None = None) -> Callable[[Any], Any]:
    return click.option(
        "--format",
        "-f",
        "format",
        type=click.Choice([f.value for f in OutputFormat]),
        default=None if default is None else default.value,
        callback=_output_format,
        help="输出格式 table/json/csv/csv-gb18030/xlsx（默认按 -o 的扩展名） / output format",
    )


def output_format(fmt: OutputFormat | None, output: Path | None) -> OutputFormat:
    """The format asked for, else the one the ``-o`` file's extension names, else a table."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    return OutputFormat(suffix) if suffix in ("json", "csv", "xlsx") else OutputFormat.table


def emit(
    text: str | Iterable[str], output: Path | None, lang: str, encoding: str = "utf-8"
) -> None:
    """Text to standard output, or to the ``-o`` file (written whole or not at all).

    ``text`` may come in pieces (a streamed JSON document): they are written as they come,
    so memory does not grow with the document."""
    if not isinstance(text, str):
        pieces = text

        def write(stream: IO[str]) -> None:
            for piece in pieces:
                stream.write(piece)
            stream.write("\n")

        if output is None:
            if encoding == "gb18030":  # the bytes asked for, whatever the terminal's encoding
                sys.stdout.flush()
                stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding)
                write(stream)
                stream.flush()
                stream.detach()  # leave standard output open
            else:
                write(sys.stdout)
            sys.stdout.flush()
            return

        def to_file(p: Path) -> None:
            with p.open("w", encoding=encoding) as fh:
                write(fh)

        write_atomically(output, to_file)
        click.echo(say(lang, "已写入 {path}", "wrote {path}", path=output), err=True)
        return
    if output is None:
        if encoding == "gb18030":
            sys.stdout.buffer.write((text + "\n").encode(encoding))
            sys.stdout.flush()
        else:
            click.echo(text)
        return
    write_atomically(output, lambda p: p.write_text(text + "\n", encoding=encoding))
    click.echo(say(lang, "已写入 {path}", "wrote {path}", path=output), err=True)


def deliver(
    lang: str,
    fmt: OutputFormat,
    output: Path | None,
    *,
    texts: Mapping[OutputFormat, Callable[[], str | Iterable[str]]],
    xlsx: Callable[[Path], None],
) -> None:
    """Write a command's result: Excel to the ``-o`` file (required), the text formats to
    standard output or ``-o``. Only the format asked for is rendered."""
    if fmt is OutputFormat.xlsx:
        if output is None:
            fail(lang, "Excel 格式需要用 -o 指定输出文件", "xlsx output needs -o FILE")
        write_atomically(output, xlsx)
        click.echo(say(lang, "已写入 {path}", "wrote {path}", path=output), err=True)
        return
    text_format = OutputFormat.csv if fmt is OutputFormat.csv_gb18030 else fmt
    emit(texts[text_format](), output, lang, FILE_ENCODINGS.get(fmt, "utf-8"))


# Which module holds each top-level command (import order = help order): the group imports
# only the module of the command asked for.
COMMAND_OF = {
    "evaluate": "kaoping.cli.evaluate",
    "check": "kaoping.cli.check",
    **dict.fromkeys(("explain", "template", "schemes"), "kaoping.cli.evaluate"),
    "archive": "kaoping.cli.archive",
    "log": "kaoping.cli.log",
    **dict.fromkeys(("report", "certificates"), "kaoping.cli.report"),
    **dict.fromkeys(
        ("experts", "targets", "awards", "allocate", "compare"), "kaoping.cli.assessment"
    ),
    "robustness": "kaoping.cli.robustness",
}


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - console entry point
    """``kaoping ...``"""
    # A command is one short run that builds a few objects per unit and frees them at exit:
    # the collector's default (a pass every 700 new objects, each full pass walking every
    # object the table made) took half the award decisions' time at 100,000 units. Cycles
    # are still collected, a pass every 100,000 objects.
    gc.set_threshold(100_000, 20, 20)
    app.main(args=sys.argv[1:] if argv is None else argv, prog_name="kaoping")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
