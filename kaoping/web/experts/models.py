"""Expert groups (专业考核小组), their assignments, recusals and scores of qualitative items.

A group belongs to a round and scores some of the scheme's qualitative items
(``Scheme.qualitative_indicators``) for the units assigned to its members. Each member keeps
one score sheet, a draft until he submits it; the office closes the group once every sheet
is submitted, and only then do the group's aggregated scores feed a scoring run and become
visible to the other experts and the committee. A re-review panel (复验) is a group too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.web.common import ActionError


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
    # Codes of the scheme's qualitative items this group scores (empty: none assigned yet).
    items = models.JSONField(_("items"), default=list, blank=True)
    closed = models.BooleanField(_("closed"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def require_open(self) -> None:
        """Refuse any change to a closed group: its scores are final."""
        if self.closed:
            raise ActionError(
                _("The expert group “%(name)s” is closed; nothing in it can change.")
                % {"name": self.name}
            )


class Assignment(models.Model):
    """An expert assigned to score a unit (the group's items)."""

    group = models.ForeignKey(ExpertGroup, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "expert", "unit"], name="one_assignment")
        ]


class Recusal(models.Model):
    """An expert tied to a unit (回避): he may not score it in any group of the round."""

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="recusals")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "expert", "unit"], name="one_recusal")
        ]


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class ScoreSheet(models.Model):
    """One expert's scores in one group: a draft until he submits them."""

    group = models.ForeignKey(ExpertGroup, on_delete=models.PROTECT, related_name="sheets")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "expert"], name="one_sheet")]

    def require_draft(self) -> None:
        if self.status != SheetStatus.DRAFT:
            raise ActionError(_("Your scores are submitted; they can no longer be changed."))

    def submit(self, now) -> None:
        self.require_draft()
        self.status = SheetStatus.SUBMITTED
        self.submitted_at = now


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
