"""``kaoping targets progress | score``: the targets of the responsibility letters (目标责任书),
their progress against the plan and each unit's completion (docs/beijing.md)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from kaoping.cli.console import guarded
from kaoping.cli.delivery import OutputFormat
from kaoping.cli.help import Group, argument, option
from kaoping.cli.options import PATH, format_option, lang_option, out_option
from kaoping.cli.rendering import write_rows
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext
from kaoping.scoring.missing import nan_to_none
from kaoping.scoring.targets import YEAR_END, check_targets, completion_column, progress
from kaoping.tables.assessment import read_targets

targets_group = Group(
    "targets",
    help=gettext_noop("Responsibility-letter targets: progress and completion."),
    no_args_is_help=True,
)


def _percent_or_none(x: float) -> float | None:
    """A share as a percentage, None when it is NaN."""
    return None if math.isnan(x) else 100.0 * x


@targets_group.command(
    "progress",
    help=gettext_noop(
        "Progress of the targets: what should be done by now by the plan, completion and "
        "progress rates."
    ),
)
@argument(
    "targets",
    gettext_noop("targets (with the planned breakdown and what was achieved)"),
    type=PATH,
)
@option(
    "--through",
    help=gettext_noop("up to: Q1-Q4 or 1-12; default: the period given in the table"),
)
@format_option(OutputFormat.table)
@out_option("out")
@lang_option
@guarded
def targets_progress_command(
    targets: Path, through: str | None, format: OutputFormat, out: Path | None, lang: str
) -> None:
    """Each target's expected and actual completion up to a period."""
    items = check_targets(read_targets(targets))
    headers = [
        pgettext("cli column", "code", lang),
        pgettext("cli column", "name", lang),
        pgettext("cli column", "target", lang),
        pgettext("cli column", "value", lang),
        pgettext("cli column", "through", lang),
        pgettext("cli column", "expected", lang),
        pgettext("cli column", "actual", lang),
        # xgettext:no-python-format
        pgettext("cli column", "completion %", lang),
        # xgettext:no-python-format
        pgettext("cli column", "schedule %", lang),
        pgettext("cli column", "on track", lang),
    ]
    rows: list[list[Any]] = []
    document: list[dict[str, Any]] = []
    for t in items:
        p = progress(t, through=through)
        shown = gettext("year end", lang) if p.through == YEAR_END else p.through
        rows.append(
            [
                t.unit_code,
                t.unit_name,
                t.name or t.key,
                t.value,
                shown,
                p.expected,
                nan_to_none(p.actual),
                _percent_or_none(p.completion),
                _percent_or_none(p.schedule),
                p.on_track,
            ]
        )
        document.append(
            {
                "code": t.unit_code,
                "key": t.key,
                "target": t.value,
                "through": shown,
                "expected": p.expected,
                "actual": nan_to_none(p.actual),
                "completion": nan_to_none(p.completion),
                "schedule": nan_to_none(p.schedule),
                "on_track": p.on_track,
            }
        )
    behind = sum(1 for r in rows if not r[-1])
    title = gettext("{n} targets, {b} behind plan", lang).format(n=len(rows), b=behind)
    sheet = pgettext("cli sheet", "Progress", lang)
    write_rows(format, out, lang, headers, rows, document, title, sheet=sheet)


@targets_group.command(
    "score",
    # xgettext:no-python-format
    help=gettext_noop(
        "Completion of the responsibility letter per unit (0-100: the targets' completion "
        "rates, each capped at 100%, weighted)."
    ),
)
@argument("targets", gettext_noop("targets with what was achieved"), type=PATH)
@format_option(OutputFormat.table)
@out_option("out")
@lang_option
@guarded
def targets_score_command(targets: Path, format: OutputFormat, out: Path | None, lang: str) -> None:
    """Each unit's completion of its responsibility letter."""
    items = check_targets(read_targets(targets))
    codes: list[str] = []
    names: dict[str, str] = {}
    for t in items:
        if t.unit_code not in names:
            codes.append(t.unit_code)
            names[t.unit_code] = t.unit_name
    scores = completion_column(items, codes)
    headers = ["unit_code", "unit_name", "target_completion"]
    rows: list[list[Any]] = [
        [c, names[c], nan_to_none(s)] for c, s in zip(codes, scores, strict=True)
    ]
    document = [{"unit_code": c, "unit_name": n, "target_completion": s} for c, n, s in rows]
    sheet = pgettext("cli sheet", "Completion", lang)
    write_rows(format, out, lang, headers, rows, document, sheet=sheet)
