"""The expert's actions: his score sheet in a group, typed or uploaded, saved as a draft and
then submitted. Each ``do_*`` runs in one transaction with its log entry. The office's
actions (groups, members, assignments, recusals) are in :mod:`kaoping.web.experts.office_actions`.

The rules (issue 4): an expert scores only the units and items assigned to him, never a unit
he is recused from (回避) or a member of; a score lies within [0, the item's maximum]; a
submitted sheet no longer changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.scoring import KaopingError
from kaoping.scoring.experts import ExpertScore as EngineScore
from kaoping.scoring.experts import ScoringItem, validate_scores
from kaoping.tables.assessment import read_expert_scores
from kaoping.tables.cells import NotANumber, parse_number
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError, after_label, join_details, join_list
from kaoping.web.experts.models import Assignment, ExpertGroup, ExpertScore, Recusal, ScoreSheet
from kaoping.web.experts.scoring import group_items
from kaoping.web.permissions import is_member_of_unit
from kaoping.web.rounds.closed import check_writable
from kaoping.web.submissions.bulk import update_many
from kaoping.web.units.models import Unit

Cell = tuple[int, str]  # (unit id, item code)


class ScoresRejected(ActionError):
    """Every problem with the scores at once (nothing is saved)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(join_details(problems))


def sheet_for(group: ExpertGroup, expert: User) -> ScoreSheet:
    sheet, _new = ScoreSheet.objects.get_or_create(group=group, expert=expert)
    return sheet


def assigned_units(group: ExpertGroup, expert: User) -> list[Unit]:
    """The units ``expert`` may score in ``group``: assigned, not recused, not his own."""
    recused = Recusal.objects.filter(round=group.round, expert=expert).values("unit_id")
    units = Unit.objects.filter(
        pk__in=Assignment.objects.filter(group=group, expert=expert).values("unit_id")
    ).exclude(pk__in=recused)
    return [u for u in units.order_by("code") if not is_member_of_unit(expert, u)]


def parse_score(text: object, expert: User, unit: Unit, item: ScoringItem) -> float | str | None:
    """A typed score as a number, None when empty, or the message why it is not a number."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:  # as the table reader reads a cell: full-width digits yes, NaN, inf or "1,2" no
        return parse_number(str(text).strip())
    except NotANumber:
        pass
    return _(
        "%(expert)s: the score of %(unit)s for “%(item)s” is “%(value)s”, not a number; "
        "expected 0 to %(max)s."
    ) % {
        "expert": expert.username,
        "unit": str(unit),
        "item": f"{item.code} {item.name}",
        "value": text,
        "max": f"{item.max:g}",
    }


def do_save_scores(
    group: ExpertGroup,
    entries: Mapping[Cell, object],
    *,
    acting_user: User,
    submit: bool = False,
) -> ScoreSheet:
    """Save ``acting_user``'s scores in ``group`` (a draft), and submit them if asked.

    ``entries`` maps (unit id, item code) to the typed text or number; an empty entry
    removes a draft score. Every problem is reported at once and nothing is saved.
    """
    expert = acting_user
    with transaction.atomic():
        group = ExpertGroup.objects.select_for_update().select_related("round").get(pk=group.pk)
        group.require_open()
        sheet = ScoreSheet.objects.select_for_update().get_or_create(group=group, expert=expert)[0]
        sheet.require_draft()
        units = {u.pk: u for u in assigned_units(group, expert)}
        items = {i.code: i for i in group_items(group)}
        problems, values = _check_entries(group, expert, entries, units, items)
        if problems:
            raise ScoresRejected(problems)
        _store_scores(group, expert, values)
        if submit:
            have = set(
                ExpertScore.objects.filter(group=group, expert=expert).values_list(
                    "unit_id", "indicator"
                )
            )
            missing = [
                f"{u} {code}" for u in units.values() for code in items if (u.pk, code) not in have
            ]
            if missing:
                raise ScoresRejected(
                    [
                        _(
                            "Score every assigned unit and item before submitting; missing: %(cells)s"
                        )
                        % {"cells": join_list(missing)}
                    ]
                )
            sheet.submit(timezone.now())
            sheet.save()
        record(
            "experts.submit_scores" if submit else "experts.save_scores",
            acting_user,
            round=group.round,
            obj=sheet,
            data={
                "group": group.name,
                "scores": {f"{units[u].code}/{c}": v for (u, c), v in values.items()},
            },
        )
    return sheet


def _store_scores(group: ExpertGroup, expert: User, values: Mapping[Cell, float | None]) -> None:
    """Write a sheet's scores: a few statements, not one per cell (an expert scoring 3,000
    units on two items saves 6,000 cells at once, 20 s with update_or_create)."""
    stored = {
        (s.unit_id, s.indicator): s for s in ExpertScore.objects.filter(group=group, expert=expert)
    }
    now = timezone.now()
    gone, changed, new = [], [], []
    for (unit_id, code), value in values.items():
        score = stored.get((unit_id, code))
        if value is None:
            if score is not None:
                gone.append(score.pk)
        elif score is None:
            new.append(
                ExpertScore(
                    group=group, expert=expert, unit_id=unit_id, indicator=code, score=value
                )
            )
        elif score.score != value:
            score.score, score.updated_at = value, now
            changed.append(score)
    if gone:
        ExpertScore.objects.filter(pk__in=gone).delete()  # each delete meets the guard
    for batch in (new, changed):
        if batch:
            check_writable(batch[0])  # the closed-round guard a save would have run
    ExpertScore.objects.bulk_create(new)
    update_many(changed, ["score", "updated_at"])


def _check_entries(
    group: ExpertGroup,
    expert: User,
    entries: Mapping[Cell, object],
    units: Mapping[int, Unit],
    items: Mapping[str, ScoringItem],
) -> tuple[list[str], dict[Cell, float | None]]:
    problems: list[str] = []
    values: dict[Cell, float | None] = {}
    engine_scores = []
    for (unit_id, code), text in entries.items():
        unit = units.get(unit_id)
        if unit is None:
            other = Unit.objects.filter(pk=unit_id).first()
            problems.append(
                _(
                    "%(expert)s may not score %(unit)s in this group (not assigned, recused or "
                    "his own unit)."
                )
                % {"expert": expert.username, "unit": str(other) if other else unit_id}
            )
            continue
        item = items.get(code)
        if item is None:
            problems.append(
                _("“%(item)s” is not an item of this group (expected %(expected)s).")
                % {"item": code, "expected": join_list(items) or "—"}
            )
            continue
        value = parse_score(text, expert, unit, item)
        if isinstance(value, str):
            problems.append(value)
            continue
        values[(unit_id, code)] = value
        if value is not None:
            engine_scores.append(
                EngineScore(expert=expert.username, unit_code=str(unit), item=code, score=value)
            )
    try:
        found = validate_scores(group.round.scheme(), engine_scores)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None
    problems += [p.text("zh") for p in found]
    return problems, values


def do_upload_scores(
    group: ExpertGroup, content: bytes, filename: str, *, acting_user: User
) -> ScoreSheet:
    """Read the engine's scoring sheet (Excel or CSV) and save its scores as a draft.

    Only the rows of ``acting_user`` are read; a row of another expert, a unit he may not
    score or an item of another group is refused with its row and column.
    """
    scheme = group.round.scheme()
    try:
        scores = read_expert_scores(scheme, content, filename)
    except KaopingError as exc:
        raise ScoresRejected([p.render("zh") for p in exc.problems]) from None
    units = {u.code: u for u in assigned_units(group, acting_user)}
    codes = {i.code for i in group_items(group)}
    problems, entries = [], {}
    for s in scores:
        place = _("%(file)s row %(row)s, column %(column)s") % {
            "file": filename,
            "row": s.row,
            "column": s.column,
        }
        if s.expert != acting_user.username:
            problems.append(
                after_label(
                    place,
                    _("the expert “%(name)s” is not you (%(me)s).")
                    % {"name": s.expert, "me": acting_user.username},
                )
            )
        elif s.unit_code not in units:
            problems.append(
                after_label(
                    place, _("you may not score the unit %(code)s.") % {"code": s.unit_code}
                )
            )
        elif s.item not in codes:
            problems.append(
                after_label(
                    place,
                    _("%(item)s is not an item of this group; leave it empty.") % {"item": s.item},
                )
            )
        else:
            entries[(units[s.unit_code].pk, s.item)] = s.score
    if problems:
        raise ScoresRejected(problems)
    if not entries:
        raise ScoresRejected([_("%(file)s holds no score of yours.") % {"file": filename}])
    return do_save_scores(group, entries, acting_user=acting_user)
