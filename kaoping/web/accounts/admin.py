from django.contrib import admin

from kaoping.web.accounts.models import AccountSecurity, LoginFailure, Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "organisation"]
    list_filter = ["role"]
    autocomplete_fields = ["unit"]


@admin.register(AccountSecurity)
class AccountSecurityAdmin(admin.ModelAdmin):
    list_display = ["user", "must_change_password", "password_changed_at"]
    list_filter = ["must_change_password"]
    readonly_fields = ["password_changed_at"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed logins; deleting a user's rows lifts his lockout early."""

    list_display = ["username", "ip", "at"]
    search_fields = ["username", "ip"]
    readonly_fields = ["username", "ip", "at"]

    def has_add_permission(self, request):
        return False
