"""Administrator edits in Django's admin, through audited actions (issue 11).

The admin saves a model with ``save_model`` and deletes with ``delete_model`` /
``delete_queryset``, inside its own transaction. :class:`AuditedAdmin` routes both through
:func:`do_admin_save` and :func:`do_admin_delete`, which write the evaluation-log entry
(who, which object, every changed field with its old and new value) in that transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from kaoping.web.audit.log import record


def _value(obj: models.Model, field: str) -> Any:
    value = getattr(obj, field, None)
    return value.pk if isinstance(value, models.Model) else value


@transaction.atomic
def do_admin_save(
    obj: models.Model, changed: list[str], *, acting_user: User, created: bool
) -> None:
    old = None
    if not created:
        old = type(obj)._default_manager.filter(pk=obj.pk).first()
    obj.save()
    fields = {f: [_value(old, f) if old else None, _value(obj, f)] for f in changed}
    record(
        f"admin.{obj._meta.model_name}_{'add' if created else 'change'}",
        acting_user,
        obj=obj,
        data={"object": str(obj), "changed": fields},
    )


@transaction.atomic
def do_admin_delete(obj: models.Model, *, acting_user: User) -> None:
    record(f"admin.{obj._meta.model_name}_delete", acting_user, obj=obj, data={"object": str(obj)})
    obj.delete()


if TYPE_CHECKING:  # ModelAdmin takes its model's type for the checker only
    ModelAdmin = admin.ModelAdmin[models.Model]
else:
    ModelAdmin = admin.ModelAdmin


def _administrator(request: HttpRequest) -> User:
    # The admin site lets in only signed-in staff (its own login view): never anonymous here.
    return cast(User, request.user)


class AuditedAdmin(ModelAdmin):
    """A ModelAdmin whose every save and delete is logged with the administrator's name."""

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool
    ) -> None:
        do_admin_save(
            obj, list(form.changed_data), acting_user=_administrator(request), created=not change
        )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        do_admin_delete(obj, acting_user=_administrator(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[models.Model]) -> None:
        for obj in queryset:
            do_admin_delete(obj, acting_user=_administrator(request))
