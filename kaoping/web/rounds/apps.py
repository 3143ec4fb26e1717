from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "kaoping.web.rounds"
    label = "rounds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kaoping.web.rounds import closed

        closed.connect()  # a closed round is read-only for everyone (issue 11)
