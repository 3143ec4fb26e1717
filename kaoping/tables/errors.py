"""Raising and collecting the problems of one base-data file."""

from __future__ import annotations

from typing import Any, NoReturn

from kaoping.scoring.errors import DataError, Problem


def fail(code: str, filename: str | None, **params: Any) -> NoReturn:
    """Stop reading a file that cannot be read at all: one problem, no place in it."""
    raise DataError([Problem(code, file=filename, params=params)])


def capped(problems: list[Problem], max_problems: int, filename: str | None) -> list[Problem]:
    """At most ``max_problems`` problems, then one ``data.too_many`` saying how many there were.

    A table with a wrong column gives one problem per row; a thousand of them help no one,
    but the count tells the user how bad it is.
    """
    if len(problems) <= max_problems:
        return problems
    shown = max(max_problems, 0)
    summary = Problem(
        "data.too_many", file=filename, params={"shown": shown, "total": len(problems)}
    )
    return [*problems[:shown], summary]
