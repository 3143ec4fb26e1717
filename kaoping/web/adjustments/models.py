"""Bonus and deduction points for ad-hoc tasks (临时性工作加减分, article 11).

The office enters them with a reason and the document they rest on; the scheme's
``[adjustments]`` section bounds them (``kaoping.scoring.adjustments``). They enter the
scoring run, are approved with its results and listed in every explanation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.scoring.adjustments import AdjustmentEntry


class Adjustment(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="adjustments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, verbose_name=_("unit"))
    points = models.FloatField(_("points"))  # + bonus, - deduction
    reason = models.CharField(_("reason"), max_length=300)
    reference = models.CharField(_("document number"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__code", "id"]

    def engine(self) -> AdjustmentEntry:
        return AdjustmentEntry(
            unit_code=self.unit.code,
            points=self.points,
            reason=self.reason,
            reference=self.reference,
        )
