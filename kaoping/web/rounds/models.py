"""The evaluation round (评价批次) and its explicit states.

A round evaluates a chosen set of units for a year under one scheme. Its scheme is stored as
TOML text; publishing the scheme freezes that text and records its SHA-256, so the standards
and weights units see before collecting data are exactly those used for scoring.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.scoring import Scheme, scheme_from_dict


class RoundState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SCHEME_PUBLISHED = "scheme_published", _("scheme published")
    COLLECTION = "collection", _("data collection")
    VERIFICATION = "verification", _("verification")
    SCORING = "scoring", _("scoring")
    REVIEW = "review", _("committee review")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("results published")
    CLOSED = "closed", _("closed and archived")


ORDER = list(RoundState.values)


@dataclass(frozen=True)
class Transition:
    """An explicit action on a round: the states it starts from, where it leads, who may."""

    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: chosen by the actor (reopen)
    roles: tuple[str, ...]
    needs_reason: bool = False


S = RoundState
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "publish_scheme", _("Publish scheme"), (S.DRAFT,), S.SCHEME_PUBLISHED, ("office",)
        ),
        Transition(
            "open_collection",
            _("Open data collection"),
            (S.SCHEME_PUBLISHED,),
            S.COLLECTION,
            ("office",),
        ),
        Transition(
            "start_verification",
            _("Start verification"),
            (S.COLLECTION,),
            S.VERIFICATION,
            ("office",),
        ),
        Transition("start_scoring", _("Start scoring"), (S.VERIFICATION,), S.SCORING, ("office",)),
        Transition(
            "submit_for_review", _("Send to committee review"), (S.SCORING,), S.REVIEW, ("office",)
        ),
        Transition(
            "return_to_scoring",
            _("Return to scoring"),
            (S.REVIEW,),
            S.SCORING,
            ("committee",),
            True,
        ),
        Transition("approve", _("Approve results"), (S.REVIEW,), S.APPROVED, ("committee",)),
        Transition(
            "publish_results", _("Publish results"), (S.APPROVED,), S.PUBLISHED, ("office",)
        ),
        Transition("close", _("Close and archive"), (S.PUBLISHED,), S.CLOSED, ("office",)),
        Transition(
            "reopen",
            _("Reopen"),
            (S.VERIFICATION, S.SCORING, S.REVIEW, S.APPROVED, S.PUBLISHED, S.CLOSED),
            None,
            ("office",),
            True,
        ),
    ]
}
# Where a reopened round may go back to: data collection at the earliest (the scheme stays
# frozen), and always to a state before the current one.
REOPEN_TARGETS = (S.COLLECTION, S.VERIFICATION, S.SCORING, S.PUBLISHED)


class Round(models.Model):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    scheme_code = models.CharField(_("scheme"), max_length=80, default="mof-2012")
    scheme_text = models.TextField(_("scheme (TOML)"))
    scheme_sha256 = models.CharField(_("scheme fingerprint"), max_length=64, blank=True)
    scheme_published_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=RoundState.choices, default=RoundState.DRAFT
    )
    units = models.ManyToManyField("units.Unit", related_name="rounds", verbose_name=_("units"))
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("previous round (year-on-year)"),
    )
    dispute_days = models.PositiveIntegerField(_("dispute window (days)"), default=15)
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")

    def __str__(self) -> str:
        return self.name

    @property
    def scheme_frozen(self) -> bool:
        return bool(self.scheme_sha256)

    def scheme(self) -> Scheme:
        """The round's scheme, parsed from its (frozen) TOML text."""
        return parse_scheme_text(self.scheme_text)

    def state_index(self) -> int:
        return ORDER.index(self.state)

    def at_least(self, state: str) -> bool:
        return self.state_index() >= ORDER.index(state)

    @property
    def results_visible_to_units(self) -> bool:
        """Published results stay visible while the committee-approved reopening revises
        them: units see the last publication until a new one replaces it."""
        if self.state in (RoundState.PUBLISHED, RoundState.CLOSED):
            return True
        return self.publications.exists()

    def save(self, *args, **kwargs):
        # Belt and braces behind the actions: a frozen scheme's text can never change.
        if self.scheme_sha256 and sha256_text(self.scheme_text) != self.scheme_sha256:
            raise ValueError("the published scheme of a round is frozen")
        super().save(*args, **kwargs)


class RoundTransition(models.Model):
    """One state change: who, when, why; never edited, so a reopened round keeps history."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=RoundState.choices)
    to_state = models.CharField(max_length=20, choices=RoundState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def action_label(self) -> str:
        """The action as users name it (translated), or its code if no longer defined."""
        transition = TRANSITIONS.get(self.action)
        return str(transition.label) if transition else self.action


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=32)
def parse_scheme_text(text: str) -> Scheme:
    """Parse scheme TOML once per distinct text (schemes are immutable once loaded)."""
    return scheme_from_dict(tomllib.loads(text))


class ArchiveSource(models.TextChoices):
    CLOSED = "closed", _("built when the round was closed")
    IMPORTED = "imported", _("imported from another installation")


class RoundArchive(models.Model):
    """An evaluation archive bundle (评价档案): built at closing, or imported read-only.

    Never changed after it is stored: the file is named by its manifest's SHA-256, which the
    build's ``round.archive`` log entry (hash-chained) also records.
    """

    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="archives"
    )
    source = models.CharField(max_length=20, choices=ArchiveSource.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to="archives/%Y/")
    manifest_sha256 = models.CharField(_("manifest SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    # SHA-256 of the stored file, compared before every download (a replaced file is refused).
    file_sha256 = models.CharField(max_length=64, blank=True)
    log_count = models.PositiveBigIntegerField(default=0)  # the log the archive closed on
    log_head = models.CharField(max_length=64, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("evaluation archive")
        verbose_name_plural = _("evaluation archives")

    def __str__(self) -> str:
        return f"{self.title} ({self.manifest_sha256[:12]})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("an evaluation archive is read-only once stored")
        super().save(*args, **kwargs)


class ArchiveBuildStatus(models.TextChoices):
    QUEUED = "queued", _("being built")
    DONE = "done", _("built")
    FAILED = "failed", _("failed")


class ArchiveBuild(models.Model):
    """Building a closed round's archive: a durable task queued by the closing transaction
    (``kaoping.web.workflow.archive.build_archive``). A failed build keeps its reason and can
    be started again; the round stays closed either way."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="archive_builds")
    status = models.CharField(
        max_length=20, choices=ArchiveBuildStatus.choices, default=ArchiveBuildStatus.QUEUED
    )
    message = models.TextField(blank=True)
    archive = models.OneToOneField(
        RoundArchive, null=True, blank=True, on_delete=models.PROTECT, related_name="build"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_status_display()}"
