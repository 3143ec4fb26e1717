"""Where a command's result goes: standard output or the ``-o`` file, in the format asked.

A file is written whole or not at all (:func:`write_atomically`); only the format asked
for is rendered (:func:`deliver`).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import IO

import click

from kaoping.cli.console import fail
from kaoping.scoring.i18n import gettext


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


def output_format(fmt: OutputFormat | None, output: Path | None) -> OutputFormat:
    """The format asked for, else the one the ``-o`` file's extension names, else a table."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    return OutputFormat(suffix) if suffix in ("json", "csv", "xlsx") else OutputFormat.table


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, so a failure leaves no partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def say_written(path: Path, lang: str) -> None:
    """ "wrote FILE" on standard error."""
    click.echo(gettext("wrote {path}", lang).format(path=path), err=True)


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
        say_written(output, lang)
        return
    if output is None:
        if encoding == "gb18030":
            sys.stdout.buffer.write((text + "\n").encode(encoding))
            sys.stdout.flush()
        else:
            click.echo(text)
        return

    def write_text(p: Path) -> None:
        p.write_text(text + "\n", encoding=encoding)

    write_atomically(output, write_text)
    say_written(output, lang)


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
            fail(gettext("xlsx output needs -o FILE", lang))
        write_atomically(output, xlsx)
        say_written(output, lang)
        return
    text_format = OutputFormat.csv if fmt is OutputFormat.csv_gb18030 else fmt
    emit(texts[text_format](), output, lang, FILE_ENCODINGS.get(fmt, "utf-8"))
