"""Click's commands, groups, options and arguments with their help in the user's language.

Help texts are written as English message ids marked with ``gettext_noop`` (so ``make
messages`` extracts them) and translated when the help is shown, not when the command is
defined: ``kaoping --help`` under ``LANG=zh_CN.UTF-8`` (or with no language set) is in
Chinese, under ``LANG=en_US.UTF-8`` in English, and ``--lang`` written before ``--help``
wins over the environment (``kaoping evaluate --lang en --help``). Click's own words
("Usage:", "Options:", its error messages) stay as click writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from kaoping.scoring.i18n import gettext, language_from_environment

# Where the --lang option leaves its value for the help of the same command line.
LANG_KEY = "kaoping.lang"

FC = TypeVar("FC", bound=Callable[..., Any] | click.Command)


def help_language(ctx: click.Context | None) -> str:
    """``--lang`` when it was read before ``--help``, else the environment's language."""
    while ctx is not None:
        lang = ctx.meta.get(LANG_KEY)
        if lang:
            return language_from_environment(str(lang))
        ctx = ctx.parent
    return language_from_environment()


def translated(text: str | None, ctx: click.Context | None) -> str | None:
    """A help text (an English message id) in the help's language."""
    return gettext(text, help_language(ctx)) if text else text


class Command(click.Command):
    """A command whose help text is translated when shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = translated(self.help, ctx)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        # Click shortens ``self.help`` (its shortening is private): lend it the translation.
        written = self.help
        self.help = translated(written, click.get_current_context(silent=True))
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = written


class Group(click.Group, Command):
    """A group of commands, listed in the order they were added (click sorts them
    otherwise); its commands are :class:`Command` and its sub-groups :class:`Group`."""

    command_class = Command
    group_class = type

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


class Option(click.Option):
    """An option whose help text is translated when shown (its ``[default: ...]`` kept)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None or not self.help or not record[1].startswith(self.help):
            return record
        spec, text = record
        return spec, f"{translated(self.help, ctx)}{text[len(self.help) :]}"


class Argument(click.Argument):
    """A positional argument with a translated help text (click lists it under
    "Positional arguments")."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str]:
        return self.make_metavar(ctx), translated(self.help, ctx) or ""


def command(name: str, help: str) -> Callable[[Callable[..., Any]], Command]:
    """``@command("evaluate", help=gettext_noop("..."))``: a top-level command."""
    return click.command(name, cls=Command, help=help)


def option(*param_decls: str, **attrs: Any) -> Callable[[FC], FC]:
    """``click.option`` with the help translated when shown."""
    return click.option(*param_decls, cls=Option, **attrs)


def argument(name: str, help: str, **attrs: Any) -> Callable[[FC], FC]:
    """A positional argument with a help text."""
    return click.argument(name, cls=Argument, help=help, **attrs)
