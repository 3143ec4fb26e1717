from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "kaoping.web.units"
    label = "units"
    default_auto_field = "django.db.models.BigAutoField"
