from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "kaoping.web.awards"
    label = "awards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The round's reports (results, below this app) list the approved award decision:
        # registered here, as the models can be imported only once the apps are ready.
        from kaoping.web.awards.reports import decided_lists
        from kaoping.web.results.documents import AWARD_LISTS_READERS

        if decided_lists not in AWARD_LISTS_READERS:
            AWARD_LISTS_READERS.append(decided_lists)
