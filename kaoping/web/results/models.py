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
    # The engine's numbers for this unit, aligned with ``run.summary["indicators"]``:
    # {"values": [...], "z": [...], "scores": [...], "reasons": [...], "base_total": x,
    # "bonus": y}; None where the engine has NaN. The explanation is not stored: it is
    # rebuilt on demand from the run's frozen inputs (``kaoping.web.results.frozen``).
    numbers = models.JSONField(default=dict)

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
    # The evaluation log at publication (entries and head hash): an anchor that
    # ``kaoping log verify`` checks the log against, so a cut tail is noticed.
    log_count = models.PositiveBigIntegerField(default=0)
    log_head = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["round", "version"], name="one_publication_version")
        ]

    @classmethod
    def current(cls, round) -> Publication | None:
        return cls.objects.filter(round=round).select_related("run").order_by("-version").first()


class RunSnapshot(models.Model):
    """A run's frozen inputs, enough to evaluate it again exactly (explanations, reports).

    ``data`` and ``previous_data`` hold the base data as the engine's fingerprint payload
    (``{"units": [[code, name, year], ...], "columns": {key: [number or None, ...]}}``);
    the scheme is the round's text, frozen at publication (checked by its SHA-256).
    """

    run = models.OneToOneField(ScoringRun, on_delete=models.CASCADE, related_name="snapshot")
    data = models.JSONField()
    data_digest = models.CharField(max_length=64)  # results.frozen.data_digest, checked on use
    previous_round = models.ForeignKey(
        "rounds.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous_scheme_sha256 = models.CharField(max_length=64, blank=True)
    previous_data = models.JSONField(null=True, blank=True)
    adjustments = models.JSONField(default=list)  # [{"unit_code", "points", "reason", ...}]


class Narrative(models.Model):
    """The agency's text for one part of a unit's report (unit None: the round report)."""

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="narratives")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT)
    section = models.CharField(max_length=20)  # a key of kaoping.reports.text.SECTION_KEYS
    text = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "section"], name="one_narrative_per_section"
            )
        ]


class ReportJob(models.Model):
    """Generating every unit's report (and certificates) in the background, into a zip."""

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="report_jobs")
    run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, related_name="report_jobs")
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveIntegerField(default=0)  # percent
    done_units = models.PositiveIntegerField(default=0)
    total_units = models.PositiveIntegerField(default=0)
    with_docx = models.BooleanField(default=True)
    unit_codes = models.JSONField(default=list)  # empty: every unit of the run
    message = models.TextField(blank=True)
    archive = models.FileField(upload_to="reports/%Y/", blank=True)
    contents = models.JSONField(default=list)  # names of the files in the zip
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    log_count = models.PositiveBigIntegerField(default=0)  # the log when the reports were made
    log_head = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]

    @property
    def busy(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class ReportSigning(models.Model):
    """Who signs the round's reports and certificates (落款), set on the page by the office:
    the issuing body (评价机构), the commissioning body (委托单位), the report number and
    date. ``KAOPING_REPORT_ISSUER`` is only the default of the issuer."""

    round = models.OneToOneField(
        "rounds.Round", on_delete=models.PROTECT, related_name="report_signing"
    )
    issuer = models.CharField(_("issuing body (评价机构)"), max_length=120, blank=True)
    client = models.CharField(_("commissioning body (委托单位)"), max_length=120, blank=True)
    number = models.CharField(_("report number"), max_length=60, blank=True)
    date = models.DateField(_("report date"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
