"""Disputes (复验): a unit contests published results; a new panel re-reviews them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DisputeStatus(models.TextChoices):
    FILED = "filed", _("filed")
    PANEL_FORMED = "panel_formed", _("re-review panel formed")
    REVIEWED = "reviewed", _("re-reviewed")
    DECIDED = "decided", _("decided")


class Decision(models.TextChoices):
    UPHELD = "upheld", _("original results upheld")
    AMENDED = "amended", _("results amended")


class Dispute(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="disputes")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    reasons = models.TextField(_("reasons"))
    status = models.CharField(
        max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.FILED
    )
    panel = models.OneToOneField(
        "experts.ExpertGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispute",
    )
    original_run = models.ForeignKey(
        "results.ScoringRun", null=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    new_run = models.ForeignKey(
        "results.ScoringRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-filed_at"]


class ReReviewOpinion(models.Model):
    """A panel expert's re-reviewed value of one base-data field, beside the original."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="opinions")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    field = models.CharField(max_length=80)
    original_value = models.FloatField(null=True)
    reviewed_value = models.FloatField(null=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)


def dispute_window_open(round) -> bool:
    published = round.results_published_at
    return published is not None and timezone.now() <= published + timedelta(
        days=round.dispute_days
    )
