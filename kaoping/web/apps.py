from django.apps import AppConfig


class WebConfig(AppConfig):
    """The project itself: base templates, static files, translations, demo data command."""

    name = "kaoping.web"
    label = "web"
    verbose_name = "考评"
