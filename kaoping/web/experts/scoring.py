"""Between the expert models and the engine (``kaoping.scoring.experts``): the items a group
scores, the scores that count, their aggregation, and the base data a scoring run uses.

Only scores that count enter an aggregate: those on a submitted sheet, by an expert still
assigned to the unit in that group and not recused from it.
"""

from __future__ import annotations

from django.db.models import Count, Max

from kaoping.scoring import KaopingError
from kaoping.scoring.experts import ExpertAggregation, ScoringItem, aggregate_experts, scoring_items
from kaoping.scoring.experts import ExpertScore as EngineScore
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


def round_items(round) -> list[ScoringItem]:
    """The qualitative items of the round's scheme (empty when it has none)."""
    try:
        return scoring_items(round.scheme())
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None


def group_items(group: ExpertGroup) -> list[ScoringItem]:
    """The items this group scores, in the scheme's order."""
    chosen = set(group.items or [])
    return [item for item in round_items(group.round) if item.code in chosen]


def _counts(groups):
    """Whether a score (group, expert, unit) counts: see the module's docstring."""
    submitted = set(
        ScoreSheet.objects.filter(group__in=groups, status=SheetStatus.SUBMITTED).values_list(
            "group_id", "expert_id"
        )
    )
    assigned = set(
        Assignment.objects.filter(group__in=groups).values_list("group_id", "expert_id", "unit_id")
    )
    rounds = {g.round_id for g in groups}
    recused = set(Recusal.objects.filter(round_id__in=rounds).values_list("expert_id", "unit_id"))

    def counts(group_id: int, expert_id: int, unit_id: int) -> bool:
        return (
            (group_id, expert_id) in submitted
            and (group_id, expert_id, unit_id) in assigned
            and (expert_id, unit_id) not in recused
        )

    return counts


def counted_scores(groups) -> list[ExpertScore]:
    """The scores that count in ``groups`` (see the module's docstring)."""
    groups = list(groups)
    if not groups:
        return []
    counts = _counts(groups)
    scores = ExpertScore.objects.filter(group__in=groups).select_related("expert", "unit")
    return [
        s
        for s in scores.order_by("unit__code", "indicator", "expert__username")
        if counts(s.group_id, s.expert_id, s.unit_id)
    ]


def _counted_rows(groups) -> list[tuple[str, str, str, float]]:
    """(expert's user name, unit code, item, score) of the scores that count, as
    :func:`counted_scores` chooses them, read as plain rows (a group scoring 3,000 units has
    12,000 scores: model instances took most of its page's time)."""
    groups = list(groups)
    if not groups:
        return []
    counts = _counts(groups)
    rows = (
        ExpertScore.objects.filter(group__in=groups)
        .order_by("unit__code", "indicator", "expert__username")
        .values_list(
            "group_id",
            "expert_id",
            "unit_id",
            "expert__username",
            "unit__code",
            "indicator",
            "score",
        )
    )
    return [
        (username, code, item, score)
        for group_id, expert_id, unit_id, username, code, item, score in rows
        if counts(group_id, expert_id, unit_id)
    ]


# Closed groups' aggregates, per process. A closed group's sheets, assignments and scores
# never change (its actions refuse them); only a recusal recorded later could, so the key
# holds the round's recusals too. The group page at 3,000 units spent 0.6 s aggregating.
_CLOSED_AGGREGATES: dict[tuple, ExpertAggregation | None] = {}
_CACHE_SIZE = 32


def aggregation_of(round, groups) -> ExpertAggregation | None:
    """The engine's aggregation of the counted scores of ``groups`` (None: no score)."""
    groups = list(groups)
    if not groups or not all(g.closed for g in groups):
        return _aggregate(round, groups)
    recusals = Recusal.objects.filter(round=round).aggregate(n=Count("id"), last=Max("id"))
    key = (
        round.pk,
        round.scheme_sha256,
        tuple(sorted((g.pk, g.closed_at) for g in groups)),
        recusals["n"],
        recusals["last"],
    )
    if key not in _CLOSED_AGGREGATES:
        if len(_CLOSED_AGGREGATES) >= _CACHE_SIZE:
            _CLOSED_AGGREGATES.clear()
        _CLOSED_AGGREGATES[key] = _aggregate(round, groups)
    return _CLOSED_AGGREGATES[key]


def _aggregate(round, groups) -> ExpertAggregation | None:
    rows = _counted_rows(groups)
    if not rows or not round_items(round):
        return None
    engine_scores = [
        EngineScore(expert=username, unit_code=code, item=item, score=score)
        for username, code, item, score in rows
    ]
    try:
        return aggregate_experts(round.scheme(), engine_scores)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None


def closed_original_groups(round):
    return ExpertGroup.objects.filter(round=round, purpose=GroupPurpose.ORIGINAL, closed=True)
