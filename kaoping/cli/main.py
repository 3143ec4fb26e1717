"""The ``kaoping`` command: one Typer app; each group of sub-commands lives in its own module
of this package and registers itself on :data:`app` when imported (see COMMAND_MODULES).

Every command turns bad input into messages on stderr in the user's language and exit
status 2, never a traceback, and writes no output file when it fails.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from kaoping.scoring.messages import KaopingError, language_from_environment

app = typer.Typer(
    name="kaoping",
    help="考评：就业专项资金绩效评价与就业工作绩效考核 (performance evaluation of employment funds)",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Options shared by the commands.
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="界面语言 zh 或 en（默认按 LANG，中文优先） / message language"),
]
SchemeOption = Annotated[
    str,
    typer.Option("--scheme", "-s", help="方案编码或方案文件 / scheme code or TOML file"),
]
OutOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="输出文件或目录 / output file or folder")
]

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1

F = TypeVar("F", bound=Callable[..., Any])


def say(lang: str, zh: str, en: str, **values: Any) -> str:
    """A message of the command line itself, in the user's language."""
    return (en if lang == "en" else zh).format(**values)


def fail(lang: str, zh: str, en: str, code: int = EXIT_BAD_INPUT, **values: Any) -> None:
    typer.echo(say(lang, zh, en, **values), err=True)
    raise typer.Exit(code)


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
                typer.echo(problem.render(lang), err=True)
            count = len(exc.problems)
            typer.echo(say(lang, "共 {n} 个问题，未输出结果。", "{n} problem(s); nothing written.",
                           n=count), err=True)  # fmt: skip
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except OSError as exc:
            name = exc.filename or ""
            typer.echo(say(lang, "无法读写文件 {name}：{reason}", "cannot read or write {name}: {reason}",
                           name=name, reason=exc.strerror or exc), err=True)  # fmt: skip
            raise typer.Exit(EXIT_FAILURE) from None

    return wrapper  # type: ignore[return-value]


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
    csv = "csv"
    xlsx = "xlsx"


FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format", "-f",
        help="输出格式 table/json/csv/xlsx（默认按 -o 的扩展名） / output format",
    ),
]  # fmt: skip


def output_format(fmt: OutputFormat | None, output: Path | None) -> OutputFormat:
    """The format asked for, else the one the ``-o`` file's extension names, else a table."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    return OutputFormat(suffix) if suffix in ("json", "csv", "xlsx") else OutputFormat.table


def emit(text: str, output: Path | None, lang: str) -> None:
    """Text to standard output, or to the ``-o`` file (written whole or not at all)."""
    if output is None:
        typer.echo(text)
        return
    write_atomically(output, lambda p: p.write_text(text + "\n", encoding="utf-8"))
    typer.echo(say(lang, "已写入 {path}", "wrote {path}", path=output), err=True)


def deliver(
    lang: str,
    fmt: OutputFormat,
    output: Path | None,
    *,
    texts: Mapping[OutputFormat, Callable[[], str]],
    xlsx: Callable[[Path], None],
) -> None:
    """Write a command's result: Excel to the ``-o`` file (required), the text formats to
    standard output or ``-o``. Only the format asked for is rendered."""
    if fmt is OutputFormat.xlsx:
        if output is None:
            fail(lang, "Excel 格式需要用 -o 指定输出文件", "xlsx output needs -o FILE")
        write_atomically(output, xlsx)
        typer.echo(say(lang, "已写入 {path}", "wrote {path}", path=output), err=True)
        return
    emit(texts[fmt](), output, lang)


# Modules that add sub-commands to ``app`` (import order = help order).
COMMAND_MODULES = [
    "kaoping.cli.evaluate",
    "kaoping.cli.archive",
    "kaoping.cli.log",
    "kaoping.cli.report",
    "kaoping.cli.assessment",
    "kaoping.cli.robustness",
]


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


_register()


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="kaoping")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
