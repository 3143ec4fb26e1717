from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "kaoping.web.disputes"
    label = "disputes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The scoring runs (results, below this app) use the values decided re-reviews
        # adopted: registered here, as the models can be imported only once the apps are ready.
        from kaoping.web.disputes.corrections import adopted_values
        from kaoping.web.results.inputs import ADOPTED_VALUES_READERS

        if adopted_values not in ADOPTED_VALUES_READERS:
            ADOPTED_VALUES_READERS.append(adopted_values)
