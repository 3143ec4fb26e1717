"""Base data a unit submits for a round, and everything that happens to it afterwards.

Values live in ``Submission.values`` (field key → number or None). Once a submission has
been submitted, every change to a value writes a ``ValueChange`` with the old value, who
changed it and why: nothing is overwritten without trace.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PENDING_CONFIRMATION = "pending_confirmation", _("imported, awaiting confirmation")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for rectification")
    VERIFIED = "verified", _("verified")


EDITABLE = (
    SubmissionStatus.DRAFT,
    SubmissionStatus.RETURNED,
    SubmissionStatus.PENDING_CONFIRMATION,
)


class Submission(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        _("status"), max_length=24, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    values = models.JSONField(_("values"), default=dict)
    source = models.CharField(_("source"), max_length=120, blank=True)
    # Set at the first submission; from then on value changes are recorded.
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: every save bumps it; a form sends back the version it showed, and
    # a save based on an older version is refused instead of overwriting someone's change.
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        ordering = ["unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="one_submission_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    def open_rectification(self) -> Rectification | None:
        # A list prefetches the open rectifications (``with_open_rectification``): one query
        # for the whole page instead of one per row.
        if hasattr(self, "open_rectifications"):
            return self.open_rectifications[0] if self.open_rectifications else None
        return self.rectifications.filter(resolved_at__isnull=True).order_by("-id").first()

    @property
    def overdue(self) -> bool:
        rect = self.open_rectification()
        return rect is not None and rect.deadline < timezone.localdate()


def with_open_rectification(submissions: models.QuerySet) -> models.QuerySet:
    """``submissions`` with their open rectification fetched in one query for all of them."""
    return submissions.prefetch_related(
        models.Prefetch(
            "rectifications",
            queryset=Rectification.objects.filter(resolved_at__isnull=True).order_by("-id"),
            to_attr="open_rectifications",
        )
    )


class ValueChange(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(_("field"), max_length=80)
    old_value = models.FloatField(_("old value"), null=True)
    new_value = models.FloatField(_("new value"), null=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(_("changed at"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["changed_at", "id"]


class Rectification(models.Model):
    """限期整改: the agency returns a submission with reasons per field and a deadline."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="rectifications"
    )
    reasons = models.JSONField(_("reasons per field"), default=dict)
    general = models.TextField(_("general remarks"), blank=True)
    deadline = models.DateField(_("deadline"))
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-returned_at"]


class CheckKind(models.TextChoices):
    SELF_CHECK = "self_check", _("self-check")
    SPOT_CHECK = "spot_check", _("spot-check")
    PERIODIC = "periodic", _("periodic check")


class VerificationRecord(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(_("kind"), max_length=20, choices=CheckKind.choices)
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    date = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=200)
    finding = models.TextField(_("finding"))
    attachment = models.FileField(_("attachment"), upload_to="checks/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    @property
    def attachment_name(self) -> str:
        """The file's own name, without the storage folder (checks/2026/...)."""
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""


class Attachment(models.Model):
    """A supporting document (PDF, image, spreadsheet) for a submission or one of its values."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="attachments")
    field = models.CharField(_("field"), max_length=80, blank=True)
    file = models.FileField(upload_to="attachments/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
