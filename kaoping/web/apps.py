from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WebConfig(AppConfig):
    """The project itself: base templates, static files, translations, demo data command."""

    name = "kaoping.web"
    label = "web"
    verbose_name = gettext_lazy("Kaoping")

    def ready(self):
        # What the evaluation log vouches for, registered from this top layer (the log itself
        # imports no app): kaoping.web.integrity.
        from kaoping.web import integrity

        integrity.register()
