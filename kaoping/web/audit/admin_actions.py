"""Administrator edits in Django's admin, through audited actions (issue 11).

The admin saves a model with ``save_model`` and deletes with ``delete_model`` /
``delete_queryset``, inside its own transaction. :class:`AuditedAdmin` routes both through
:func:`do_admin_save` and :func:`do_admin_delete`, which write the evaluation-log entry
(who, which object, every changed field with its old and new value) in that transaction.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models, transaction

from kaoping.web.audit.log import record


def _value(obj: models.Model, field: str):
    value = getattr(obj, field, None)
    return value.pk if isinstance(value, models.Model) else value


@transaction.atomic
def do_admin_save(obj: models.Model, changed: list[str], *, acting_user, created: bool) -> None:
    old = None
    if not created:
        old = type(obj).objects.filter(pk=obj.pk).first()
    obj.save()
    fields = {f: [_value(old, f) if old else None, _value(obj, f)] for f in changed}
    record(
        f"admin.{obj._meta.model_name}_{'add' if created else 'change'}",
        acting_user,
        obj=obj,
        data={"object": str(obj), "changed": fields},
    )


@transaction.atomic
def do_admin_delete(obj: models.Model, *, acting_user) -> None:
    record(f"admin.{obj._meta.model_name}_delete", acting_user, obj=obj, data={"object": str(obj)})
    obj.delete()


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every save and delete is logged with the administrator's name."""

    def save_model(self, request, obj, form, change):
        do_admin_save(obj, list(form.changed_data), acting_user=request.user, created=not change)

    def delete_model(self, request, obj):
        do_admin_delete(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            do_admin_delete(obj, acting_user=request.user)
