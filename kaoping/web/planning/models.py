"""A round's plan: a deadline per phase and what the office may do for the units.

Kept beside the round (one row per round, created on first edit) so that the round's own
workflow stays in one place; the dates only inform (to-do lists, overdue marks, reminders)
and never move a round by themselves.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundPlan(models.Model):
    round = models.OneToOneField("rounds.Round", on_delete=models.CASCADE, related_name="plan")
    collection_deadline = models.DateField(_("data collection deadline"), null=True, blank=True)
    rectification_days = models.PositiveSmallIntegerField(
        _("days allowed for a rectification"), default=7
    )
    verification_deadline = models.DateField(_("verification deadline"), null=True, blank=True)
    expert_deadline = models.DateField(_("expert scoring deadline"), null=True, blank=True)
    # 代报: some bureaus collect the figures centrally; the office's import then counts as
    # the units' submission, logged as made on their behalf.
    office_submits_for_units = models.BooleanField(
        _("the office may submit imported data on the units' behalf"), default=False
    )

    def __str__(self) -> str:
        return f"{self.round}"

    def default_rectification_deadline(self, today: date) -> date:
        return today + timedelta(days=self.rectification_days)


def plan_of(round) -> RoundPlan:
    """The round's plan, or an unsaved default one (no deadlines) when none was set."""
    try:
        return round.plan
    except RoundPlan.DoesNotExist:
        return RoundPlan(round=round)


def office_may_submit(round) -> bool:
    return plan_of(round).office_submits_for_units


class Reminder(models.Model):
    """催办: the office reminds a unit of what it has not done; shown on the unit's home page
    (and e-mailed to its members where an SMTP server is configured)."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="reminders")
    message = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"))
    emailed = models.PositiveIntegerField(_("e-mails sent"), default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
