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
    round = models.OneToOneField(
        "rounds.Round", on_delete=models.PROTECT, related_name="award_decision"
    )
    run = models.ForeignKey("results.ScoringRun", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=DecisionState.choices, default=DecisionState.PROPOSED
    )
    award_name = models.CharField(max_length=100, blank=True)
    fund_total = models.DecimalField(
        _("reward fund (yuan)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    fund_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fund_set_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("award decision")

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


ACTION_LABELS = {"propose": _("Proposed from the scheme's rules"), "fund": _("Reward fund set")}


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
    """A unit's share of the reward fund, in yuan (largest remainder, sums exactly)."""

    decision = models.ForeignKey(
        AwardDecision, on_delete=models.CASCADE, related_name="allocations"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    tier = models.CharField(max_length=100)
    coefficient = models.FloatField()
    amount = models.DecimalField(max_digits=14, decimal_places=0)
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
