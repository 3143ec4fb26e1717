from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "kaoping.web.approvals"
    label = "approvals"
    default_auto_field = "django.db.models.BigAutoField"
