"""What the submission pages read: the units matching the board's filters, the progress
board's counts, the overdue rectifications. Queries only; the pages are in ``views``."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.web.rounds.models import Round
from kaoping.web.submissions.models import (
    Rectification,
    Submission,
    SubmissionStatus,
    with_open_rectification,
)
from kaoping.web.units.models import Unit

# The board's statuses beside the submissions' own (SubmissionStatus).
OVERDUE = "overdue"
NOT_STARTED = "none"
NOT_SUBMITTED = "unsubmitted"


def overdue_submissions() -> list[Rectification]:
    """Open rectifications past their deadline, every round, earliest deadline first."""
    return list(
        Rectification.objects.filter(resolved_at__isnull=True, deadline__lt=timezone.localdate())
        .select_related("submission__round", "submission__unit")
        .order_by("deadline")
    )


def filtered_units(round: Round, chosen: dict) -> QuerySet[Unit]:
    """The round's units matching the search text and the submission status."""
    units = round.units.order_by("code")
    if text := chosen.get("q"):
        units = units.filter(Q(code__icontains=text) | Q(name__icontains=text))
    status = chosen.get("status")
    if status == NOT_STARTED:
        units = units.exclude(submissions__round=round)
    elif status == NOT_SUBMITTED:
        units = units.exclude(
            submissions__round=round,
            submissions__status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED],
        )
    elif status == OVERDUE:
        late = Rectification.objects.filter(
            submission__round=round, resolved_at__isnull=True, deadline__lt=timezone.localdate()
        )
        units = units.filter(pk__in=late.values("submission__unit_id"))
    elif status:
        units = units.filter(submissions__round=round, submissions__status=status)
    return units


def submissions_by_unit(round: Round, units: Iterable[Unit] | None = None) -> dict:
    """The round's submissions by unit id (of ``units`` only, when given), each with its open
    rectification: the same few queries whatever the number of units."""
    found = Submission.objects.filter(round=round)
    if units is not None:
        found = with_open_rectification(found.filter(unit__in=[u.pk for u in units]))
    return {s.unit_id: s for s in found}


def status_counts(round: Round) -> dict[str, int]:
    """How many of the round's submissions are in each status."""
    return dict(
        Submission.objects.filter(round=round)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )


def progress_board(round: Round, counts: dict[str, int], total: int) -> list[tuple]:
    """The progress board: (status, label, number of units) for each status, not started and
    overdue included."""
    return (
        [(NOT_STARTED, _("not started"), total - sum(counts.values()))]
        + [(value, label, counts.get(value, 0)) for value, label in SubmissionStatus.choices]
        + [(OVERDUE, _("overdue"), filtered_units(round, {"status": OVERDUE}).count())]
    )
