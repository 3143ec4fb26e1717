from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "kaoping.web.rounds"
    label = "rounds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connected once the models are loaded (signals name model classes).
        from kaoping.web.rounds import closed

        closed.connect()  # a closed round is read-only for everyone (issue 11)
