from django.apps import AppConfig


class AdjustmentsConfig(AppConfig):
    name = "kaoping.web.adjustments"
    label = "adjustments"
    default_auto_field = "django.db.models.BigAutoField"
