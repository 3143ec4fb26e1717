"""The evaluation log (评价日志): append-only, hash-chained entries.

Each entry stores an HMAC-SHA256 (keyed with ``settings.SECRET_KEY``) over its own content
and the previous entry's hash, so editing, deleting or reordering any entry breaks the chain
from that point on; :func:`kaoping.archive.chain.check_entries` finds the first bad entry, and signed
checkpoints outside the database catch a cut tail (:mod:`kaoping.web.audit.anchors`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a log entry."""


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("actor"),
    )
    # The name at the time: a later renamed account must not rewrite history.
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    round = models.ForeignKey(
        "rounds.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="log"
    )
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Unique: two entries chaining to the same predecessor would be a fork. Appends are
    # serialised (``log.lock_tail``); this constraint is the last line of defence.
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)
    # The entry's place in the chain (1 for the first), for checkpoints; not hashed, and
    # verification counts the chain itself rather than trusting it.
    seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("log entry")
        verbose_name_plural = _("evaluation log")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("evaluation log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("evaluation log entries cannot be deleted")
