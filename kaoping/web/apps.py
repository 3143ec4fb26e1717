from django.apps import AppConfig


class WebConfig(AppConfig):
    """The project itself: base templates, static files, translations, demo data command."""

    name = "kaoping.web"
    label = "web"
    verbose_name = "考评"

    def ready(self):
        # What the evaluation log vouches for, registered from this top layer (the log itself
        # imports no app): kaoping.web.integrity.
        from kaoping.web import integrity

        integrity.register()
