"""The year's award decision (articles 20-23): tiers, special awards, the criticism list,
honours, the reward fund and certificates.

After the committee approves a round's ranking, the office has the scheme's rules propose
the decision (``kaoping.scoring.awards``); the special assessments and member-unit rounds of
the same year feed it. The office nominates outstanding units and individuals (honours
only), the committee reviews, the leading group sets the reward fund and approves, the office
publishes. ``DECISION_TRANSITIONS`` is the decision's workflow: states, who, what each needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    REVIEWED = "reviewed", _("reviewed by the committee")
    APPROVED = "approved", _("approved by the leading group")
    PUBLISHED = "published", _("published")
    # New results of the round (or of an assessment feeding it) took effect after the
    # decision was made, e.g. a committee-approved re-review (复验): the decision, its
    # allocation and its certificates stand as history only; a new decision is required.
    SUPERSEDED = "superseded", _("superseded by new results")


@dataclass(frozen=True)
class DecisionTransition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs_reason: bool = False


D = DecisionState
DECISION_TRANSITIONS: dict[str, DecisionTransition] = {
    t.action: t
    for t in [
        DecisionTransition(
            "review", _("Committee: reviewed"), (D.PROPOSED,), D.REVIEWED, ("committee",)
        ),
        DecisionTransition(
            "send_back",
            _("Send back to the office"),
            (D.REVIEWED,),
            D.PROPOSED,
            ("committee", "leading_group"),
            True,
        ),
        DecisionTransition(
            "approve", _("Leading group: approve"), (D.REVIEWED,), D.APPROVED, ("leading_group",)
        ),
        DecisionTransition(
            "publish", _("Publish the awards"), (D.APPROVED,), D.PUBLISHED, ("office",)
        ),
    ]
}


class AwardDecision(models.Model):
    """A round's award decision. A round has at most one current decision; superseded ones
    stay, with who, when and why, as history."""

    round = models.ForeignKey(
        "rounds.Round", on_delete=models.PROTECT, related_name="award_decisions"
    )
    run = models.ForeignKey("results.ScoringRun", on_delete=models.PROTECT, related_name="+")
    # The published run of every round the decision was made from ({round id: run id}): this
    # round and the special assessments / member units feeding it.
    based_on = models.JSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=20, choices=DecisionState.choices, default=DecisionState.PROPOSED
    )
    award_name = models.CharField(max_length=100, blank=True)
    # Yuan with jiao and fen allowed: a total set to the fen is shared to the fen.
    fund_total = models.DecimalField(
        _("reward fund (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fund_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fund_set_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("award decision")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=~models.Q(state="superseded"),
                name="one_current_award_decision",
            )
        ]

    @classmethod
    def current(cls, round) -> AwardDecision | None:
        """The round's decision in force (None: none proposed, or the last one superseded)."""
        return (
            cls.objects.filter(round=round)
            .exclude(state=DecisionState.SUPERSEDED)
            .select_related("run")
            .first()
        )

    def __str__(self) -> str:
        return f"{self.round} · {self.award_name}"


class DecisionStep(models.Model):
    """One step of the decision: who, when, why (never edited)."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=DecisionState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=DecisionState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def action_label(self) -> str:
        transition = DECISION_TRANSITIONS.get(self.action)
        return (
            str(transition.label)
            if transition
            else str(ACTION_LABELS.get(self.action, self.action))
        )


ACTION_LABELS = {
    "propose": _("Proposed from the scheme's rules"),
    "fund": _("Reward fund set"),
    "supersede": _("Superseded by new results"),
}


class LineKind(models.TextChoices):
    TIER = "tier", _("comprehensive award")
    SPECIAL = "special", _("special award")
    MEMBER = "member", _("member unit award")
    CRITICISM = "criticism", _("criticism (通报批评)")


class AwardLine(models.Model):
    """A unit's award or criticism, with the round (assessment) it comes from."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="lines")
    source = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    title = models.CharField(_("award"), max_length=100)
    title_en = models.CharField(max_length=100, blank=True)
    coefficient = models.FloatField(default=0.0)
    total = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    reason = models.TextField(_("reason"), blank=True)
    reason_en = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "rank", "unit__code"]


class HonourKind(models.TextChoices):
    UNIT = "unit", _("outstanding unit")
    INDIVIDUAL = "individual", _("outstanding individual")


class Honour(models.Model):
    """A nomination of an outstanding unit or individual: an honour and a certificate, never
    money (article 23)."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, related_name="honours")
    kind = models.CharField(_("kind"), max_length=20, choices=HonourKind.choices)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("unit")
    )
    person = models.CharField(_("name of the individual"), max_length=100, blank=True)
    organisation = models.CharField(_("work unit"), max_length=200, blank=True)
    title = models.CharField(_("honour"), max_length=100)
    reason = models.TextField(_("deeds"))
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]

    @property
    def recipient(self) -> str:
        return self.unit.name if self.unit_id else self.person


class Allocation(models.Model):
    """A unit's share of the reward fund in yuan, to the fen when the fund is set to the fen
    (largest remainder, sums exactly)."""

    decision = models.ForeignKey(
        AwardDecision, on_delete=models.CASCADE, related_name="allocations"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    tier = models.CharField(max_length=100)
    coefficient = models.FloatField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]


class CertificateJob(models.Model):
    """Certificates of every winner and honour, generated in the background into a zip."""

    decision = models.ForeignKey(
        AwardDecision, on_delete=models.PROTECT, related_name="certificate_jobs"
    )
    status = models.CharField(max_length=20, default="queued")  # results.RunStatus values
    message = models.TextField(blank=True)
    archive = models.FileField(upload_to="certificates/%Y/", blank=True)
    contents = models.JSONField(default=list)  # file names in the zip, one per certificate
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]


def honours_register(year: int, *, staff: bool):
    """Every honour of the year from the decisions in force: the awards and special awards
    (not the criticism) and the nominated units and individuals. Staff see them from the
    proposal on; everyone else once published. Returns ``(award lines, nominations)``."""
    decisions = AwardDecision.objects.filter(round__year=year).exclude(
        state=DecisionState.SUPERSEDED
    )
    if not staff:
        decisions = decisions.filter(state=DecisionState.PUBLISHED)
    lines = (
        AwardLine.objects.filter(decision__in=decisions)
        .exclude(kind=LineKind.CRITICISM)
        .select_related("unit", "source", "decision")
    )
    nominations = Honour.objects.filter(decision__in=decisions).select_related("unit", "decision")
    return lines, nominations
