"""``kaoping log verify``: check the evaluation log's hash chain in the web application's database.

Django is imported only when the command runs, so the other ``kaoping`` commands stay fast.
The database is the web application's (``DATABASE_URL``, or ``--database``); the key is the
installation's ``KAOPING_LOG_KEY`` (default ``SECRET_KEY``), so run it with the same
environment as the server.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from kaoping.cli.main import EXIT_BAD_INPUT, EXIT_FAILURE, LangOption, app, guarded, say

log_app = typer.Typer(help="评价日志：校验哈希链 / the evaluation log", no_args_is_help=True)
app.add_typer(log_app, name="log")

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="数据库 URL（默认取环境变量 DATABASE_URL）/ database URL (default: DATABASE_URL)",
    ),
]


def setup_django(database: str | None = None) -> None:
    """Configure Django from the environment (settings module, optional database URL)."""
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.web.settings")
    import django

    django.setup()


@log_app.command("verify")
@guarded
def verify_command(database: DatabaseOption = None, lang: LangOption = None) -> None:
    """校验评价日志的哈希链，指出第一条被修改、删除或插入的条目 / verify the log's chain."""
    assert lang is not None
    setup_django(database)
    from django.db import DatabaseError

    from kaoping.web.audit.log import check_chain

    try:
        report = check_chain()
    except DatabaseError as exc:
        typer.echo(say(lang, "无法读取评价日志（数据库 {db}）：{reason}",
                       "cannot read the evaluation log (database {db}): {reason}",
                       db=_database_name(), reason=str(exc).strip()), err=True)  # fmt: skip
        raise typer.Exit(EXIT_FAILURE) from None
    if report.ok:
        typer.echo(say(lang, "评价日志完整：{n} 条，哈希链无误。\n链头：{head}",
                       "The evaluation log is intact: {n} entries, the chain holds.\nhead: {head}",
                       n=report.count, head=report.head))  # fmt: skip
        return
    typer.echo(say(lang, "评价日志哈希链断裂：{problem}。",
                   "The evaluation log's chain is broken: {problem}.",
                   problem=report.problem.render(lang)), err=True)  # fmt: skip
    raise typer.Exit(EXIT_BAD_INPUT)


def _database_name() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"{db['ENGINE'].rsplit('.', 1)[-1]}:{db.get('NAME', '')}"
