"""Scoring runs (versions of a round's results), per-unit results and publications.

A run is never changed after it finishes; a re-review makes a new run, and publishing it
adds a new ``Publication`` version beside the earlier ones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class RunKind(models.TextChoices):
    ORIGINAL = "original", _("original")
    REREVIEW = "rereview", _("re-review")


class ScoringRun(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="runs")
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(max_length=20, choices=RunKind.choices, default=RunKind.ORIGINAL)
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveIntegerField(default=0)  # percent, for the progress page
    message = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    scheme_sha256 = models.CharField(max_length=64, blank=True)
    input_sha256 = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict)  # indicator statistics, warnings, group names
    note = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["round", "version"], name="one_run_version")]

    def __str__(self) -> str:
        return f"{self.round} v{self.version}"

    @classmethod
    def latest_done(cls, round) -> ScoringRun | None:
        return cls.objects.filter(round=round, status=RunStatus.DONE).order_by("-version").first()


class UnitResult(models.Model):
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="unit_results")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    position = models.PositiveIntegerField()  # order in the ranking table
    rank = models.PositiveIntegerField(null=True)
    total = models.FloatField(null=True)
    grade = models.CharField(max_length=20, blank=True)
    groups = models.JSONField(default=dict)
    previous_total = models.FloatField(null=True)
    previous_rank = models.PositiveIntegerField(null=True)
    explanation = models.JSONField(default=dict)  # kaoping.scoring explain(...).to_dict()
    explanation_text = models.JSONField(default=dict)  # {"zh": ..., "en": ...}

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="one_result_per_unit")]

    @property
    def change(self) -> float | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total


class Publication(models.Model):
    """Results published to units; a re-published round has several versions."""

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="publications")
    run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    published_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["round", "version"], name="one_publication_version")
        ]

    @classmethod
    def current(cls, round) -> Publication | None:
        return cls.objects.filter(round=round).select_related("run").order_by("-version").first()
