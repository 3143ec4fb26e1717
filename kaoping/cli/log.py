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

from kaoping.cli.main import EXIT_BAD_INPUT, EXIT_FAILURE, Group, app, guarded, lang_option

log_app = Group("log", help="评价日志：校验哈希链 / the evaluation log", no_args_is_help=True)
app.add_command(log_app)


def setup_django(database: str | None = None) -> None:
    """Configure Django from the environment (settings module, optional database URL)."""
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.web.settings")
    import django

    django.setup()


@log_app.command("verify")
@click.option(
    "--database",
    help="数据库 URL（默认取环境变量 DATABASE_URL）/ database URL (default: DATABASE_URL)",
)
@lang_option
@click.option(
    "--rederive/--no-rederive",
    default=True,
    help="按冻结输入重新计算已公布成果 / re-derive published results",
)
@guarded
def verify_command(database: str | None, lang: str | None, rederive: bool) -> None:
    """校验评价日志：哈希链、签名检查点、公布记载的链头、受担保的数据行、重新计算成果 / verify."""
    assert lang is not None
    setup_django(database)
    from django.core.management import call_command
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

    def __init__(self, err: bool):
        self.err = err

    def write(self, text: str) -> None:
        click.echo(text, nl=False, err=self.err)

    def flush(self) -> None:
        pass
