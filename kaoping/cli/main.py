"""The ``kaoping`` command: one click group whose commands are loaded when asked for.

Each command (or group of sub-commands) is defined in a module of this package, which does
not import this one; :data:`COMMANDS` names it as ``"module:attribute"``. The group imports
a command's module only when that command is asked for (every module only to list them
all, for ``--help`` or an unknown name): ``kaoping evaluate`` never loads the Excel writer,
the reports or the robustness analysis. The command line is plain click (Typer, which is
built on it, cost a fifth of the start-up in pydantic and per-option adapters;
docs/performance.md).

The shared parts: :mod:`~kaoping.cli.help` (help in the user's language),
:mod:`~kaoping.cli.options`, :mod:`~kaoping.cli.inputs` (the files of an assessment),
:mod:`~kaoping.cli.console` (messages and exit statuses), :mod:`~kaoping.cli.delivery`
(output formats and files), :mod:`~kaoping.cli.rendering` (tables, CSV, JSON).
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

import click

from kaoping.cli.help import Group, Option
from kaoping.scoring.i18n import gettext_noop

# Every top-level command, in the order ``kaoping --help`` lists them, and where it lives.
COMMANDS = {
    "evaluate": "kaoping.cli.evaluate:evaluate_command",
    "check": "kaoping.cli.check:check_command",
    "explain": "kaoping.cli.evaluate:explain_command",
    "template": "kaoping.cli.evaluate:template_command",
    "schemes": "kaoping.cli.evaluate:schemes_command",
    "archive": "kaoping.cli.archive:archive_group",
    "log": "kaoping.cli.log:log_group",
    "report": "kaoping.cli.report:report_command",
    "certificates": "kaoping.cli.report:certificates_command",
    "experts": "kaoping.cli.experts:experts_group",
    "targets": "kaoping.cli.targets:targets_group",
    "awards": "kaoping.cli.awards:awards_command",
    "allocate": "kaoping.cli.allocate:allocate_command",
    "compare": "kaoping.cli.compare:compare_command",
    "robustness": "kaoping.cli.robustness:robustness_command",
}
# The module of each command.
COMMAND_OF = {name: where.partition(":")[0] for name, where in COMMANDS.items()}


class LazyGroup(Group):
    """The root group: a command's module is imported when that command is first asked for."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            module, _, attribute = COMMANDS[name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command), COMMANDS[name]
            self.add_command(command, name)
        return self.commands.get(name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)


app = LazyGroup(
    name="kaoping",
    help=gettext_noop(
        "Kaoping: performance evaluation of employment special funds and assessment of "
        "employment work"
    ),
    no_args_is_help=True,
    # Each option's default shown in --help, as before.
    context_settings={"show_default": True},
    params=[
        Option(
            ["--warnings-file"],
            type=click.Path(path_type=Path, dir_okay=False),
            help=gettext_noop(
                "write every note to this file (the terminal shows the first 20 of each kind)"
            ),
        )
    ],
)


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - console entry point
    """``kaoping ...``"""
    # A command is one short run that builds a few objects per unit and frees them at exit:
    # the collector's default (a pass every 700 new objects, each full pass walking every
    # object the table made) took half the award decisions' time at 100,000 units. Cycles
    # are still collected, a pass every 100,000 objects.
    gc.set_threshold(100_000, 20, 20)
    app.main(args=sys.argv[1:] if argv is None else argv, prog_name="kaoping")


if __name__ == "__main__":  # pragma: no cover
    main()
