"""A closed round is read-only for everyone (issue 11).

Once a round is closed and archived, its archive and the log vouch for everything in it; a
self-check, a narrative, a dispute decision or an expert score added afterwards would sit
outside both. Rather than trusting every action to remember the rule, every save and delete
of a record belonging to a round is checked here, at the database's door (``pre_save`` and
``pre_delete``): the record's round is looked up (directly, or one relation away, e.g. an
attachment's submission) and, if that round is closed, the write is refused with an
:class:`ActionError` the pages show as a message. Reopening (with a reason, approved)
(requested with a reason, approved by the committee) is the one way to change a closed round.

Not guarded: the round itself changing state (closing, reopening), its transitions, its
archive, the evaluation log, report jobs (documents rendered from the frozen results are
reads), and the request to reopen it with the committee's decision on it.
"""

from __future__ import annotations

from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext as _

from kaoping.web.common import ActionError
from kaoping.web.rounds.models import (
    ArchiveBuild,
    Round,
    RoundArchive,
    RoundState,
    RoundTransition,
)

# The log; report jobs (documents of frozen results); the request to reopen and its decision.
EXEMPT_LABELS = {"audit.auditentry", "results.reportjob", "workflow.changerequest"}


def closed_round_message() -> str:
    return _(
        "This round is closed and archived: it is read-only and nothing can be changed. "
        "To correct it, the evaluation office must reopen the round (with a reason)."
    )


def _round_id_of(instance: models.Model) -> int | None:
    """The id of the round ``instance`` belongs to, directly or through one relation."""
    meta = instance._meta
    for field in meta.concrete_fields:
        if field.is_relation and field.related_model is Round:
            return getattr(instance, field.attname)
    for field in meta.concrete_fields:
        if not (field.is_relation and field.many_to_one):
            continue
        target = field.related_model
        if target is None or not any(
            f.is_relation and f.related_model is Round for f in target._meta.concrete_fields
        ):
            continue
        pk = getattr(instance, field.attname)
        if pk is not None:
            round_field = next(
                f
                for f in target._meta.concrete_fields
                if f.is_relation and f.related_model is Round
            )
            return (
                target._default_manager.filter(pk=pk)
                .values_list(round_field.attname, flat=True)
                .first()
            )
    return None


def _guard(sender, instance, **kwargs) -> None:
    if (
        sender in (RoundTransition, RoundArchive, ArchiveBuild)
        or sender._meta.label_lower in EXEMPT_LABELS
    ):
        return
    if sender is Round:
        _guard_round(instance)
        return
    if sender._meta.app_label in _OUTSIDE_ROUNDS:
        return
    round_id = _round_id_of(instance)
    if round_id is not None and Round.objects.filter(pk=round_id, state=RoundState.CLOSED).exists():
        raise ActionError(closed_round_message())


def check_writable(instance: models.Model) -> None:
    """The guard of a save, for a bulk write (``bulk_create`` sends no ``pre_save``): call it
    with one of the new records, all of them belonging to the same round."""
    _guard(type(instance), instance)


def _guard_round(instance: Round) -> None:
    """A closed round may only change its state (reopening)."""
    if instance.pk is None:
        return
    stored = Round.objects.filter(pk=instance.pk).values_list("state", flat=True).first()
    if stored == RoundState.CLOSED and instance.state == RoundState.CLOSED:
        raise ActionError(closed_round_message())


# Apps whose records never belong to a round (skipped without a look); every other model
# with a relation to a round, directly or one step away, is guarded.
_OUTSIDE_ROUNDS = {"accounts", "units", "audit", "auth", "sessions", "contenttypes", "admin"}


def connect() -> None:
    pre_save.connect(_guard, dispatch_uid="kaoping_closed_round_save")
    pre_delete.connect(_guard, dispatch_uid="kaoping_closed_round_delete")
