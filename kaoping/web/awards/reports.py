"""The round's award decision as the reports list it (issue 12): tiers with total, rank,
coefficient and the reward fund's share, special awards, the criticism list with reasons.
Registered with :data:`kaoping.web.results.documents.AWARD_LISTS_READERS` (see apps.py)."""

from __future__ import annotations

from kaoping.web.awards.models import AwardDecision, DecisionState, LineKind

# Only a decision the leading group approved is the round's decision; a proposal is not.
DECIDED = (DecisionState.APPROVED, DecisionState.PUBLISHED)


def decided_lists(round, lang: str) -> tuple[list[dict], list[dict]] | None:
    """(awards, criticism) of ``round``'s approved or published decision, or None."""
    decision = AwardDecision.objects.filter(round=round, state__in=DECIDED).first()
    if decision is None:
        return None
    amounts = {a.unit_id: float(a.amount) for a in decision.allocations.all()}
    en = lang == "en"
    awards, criticism = [], []
    for line in decision.lines.select_related("unit", "source"):
        row = {
            "unit_code": line.unit.code,
            "unit_name": line.unit.name,
            "tier": (line.title_en or line.title) if en else line.title,
            "total": line.total,
            "rank": line.rank,
        }
        if line.kind == LineKind.CRITICISM:
            criticism.append(
                {
                    **row,
                    "tier": "criticised" if en else "通报批评",
                    "reason": (line.reason_en or line.reason) if en else line.reason,
                }
            )
            continue
        if line.kind == LineKind.TIER:
            row.update(coefficient=line.coefficient, amount=amounts.get(line.unit_id), reason="")
        else:  # a special or member-unit award comes from its own assessment
            row["reason"] = line.reason or line.source.name
        awards.append(row)
    return awards, criticism
