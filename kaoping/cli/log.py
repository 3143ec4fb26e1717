"""``kaoping log verify``: check the evaluation log of the web application's database.

The command line never imports the web layer. The log lives in the web application's
database, whose tables, checkpoints and vouched rows only the web application knows, so
this command configures Django from the environment and runs its management command
``verify_log`` by name (``kaoping.web.audit.anchors.verify_log``): the same check the log
page runs. The hash chain and checkpoint logic themselves are pure functions in
``kaoping.archive.chain`` that both use. The database is the web application's
(``DATABASE_URL``, or ``--database``); the keys are the installation's (``KAOPING_LOG_KEY``,
``KAOPING_KEYS_DIR``, ``KAOPING_CHECKPOINT_DIR``), so run it with the server's environment.
"""

from __future__ import annotations

import os

import click

from kaoping.cli.console import EXIT_BAD_INPUT, EXIT_FAILURE, guarded
from kaoping.cli.help import Group, option
from kaoping.cli.options import lang_option
from kaoping.scoring.i18n import gettext_noop

log_group = Group(
    "log", help=gettext_noop("The evaluation log: verify its hash chain."), no_args_is_help=True
)


def setup_django(database: str | None = None) -> None:
    """Configure Django from the environment (settings module, optional database URL)."""
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.web.settings")
    import django  # here, not at the top: only `kaoping log` needs Django

    django.setup()


@log_group.command(
    "verify",
    help=gettext_noop(
        "Verify the evaluation log: hash chain, signed checkpoints, chain heads recorded at "
        "publication, vouched data rows, results recomputed."
    ),
)
@option("--database", help=gettext_noop("database URL (default: the DATABASE_URL variable)"))
@lang_option
@option(
    "--rederive/--no-rederive",
    default=True,
    help=gettext_noop("recompute the published results from their frozen inputs"),
)
@guarded
def verify_command(database: str | None, lang: str, rederive: bool) -> None:
    """Run the web application's log check (``manage.py verify_log``)."""
    setup_django(database)
    from django.core.management import call_command  # as above
    from django.core.management.base import CommandError

    args = ["verify_log", "--lang", lang] + ([] if rederive else ["--no-rederive"])
    try:
        call_command(*args, stdout=_Echo(err=False))
    except CommandError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(
            EXIT_BAD_INPUT if exc.returncode == 2 else EXIT_FAILURE
        ) from None


class _Echo:
    """A file-like object that prints through click (so tests' runners capture it)."""

    def __init__(self, err: bool) -> None:
        self.err = err

    def write(self, text: str) -> None:
        click.echo(text, nl=False, err=self.err)

    def flush(self) -> None:
        pass
