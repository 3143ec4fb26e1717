"""Actions on expert groups. Each ``do_*`` runs in one transaction with its log entry.

The rules (issue 4): an expert scores only the units and items assigned to him; an expert
tied to a unit (回避) or a user who is a member of the unit never scores it; a score lies
within [0, the item's maximum]; a submitted sheet no longer changes; a closed group's
scores are final and feed the scoring runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.scoring import KaopingError
from kaoping.scoring.experts import ExpertScore as EngineScore
from kaoping.scoring.experts import validate_scores
from kaoping.tables.assessment import read_expert_scores
from kaoping.tables.cells import NotANumber, parse_number
from kaoping.web.accounts.models import Role
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError
from kaoping.web.experts.models import (
    Assignment,
    ExpertGroup,
    ExpertScore,
    GroupPurpose,
    Recusal,
    ScoreSheet,
    SheetStatus,
)
from kaoping.web.experts.scoring import aggregation_of, group_items, round_items
from kaoping.web.permissions import is_member_of_unit
from kaoping.web.rounds.closed import check_writable
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.submissions.bulk import update_many

# Professional groups score before the committee reviews the results.
GROUP_STATES = (
    RoundState.SCHEME_PUBLISHED,
    RoundState.COLLECTION,
    RoundState.VERIFICATION,
    RoundState.SCORING,
)

Cell = tuple[int, str]  # (unit id, item code)


class ScoresRejected(ActionError):
    """Every problem with the scores at once (nothing is saved)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


def unit_label(unit) -> str:
    return f"{unit.name}（{unit.code}）"


def is_expert(user) -> bool:
    return user.memberships.filter(role=Role.EXPERT).exists()


# --- the office: groups, members, assignments, recusals ----------------------------------


def do_create_group(
    round: Round,
    *,
    name: str,
    items: Iterable[str],
    acting_user,
    purpose: str = GroupPurpose.ORIGINAL,
) -> ExpertGroup:
    """A professional group (专业考核小组) scoring ``items`` (qualitative item codes)."""
    items = list(dict.fromkeys(items))
    name = (name or "").strip()
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.state not in GROUP_STATES:
            raise ActionError(
                _("Expert groups are formed before the committee review; the round is “%(state)s”.")
                % {"state": round.get_state_display()}
            )
        if not name:
            raise ActionError(_("Please give the group a name."))
        known = {i.code: i for i in round_items(round)}
        if not known:
            raise ActionError(_("The round's scheme has no qualitative item for experts to score."))
        unknown = [code for code in items if code not in known]
        if unknown or not items:
            raise ActionError(
                _(
                    "Choose the group's items among the qualitative items %(expected)s; got “%(got)s”."
                )
                % {"expected": "、".join(known), "got": "、".join(unknown) or "—"}
            )
        taken = _items_of_other_groups(round)
        overlap = [code for code in items if code in taken]
        if overlap:
            raise ActionError(
                _("Item %(item)s is already scored by the group “%(group)s”.")
                % {"item": overlap[0], "group": taken[overlap[0]]}
            )
        group = ExpertGroup.objects.create(
            round=round, name=name, purpose=purpose, items=items, created_by=acting_user
        )
        record(
            "experts.create_group",
            acting_user,
            round=round,
            obj=group,
            data={"name": name, "items": items, "purpose": purpose},
        )
    return group


def _items_of_other_groups(round: Round) -> dict[str, str]:
    taken = {}
    for group in ExpertGroup.objects.filter(round=round, purpose=GroupPurpose.ORIGINAL):
        for code in group.items or []:
            taken[code] = group.name
    return taken


def do_add_members(group: ExpertGroup, users: Iterable, *, acting_user) -> None:
    users = list(users)
    with transaction.atomic():
        group = ExpertGroup.objects.select_for_update().get(pk=group.pk)
        group.require_open()
        not_experts = [u.username for u in users if not is_expert(u)]
        if not_experts:
            raise ActionError(
                _("Only users with the expert role can join a group: %(names)s")
                % {"names": "、".join(not_experts)}
            )
        group.members.add(*users)
        record(
            "experts.add_members",
            acting_user,
            round=group.round,
            obj=group,
            data={"members": [u.username for u in users]},
        )


def do_assign(group: ExpertGroup, experts: Iterable, units: Iterable, *, acting_user) -> list[str]:
    """Assign each unit to each expert; returns why some pairs were skipped.

    A pair is skipped (never assigned) when the expert is recused from the unit or is a
    member of it: nobody scores a unit he is tied to.
    """
    experts, units = list(experts), list(units)
    skipped = []
    with transaction.atomic():
        group = ExpertGroup.objects.select_for_update().select_related("round").get(pk=group.pk)
        group.require_open()
        members = set(group.members.values_list("pk", flat=True))
        outsiders = [e.username for e in experts if e.pk not in members]
        if outsiders:
            raise ActionError(
                _("Add %(names)s to the group before assigning units.")
                % {"names": "、".join(outsiders)}
            )
        in_round = set(group.round.units.values_list("pk", flat=True))
        strangers = [unit_label(u) for u in units if u.pk not in in_round]
        if strangers:
            raise ActionError(
                _("Not a unit of this round: %(units)s") % {"units": "、".join(strangers)}
            )
        recused = {
            (r.expert_id, r.unit_id): r.reason for r in Recusal.objects.filter(round=group.round)
        }
        created, new = [], []
        # One query for those already assigned and one INSERT for the rest (3,000 units
        # assigned to two experts were 6,000 get_or_create, 13 s).
        existing = set(group.assignments.values_list("expert_id", "unit_id"))
        for expert in experts:
            for unit in units:
                if is_member_of_unit(expert, unit):
                    skipped.append(
                        _("%(expert)s is a member of %(unit)s and can never score it.")
                        % {"expert": expert.username, "unit": unit_label(unit)}
                    )
                elif (expert.pk, unit.pk) in recused:
                    skipped.append(
                        _("%(expert)s is recused from %(unit)s (%(reason)s).")
                        % {
                            "expert": expert.username,
                            "unit": unit_label(unit),
                            "reason": recused[(expert.pk, unit.pk)],
                        }
                    )
                elif (expert.pk, unit.pk) not in existing:
                    existing.add((expert.pk, unit.pk))
                    new.append(Assignment(group=group, expert=expert, unit=unit))
                    created.append([expert.username, unit.code])
        if new:
            check_writable(new[0])  # the closed-round guard a save would have run
            Assignment.objects.bulk_create(new)
        record(
            "experts.assign",
            acting_user,
            round=group.round,
            obj=group,
            data={"assigned": created, "skipped": skipped},
        )
    return skipped


def do_record_recusal(round: Round, expert, unit, *, reason: str, acting_user) -> Recusal:
    """Record that ``expert`` must not score ``unit`` (回避); his assignments to it in open
    groups end. His scores, if any, stay stored but never count."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Please give the reason for the recusal."))
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if not round.units.filter(pk=unit.pk).exists():
            raise ActionError(
                _("Not a unit of this round: %(units)s") % {"units": unit_label(unit)}
            )
        if ExpertScore.objects.filter(
            group__round=round, group__closed=True, expert=expert, unit=unit
        ).exists():
            raise ActionError(
                _("%(expert)s already scored %(unit)s in a closed group; its scores are final.")
                % {"expert": expert.username, "unit": unit_label(unit)}
            )
        recusal, _new = Recusal.objects.get_or_create(
            round=round,
            expert=expert,
            unit=unit,
            defaults={"reason": reason, "recorded_by": acting_user},
        )
        ended = Assignment.objects.filter(
            group__round=round, group__closed=False, expert=expert, unit=unit
        ).delete()[0]
        record(
            "experts.recusal",
            acting_user,
            round=round,
            unit=unit,
            obj=recusal,
            data={"expert": expert.username, "reason": reason, "assignments_ended": ended},
        )
    return recusal


def do_close_group(group: ExpertGroup, *, acting_user) -> ExpertGroup:
    """Close the group once every assigned expert has submitted his sheet."""
    with transaction.atomic():
        group = ExpertGroup.objects.select_for_update().select_related("round").get(pk=group.pk)
        group.require_open()
        assigned = set(group.assignments.values_list("expert_id", flat=True))
        if not assigned:
            raise ActionError(_("No unit is assigned in this group yet."))
        submitted = set(
            ScoreSheet.objects.filter(group=group, status=SheetStatus.SUBMITTED).values_list(
                "expert_id", flat=True
            )
        )
        waiting = sorted(
            group.members.filter(pk__in=assigned - submitted).values_list("username", flat=True)
        )
        if waiting:
            raise ActionError(
                _("Not every expert has submitted his scores: %(names)s")
                % {"names": "、".join(waiting)}
            )
        aggregation = aggregation_of(group.round, [group])
        group.closed = True
        group.closed_at = timezone.now()
        group.closed_by = acting_user
        group.save(update_fields=["closed", "closed_at", "closed_by"])
        flagged = (
            [[a.unit_code, a.item] for a in aggregation.aggregates if a.flagged]
            if (aggregation)
            else []
        )
        record(
            "experts.close_group",
            acting_user,
            round=group.round,
            obj=group,
            data={"scores": group.scores.count(), "flagged": flagged},
        )
    return group


# --- the expert: his score sheet ----------------------------------------------------------


def sheet_for(group: ExpertGroup, expert) -> ScoreSheet:
    sheet, _new = ScoreSheet.objects.get_or_create(group=group, expert=expert)
    return sheet


def assigned_units(group: ExpertGroup, expert) -> list:
    """The units ``expert`` may score in ``group``: assigned, not recused, not his own."""
    from kaoping.web.units.models import Unit

    recused = Recusal.objects.filter(round=group.round, expert=expert).values("unit_id")
    units = Unit.objects.filter(
        pk__in=Assignment.objects.filter(group=group, expert=expert).values("unit_id")
    ).exclude(pk__in=recused)
    return [u for u in units.order_by("code") if not is_member_of_unit(expert, u)]


def parse_score(text, expert, unit, item) -> float | str | None:
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
        "unit": unit_label(unit),
        "item": f"{item.code} {item.name}",
        "value": text,
        "max": f"{item.max:g}",
    }


def do_save_scores(
    group: ExpertGroup,
    entries: Mapping[Cell, object],
    *,
    acting_user,
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
                f"{unit_label(u)} {code}"
                for u in units.values()
                for code in items
                if (u.pk, code) not in have
            ]
            if missing:
                raise ScoresRejected(
                    [
                        _(
                            "Score every assigned unit and item before submitting; missing: %(cells)s"
                        )
                        % {"cells": "、".join(missing)}
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


def _store_scores(group: ExpertGroup, expert, values: Mapping[Cell, float | None]) -> None:
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


def _check_entries(group, expert, entries, units, items):
    problems: list[str] = []
    values: dict[Cell, float | None] = {}
    engine_scores = []
    from kaoping.web.units.models import Unit

    for (unit_id, code), text in entries.items():
        unit = units.get(unit_id)
        if unit is None:
            other = Unit.objects.filter(pk=unit_id).first()
            problems.append(
                _(
                    "%(expert)s may not score %(unit)s in this group (not assigned, recused or "
                    "his own unit)."
                )
                % {"expert": expert.username, "unit": unit_label(other) if other else unit_id}
            )
            continue
        item = items.get(code)
        if item is None:
            problems.append(
                _("“%(item)s” is not an item of this group (expected %(expected)s).")
                % {"item": code, "expected": "、".join(items) or "—"}
            )
            continue
        value = parse_score(text, expert, unit, item)
        if isinstance(value, str):
            problems.append(value)
            continue
        values[(unit_id, code)] = value
        if value is not None:
            engine_scores.append(
                EngineScore(
                    expert=expert.username, unit_code=unit_label(unit), item=code, score=value
                )
            )
    try:
        found = validate_scores(group.round.scheme(), engine_scores)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None
    problems += [p.text("zh") for p in found]
    return problems, values


def do_upload_scores(group: ExpertGroup, content: bytes, filename: str, *, acting_user):
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
                place
                + "："
                + _("the expert “%(name)s” is not you (%(me)s).")
                % {"name": s.expert, "me": acting_user.username}
            )
        elif s.unit_code not in units:
            problems.append(
                place + "：" + _("you may not score the unit %(code)s.") % {"code": s.unit_code}
            )
        elif s.item not in codes:
            problems.append(
                place
                + "："
                + _("%(item)s is not an item of this group; leave it empty.") % {"item": s.item}
            )
        else:
            entries[(units[s.unit_code].pk, s.item)] = s.score
    if problems:
        raise ScoresRejected(problems)
    if not entries:
        raise ScoresRejected([_("%(file)s holds no score of yours.") % {"file": filename}])
    return do_save_scores(group, entries, acting_user=acting_user)
