"""Changes after publication go through the committee (评审委员会).

Once results are published, two things could change them: reopening the round (to correct
data or scoring) and publishing a re-review's new results (复验), which moves every other
unit's total too. Either is now a *request* by the office that takes effect only when the
committee approves it; until then nothing moves and units keep seeing the published version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    REOPEN = "reopen", _("reopen the published round")
    REPUBLISH = "republish", _("publish the re-review's new results")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("awaiting the committee")
    APPROVED = "approved", _("approved and carried out")
    REJECTED = "rejected", _("rejected by the committee")


class ChangeRequest(models.Model):
    round = models.ForeignKey(
        "rounds.Round", on_delete=models.PROTECT, related_name="change_requests"
    )
    kind = models.CharField(_("change"), max_length=20, choices=RequestKind.choices)
    target = models.CharField(_("reopen to"), max_length=20, blank=True)
    dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("committee's note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(status="pending"),
                name="one_pending_change_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_kind_display()}"
