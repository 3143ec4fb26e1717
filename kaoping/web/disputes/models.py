"""Disputes (复验): a unit contests published results; a new panel re-reviews them.

A dispute moves through explicit states (each move is a ``do_*`` action in ``actions.py``)::

    filed ─┬─ accept ──> accepted ── form panel ──> panel_formed ── opinion ──> reviewed
           └─ reject ──> rejected                                              │
    reviewed ── decide ──> decided (upheld: done; amended: a re-review scoring run starts)
    decided (amended) ── publish ──> republished (a new publication version)

Nothing is overwritten: the panel's opinions (``ReReviewOpinion``) and the values the
decision adopted (``Correction``) are kept beside the original submission values, the
original expert scores and the original run and publication, all of which stay unchanged.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaoping.web.common import ActionError
from kaoping.web.results.models import Publication
from kaoping.web.rounds.models import RoundState


class DisputeStatus(models.TextChoices):
    FILED = "filed", _("filed")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    PANEL_FORMED = "panel_formed", _("re-review panel formed")
    REVIEWED = "reviewed", _("re-reviewed")
    DECIDED = "decided", _("decided")
    REPUBLISHED = "republished", _("results re-published")


class Decision(models.TextChoices):
    UPHELD = "upheld", _("original results upheld")
    AMENDED = "amended", _("results amended")


S = DisputeStatus
# action -> (states it starts from, state it leads to); None: depends on the decision.
DISPUTE_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": ((S.FILED,), S.ACCEPTED),
    "reject": ((S.FILED,), S.REJECTED),
    "form_panel": ((S.ACCEPTED,), S.PANEL_FORMED),
    "record_opinion": ((S.PANEL_FORMED, S.REVIEWED), S.REVIEWED),
    "decide": ((S.REVIEWED,), S.DECIDED),
    "republish": ((S.DECIDED,), S.REPUBLISHED),
}
ACTION_LABELS = {
    "accept": _("accept the dispute"),
    "reject": _("reject the dispute"),
    "form_panel": _("form the re-review panel"),
    "record_opinion": _("record a re-review"),
    "decide": _("record the decision"),
    "republish": _("publish the new version"),
}


class Dispute(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="disputes")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    reasons = models.TextField(_("reasons"))
    attachment = models.FileField(_("attachment"), upload_to="disputes/%Y/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.FILED
    )
    # The publication version the unit contests (its run is ``original_run``).
    publication = models.ForeignKey(
        "results.Publication", null=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_reason = models.TextField(_("reason for accepting or rejecting"), blank=True)
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
    new_publication = models.ForeignKey(
        "results.Publication", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.unit} {self.filed_at:%Y-%m-%d}"

    def move(self, action: str) -> None:
        """Change the state by ``action``, refusing it from any other state."""
        sources, target = DISPUTE_TRANSITIONS[action]
        if self.status not in sources:
            raise ActionError(
                _("Cannot %(action)s while the dispute is “%(state)s”.")
                % {"action": ACTION_LABELS[action], "state": self.get_status_display()}
            )
        self.status = target

    @property
    def open(self) -> bool:
        return self.status not in (S.REJECTED, S.DECIDED, S.REPUBLISHED)


class ReReviewOpinion(models.Model):
    """A panel expert's re-reviewed value of one base-data field, beside the original."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="opinions")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    field = models.CharField(max_length=80)
    original_value = models.FloatField(null=True)
    reviewed_value = models.FloatField(null=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Correction(models.Model):
    """A value the decision adopted: scoring runs after the decision use it instead of the
    original (which stays in the submission, the expert scores and the original run)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="corrections")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    field = models.CharField(max_length=80)
    original_value = models.FloatField(null=True)
    corrected_value = models.FloatField()

    class Meta:
        ordering = ["id"]


def dispute_deadline(publication):
    """The last moment a unit may contest ``publication``: ``dispute_days`` after it."""
    return publication.published_at + timedelta(days=publication.round.dispute_days)


def dispute_window_open(round) -> bool:
    """A unit may file a dispute while the round's current publication is in its window."""
    if round.state != RoundState.PUBLISHED:
        return False
    publication = Publication.current(round)
    return publication is not None and timezone.now() <= dispute_deadline(publication)
