"""The office's actions on expert groups (专业考核小组): forming a group, its members, the
units each expert scores, recusals (回避), closing the group. Each ``do_*`` runs in one
transaction with its log entry. The expert's own actions (his score sheet) are in
:mod:`kaoping.web.experts.expert_actions`.

The rules (issue 4): an expert tied to a unit (回避) or a user who is a member of the unit is
never assigned to it; a group closes only once every assigned expert has submitted; a closed
group's scores are final and feed the scoring runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.web.accounts.models import Role
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError, join_list
from kaoping.web.experts.models import (
    Assignment,
    ExpertGroup,
    ExpertScore,
    GroupPurpose,
    Recusal,
    ScoreSheet,
    SheetStatus,
)
from kaoping.web.experts.scoring import aggregation_of, round_items
from kaoping.web.permissions import is_member_of_unit
from kaoping.web.rounds.closed import check_writable
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.units.models import Unit

# Professional groups score before the committee reviews the results.
GROUP_STATES = (
    RoundState.SCHEME_PUBLISHED,
    RoundState.COLLECTION,
    RoundState.VERIFICATION,
    RoundState.SCORING,
)


def is_expert(user: User) -> bool:
    return user.memberships.filter(role=Role.EXPERT).exists()


def do_create_group(
    round: Round,
    *,
    name: str,
    items: Iterable[str],
    acting_user: User,
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
                % {"expected": join_list(known), "got": join_list(unknown) or "—"}
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


def do_add_members(group: ExpertGroup, users: Iterable[User], *, acting_user: User) -> None:
    users = list(users)
    with transaction.atomic():
        group = ExpertGroup.objects.select_for_update().get(pk=group.pk)
        group.require_open()
        not_experts = [u.username for u in users if not is_expert(u)]
        if not_experts:
            raise ActionError(
                _("Only users with the expert role can join a group: %(names)s")
                % {"names": join_list(not_experts)}
            )
        group.members.add(*users)
        record(
            "experts.add_members",
            acting_user,
            round=group.round,
            obj=group,
            data={"members": [u.username for u in users]},
        )


def do_assign(
    group: ExpertGroup, experts: Iterable[User], units: Iterable[Unit], *, acting_user: User
) -> list[str]:
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
                % {"names": join_list(outsiders)}
            )
        in_round = set(group.round.units.values_list("pk", flat=True))
        strangers = [str(u) for u in units if u.pk not in in_round]
        if strangers:
            raise ActionError(
                _("Not a unit of this round: %(units)s") % {"units": join_list(strangers)}
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
                        % {"expert": expert.username, "unit": str(unit)}
                    )
                elif (expert.pk, unit.pk) in recused:
                    skipped.append(
                        _("%(expert)s is recused from %(unit)s (%(reason)s).")
                        % {
                            "expert": expert.username,
                            "unit": str(unit),
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


def do_record_recusal(
    round: Round, expert: User, unit: Unit, *, reason: str, acting_user: User
) -> Recusal:
    """Record that ``expert`` must not score ``unit`` (回避); his assignments to it in open
    groups end. His scores, if any, stay stored but never count."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Please give the reason for the recusal."))
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if not round.units.filter(pk=unit.pk).exists():
            raise ActionError(_("Not a unit of this round: %(units)s") % {"units": str(unit)})
        if ExpertScore.objects.filter(
            group__round=round, group__closed=True, expert=expert, unit=unit
        ).exists():
            raise ActionError(
                _("%(expert)s already scored %(unit)s in a closed group; its scores are final.")
                % {"expert": expert.username, "unit": str(unit)}
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


def do_close_group(group: ExpertGroup, *, acting_user: User) -> ExpertGroup:
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
                % {"names": join_list(waiting)}
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
