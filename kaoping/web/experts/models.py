"""Expert groups (专业考核小组), their assignments and scores for qualitative items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupPurpose(models.TextChoices):
    ORIGINAL = "original", _("original scoring")
    REREVIEW = "rereview", _("re-review panel")


class ExpertGroup(models.Model):
    round = models.ForeignKey(
        "rounds.Round", on_delete=models.PROTECT, related_name="expert_groups"
    )
    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=GroupPurpose.choices, default=GroupPurpose.ORIGINAL
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="expert_groups")
    closed = models.BooleanField(_("closed"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """An expert assigned to score a unit (all the scheme's qualitative items)."""

    group = models.ForeignKey(ExpertGroup, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "expert", "unit"], name="one_assignment")
        ]


class ExpertScore(models.Model):
    group = models.ForeignKey(ExpertGroup, on_delete=models.PROTECT, related_name="scores")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    indicator = models.CharField(_("indicator"), max_length=40)
    score = models.FloatField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "expert", "unit", "indicator"], name="one_score_per_item"
            )
        ]
