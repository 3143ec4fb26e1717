"""Between the expert models and the engine (``kaoping.scoring.experts``): the items a group
scores, the scores that count, their aggregation, and the base data a scoring run uses.

Only scores that count enter an aggregate: those on a submitted sheet, by an expert still
assigned to the unit in that group and not recused from it.
"""

from __future__ import annotations

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


def counted_scores(groups) -> list[ExpertScore]:
    """The scores that count in ``groups`` (see the module's docstring)."""
    groups = list(groups)
    if not groups:
        return []
    submitted = {
        (s.group_id, s.expert_id)
        for s in ScoreSheet.objects.filter(group__in=groups, status=SheetStatus.SUBMITTED)
    }
    assigned = set(
        Assignment.objects.filter(group__in=groups).values_list("group_id", "expert_id", "unit_id")
    )
    rounds = {g.round_id for g in groups}
    recused = set(Recusal.objects.filter(round_id__in=rounds).values_list("expert_id", "unit_id"))
    scores = ExpertScore.objects.filter(group__in=groups).select_related("expert", "unit")
    return [
        s
        for s in scores.order_by("unit__code", "indicator", "expert__username")
        if (s.group_id, s.expert_id) in submitted
        and (s.group_id, s.expert_id, s.unit_id) in assigned
        and (s.expert_id, s.unit_id) not in recused
    ]


def aggregation_of(round, groups) -> ExpertAggregation | None:
    """The engine's aggregation of the counted scores of ``groups`` (None: no score)."""
    scores = counted_scores(groups)
    if not scores or not round_items(round):
        return None
    engine_scores = [
        EngineScore(
            expert=s.expert.username, unit_code=s.unit.code, item=s.indicator, score=s.score
        )
        for s in scores
    ]
    try:
        return aggregate_experts(round.scheme(), engine_scores)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None


def closed_original_groups(round):
    return ExpertGroup.objects.filter(round=round, purpose=GroupPurpose.ORIGINAL, closed=True)
