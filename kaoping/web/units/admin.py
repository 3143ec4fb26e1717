from django.contrib import admin

from kaoping.web.audit.admin_actions import AuditedAdmin
from kaoping.web.units.models import Unit


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]
