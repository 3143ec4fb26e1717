"""What waits for each user (the home page's to-do list), overdue first.

Glue above the apps (like :mod:`kaoping.web.context`): it reads the rounds, plans,
submissions, expert groups, disputes and award decisions, and changes nothing. A user with several roles sees
the items of each. Counts are per round, so the list stays short at 3,000 units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kaoping.web.accounts.models import Role
from kaoping.web.awards.models import AwardDecision, DecisionState
from kaoping.web.disputes.models import Dispute, DisputeStatus
from kaoping.web.experts.models import ExpertGroup, SheetStatus
from kaoping.web.permissions import roles_of, unit_ids_of
from kaoping.web.planning.models import Reminder, RoundPlan
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.submissions.models import Rectification, Submission, SubmissionStatus
from kaoping.web.units.models import Unit
from kaoping.web.workflow.models import ChangeRequest, RequestStatus

OPEN = (RoundState.COLLECTION, RoundState.VERIFICATION)


@dataclass(frozen=True)
class Todo:
    text: str
    url: str
    deadline: date | None = None
    note: str = ""

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate()


def todos(user) -> list[Todo]:
    roles = roles_of(user)
    items: list[Todo] = []
    if Role.UNIT in roles:
        items += _unit_items(user)
    if Role.AGENCY in roles:
        items += _agency_items()
    if Role.OFFICE in roles:
        items += _office_items()
    if Role.COMMITTEE in roles:
        items += [
            Todo(
                _("Decide on a change after publication of %(round)s") % {"round": c.round.name},
                reverse("approvals:changes", args=[c.round_id]),
            )
            for c in ChangeRequest.objects.filter(status=RequestStatus.PENDING).select_related(
                "round"
            )
        ]
        items += [
            Todo(
                _("Review and approve the results of %(round)s") % {"round": r.name},
                reverse("rounds:detail", args=[r.pk]),
            )
            for r in Round.objects.filter(state=RoundState.REVIEW)
        ]
    if Role.EXPERT in roles:
        items += _expert_items(user)
    items += _award_items(roles)
    # Overdue first, then the nearest deadline, then those without one.
    return sorted(items, key=lambda t: (not t.overdue, t.deadline or date.max, t.text))


AWARD_STEPS = {  # the decision's state -> who acts next, and what
    DecisionState.PROPOSED: (
        Role.COMMITTEE,
        gettext_noop("Review the proposed awards of %(round)s"),
    ),
    DecisionState.REVIEWED: (
        Role.LEADING_GROUP,
        gettext_noop("Set the reward fund and approve the awards of %(round)s"),
    ),
    DecisionState.APPROVED: (Role.OFFICE, gettext_noop("Publish the awards of %(round)s")),
}


def _award_items(roles) -> list[Todo]:
    """The award decision's next step for whoever takes it; for the office, a decision that
    new results superseded and that must be made again."""
    items = []
    current = AwardDecision.objects.exclude(state=DecisionState.SUPERSEDED).select_related("round")
    for decision in current.filter(state__in=list(AWARD_STEPS)):
        role, text = AWARD_STEPS[decision.state]
        if role in roles:
            items.append(
                Todo(
                    _(text) % {"round": decision.round.name},
                    reverse("awards:decision", args=[decision.round_id]),
                )
            )
    if Role.OFFICE in roles:
        redo = (
            Round.objects.filter(award_decisions__state=DecisionState.SUPERSEDED)
            .exclude(award_decisions__in=current)
            .distinct()
        )
        items += [
            Todo(
                _("Make the award decision of %(round)s again: new results superseded it")
                % {"round": r.name},
                reverse("awards:decision", args=[r.pk]),
            )
            for r in redo
        ]
    return items


def _plans(round_ids) -> dict[int, RoundPlan]:
    return {p.round_id: p for p in RoundPlan.objects.filter(round_id__in=round_ids)}


def _unit_items(user) -> list[Todo]:
    unit_ids = unit_ids_of(user)
    # Only the user's own units of each round (a round has 3,000).
    own = Prefetch("units", queryset=Unit.objects.filter(pk__in=unit_ids).order_by("code"))
    rounds = list(
        Round.objects.filter(state=RoundState.COLLECTION, units__in=unit_ids)
        .distinct()
        .prefetch_related(own)
    )
    plans = _plans([r.pk for r in rounds])
    subs = {
        (s.round_id, s.unit_id): s
        for s in Submission.objects.filter(round__in=rounds, unit_id__in=unit_ids).prefetch_related(
            "rectifications"
        )
    }
    reminders = {}
    for r in Reminder.objects.filter(round__in=rounds, unit_id__in=unit_ids).order_by("sent_at"):
        reminders[(r.round_id, r.unit_id)] = r  # the latest wins
    items = []
    for round in rounds:
        deadline = plans[round.pk].collection_deadline if round.pk in plans else None
        for unit in round.units.all():
            if unit.pk not in unit_ids:
                continue
            s = subs.get((round.pk, unit.pk))
            url = reverse("submissions:unit", args=[round.pk, unit.pk])
            reminder = reminders.get((round.pk, unit.pk))
            note = (
                _("Reminder from %(when)s: %(text)s")
                % {
                    "when": timezone.localtime(reminder.sent_at).strftime("%Y-%m-%d"),
                    "text": reminder.message,
                }
                if reminder
                else ""
            )
            names = {"unit": unit.name, "round": round.name}
            if s is None or s.status == SubmissionStatus.DRAFT:
                items.append(
                    Todo(
                        _("Submit %(unit)s's base data for %(round)s") % names, url, deadline, note
                    )
                )
            elif s.status == SubmissionStatus.PENDING_CONFIRMATION:
                items.append(
                    Todo(
                        _("Confirm the row the office imported for %(unit)s (%(round)s)") % names,
                        url,
                        deadline,
                        note,
                    )
                )
            elif s.status == SubmissionStatus.RETURNED:
                rect = s.open_rectification()
                items.append(
                    Todo(
                        _("Rectify %(unit)s's returned data for %(round)s") % names,
                        url,
                        rect.deadline if rect else deadline,
                        note,
                    )
                )
    return items


def _agency_items() -> list[Todo]:
    rows = (
        Submission.objects.filter(round__state__in=OPEN, status=SubmissionStatus.SUBMITTED)
        .order_by()
        .values("round_id", "round__name")
        .annotate(n=Count("id"))
    )
    plans = _plans([r["round_id"] for r in rows])
    items = [
        Todo(
            _("Verify %(n)s submission(s) of %(round)s") % {"n": r["n"], "round": r["round__name"]},
            reverse("submissions:list", args=[r["round_id"]]) + "?status=submitted",
            plans[r["round_id"]].verification_deadline if r["round_id"] in plans else None,
        )
        for r in rows
    ]
    late = Rectification.objects.filter(resolved_at__isnull=True, deadline__lt=timezone.localdate())
    if n := late.count():
        items.append(
            Todo(
                _("%(n)s rectification(s) overdue") % {"n": n},
                reverse("overdue"),
                late.order_by("deadline").values_list("deadline", flat=True).first(),
            )
        )
    return items


def _office_items() -> list[Todo]:
    items = []
    # Two aggregates, not one join of units x submissions (9 million rows at 3,000 units).
    collecting = list(
        Round.objects.filter(state=RoundState.COLLECTION).annotate(units_n=Count("units"))
    )
    done = dict(
        Submission.objects.filter(
            round__in=collecting,
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED],
        )
        .order_by()
        .values_list("round_id")
        .annotate(n=Count("id"))
    )
    plans = _plans([r.pk for r in collecting])
    for r in collecting:
        if missing := r.units_n - done.get(r.pk, 0):
            items.append(
                Todo(
                    _("%(n)s unit(s) have not submitted to %(round)s")
                    % {"n": missing, "round": r.name},
                    reverse("submissions:list", args=[r.pk]) + "?status=unsubmitted",
                    plans[r.pk].collection_deadline if r.pk in plans else None,
                )
            )
    for r in Round.objects.filter(state=RoundState.APPROVED):
        items.append(
            Todo(
                _("Publish the approved results of %(round)s") % {"round": r.name},
                reverse("rounds:detail", args=[r.pk]),
            )
        )
    waiting = (
        Dispute.objects.filter(status=DisputeStatus.FILED)
        .order_by()
        .values("round_id", "round__name")
        .annotate(n=Count("id"))
    )
    for d in waiting:
        items.append(
            Todo(
                _("%(n)s dispute(s) to accept or reject in %(round)s")
                % {"n": d["n"], "round": d["round__name"]},
                reverse("disputes:list", args=[d["round_id"]]),
            )
        )
    return items


def _expert_items(user) -> list[Todo]:
    groups = (
        ExpertGroup.objects.filter(members=user, closed=False)
        .exclude(sheets__expert=user, sheets__status=SheetStatus.SUBMITTED)
        .select_related("round")
    )
    plans = _plans([g.round_id for g in groups])
    return [
        Todo(
            _("Score for %(group)s (%(round)s)") % {"group": g.name, "round": g.round.name},
            reverse("experts:group", args=[g.pk]),
            plans[g.round_id].expert_deadline if g.round_id in plans else None,
        )
        for g in groups
    ]
