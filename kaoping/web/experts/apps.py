from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "kaoping.web.experts"
    label = "experts"
    default_auto_field = "django.db.models.BigAutoField"
