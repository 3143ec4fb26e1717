from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "kaoping.web.schemes"
    label = "schemes"
    default_auto_field = "django.db.models.BigAutoField"
