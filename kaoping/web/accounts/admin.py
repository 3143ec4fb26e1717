from django.contrib import admin

from kaoping.web.accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "organisation"]
    list_filter = ["role"]
    autocomplete_fields = ["unit"]
