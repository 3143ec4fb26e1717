"""What every command says on standard error, and its exit status.

Every command turns bad input into messages on stderr in the user's language and exit
status 2 (:data:`EXIT_BAD_INPUT`), a file it cannot read or write into a message and exit
status 1 (:data:`EXIT_FAILURE`), never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, NoReturn, ParamSpec, TypeVar

import click

from kaoping.scoring import KaopingError, Problem
from kaoping.scoring.i18n import gettext, language_from_environment

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Stop the command: ``message`` (already in the user's language) on standard error."""
    click.echo(message, err=True)
    raise click.exceptions.Exit(code)


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a command; report KaopingError and I/O errors as messages with exit status 2 / 1.

    The wrapped command must take a ``lang`` keyword (the --lang option): it receives the
    language chosen, ``"zh"`` or ``"en"`` (:func:`language_from_environment`).
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        lang = language_from_environment(_text_or_none(kwargs.get("lang")))
        kwargs["lang"] = lang
        try:
            return fn(*args, **kwargs)
        except KaopingError as exc:
            for problem in exc.problems:
                click.echo(problem.render(lang), err=True)
            count = len(exc.problems)
            fail(gettext("{n} problem(s); nothing written.", lang).format(n=count))
        except OSError as exc:
            message = gettext("cannot read or write {name}: {reason}", lang)
            fail(
                message.format(name=exc.filename or "", reason=exc.strerror or exc),
                EXIT_FAILURE,
            )

    return wrapper


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# Warnings of one rule shown on the terminal; the rest are counted (a 300,000-row table gave
# 44,398 lines). ``kaoping --warnings-file FILE <command>`` writes every one of them.
WARNINGS_SHOWN = 20


def show_warnings(warnings: Iterable[Problem], lang: str) -> None:
    """Warnings (not errors) on standard error, each marked as a note: the first
    :data:`WARNINGS_SHOWN` of each rule, then how many more; all of them in the file of
    ``--warnings-file`` when given."""
    label = gettext("note: ", lang)
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
            more = gettext("{n} more notes of this kind ({code}) not shown", lang)
            if file is not None:
                where = gettext("; all {total} written to {file}", lang)
            else:
                where = gettext(" (kaoping --warnings-file FILE ... writes them all)", lang)
            text = more.format(n=count - WARNINGS_SHOWN, code=code)
            click.echo(label + text + where.format(total=len(warnings), file=file), err=True)
