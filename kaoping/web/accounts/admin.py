from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kaoping.web.accounts.models import AccountSecurity, ApiToken, LoginFailure, Membership
from kaoping.web.accounts.tokens import do_revoke_token
from kaoping.web.audit.admin_actions import AuditedAdmin


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "organisation"]
    list_filter = ["role"]
    autocomplete_fields = ["unit"]


@admin.register(AccountSecurity)
class AccountSecurityAdmin(AuditedAdmin):
    list_display = ["user", "must_change_password", "password_changed_at"]
    list_filter = ["must_change_password"]
    readonly_fields = ["password_changed_at"]


@admin.register(LoginFailure)
class LoginFailureAdmin(AuditedAdmin):
    """Failed logins; deleting a user's rows lifts his lockout early."""

    list_display = ["username", "ip", "at"]
    search_fields = ["username", "ip"]
    readonly_fields = ["username", "ip", "at"]

    def has_add_permission(self, request):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed and revoked here (logged); never created, edited or deleted."""

    list_display = ["user", "name", "created", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            do_revoke_token(token, acting_user=request.user, reason="administrator")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
