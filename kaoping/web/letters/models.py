"""Responsibility letters (目标责任书, articles 5-6 of the Beijing measures).

The office sets each unit's targets for the round's year (typed or imported from Excel); the
unit files its decomposition plan (quarterly figures and an attachment) and reports its
progress during the year. At scoring, a target with key ``k`` fills the scheme's field
``k_target`` and the whole letter fills ``target_completion`` (member units), through
:func:`kaoping.web.letters.inputs.target_columns`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.scoring.targets import Target as EngineTarget
from kaoping.scoring.targets import completion_rate, progress


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Target(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="targets")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, verbose_name=_("unit"))
    key = models.CharField(_("target code"), max_length=60)
    name = models.CharField(_("target"), max_length=200, blank=True)
    value = models.FloatField(_("target value"))
    weight = models.FloatField(_("weight"), default=1.0)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    # A level target (a rate to hold, e.g. the registered unemployment rate) is shown as
    # held / not held rather than as a completion percentage.
    level = models.BooleanField(_("level target (rate)"), default=False)
    plan = models.JSONField(_("quarterly plan"), default=list, blank=True)  # [] or 4 numbers
    plan_attachment = models.FileField(upload_to="letters/%Y/", blank=True)
    plan_filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan_filed_at = models.DateTimeField(null=True, blank=True)
    actual = models.FloatField(_("actual"), null=True, blank=True)
    through = models.CharField(
        _("as of"), max_length=10, blank=True
    )  # Q1..Q4, 1..12, "" = year end
    progress_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    progress_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__code", "key"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "key"], name="one_target_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name or self.key}"

    def engine(self) -> EngineTarget:
        """The scoring core's target (the plan and progress included)."""
        return EngineTarget(
            unit_code=self.unit.code,
            key=self.key,
            value=self.value,
            year=self.round.year,
            name=self.name,
            unit_name=self.unit.name,
            weight=self.weight,
            direction=self.direction,
            plan=tuple(self.plan or ()),
            actual=self.actual,
            through=self.through or None,
            kind="level" if self.level else "cumulative",
        )

    @property
    def plan_text(self) -> str:
        """The quarterly plan as people write it: 5000 / 6000 / 6000 / 5500."""
        return " / ".join(f"{x:g}" for x in self.plan or ())

    @property
    def progress(self):
        """The core's progress (completion, expected to date, schedule); None without actual."""
        if self.actual is None:
            return None
        return progress(self.engine())

    @property
    def completion(self) -> float | None:
        if self.actual is None:
            return None
        return completion_rate(self.actual, self.value, self.direction)

    @property
    def held(self) -> bool | None:
        """A level target is held when the rate is at or beyond the target's side."""
        if self.actual is None:
            return None
        if self.direction == Direction.LOWER:
            return self.actual <= self.value
        return self.actual >= self.value
