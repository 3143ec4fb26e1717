"""Where a round's scheme came from, and the evaluator's price-correction factors.

A round starts from a built-in scheme, an uploaded scheme file or last year's round's scheme
(``SchemeOrigin`` keeps that text, so the page can show what was changed); the office then
adjusts it until publication freezes it (``kaoping.web.rounds``). Price-correction factors
(物价矫正系数) are set per unit by the evaluator, never typed by the unit about itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OriginKind(models.TextChoices):
    BUILTIN = "builtin", _("built-in scheme")
    UPLOAD = "upload", _("uploaded scheme file")
    PREVIOUS = "previous", _("an earlier round's scheme")


class SchemeOrigin(models.Model):
    round = models.OneToOneField(
        "rounds.Round", on_delete=models.PROTECT, related_name="scheme_origin"
    )
    kind = models.CharField(_("source"), max_length=20, choices=OriginKind.choices)
    label = models.CharField(_("from"), max_length=200)
    text = models.TextField()


class PriceFactor(models.Model):
    round = models.ForeignKey(
        "rounds.Round", on_delete=models.PROTECT, related_name="price_factors"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, verbose_name=_("unit"))
    factor = models.FloatField(_("price-correction factor"))
    reason = models.CharField(_("basis"), max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="one_price_factor_per_unit")
        ]
