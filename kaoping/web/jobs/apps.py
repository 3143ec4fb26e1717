from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class JobsConfig(AppConfig):
    name = "kaoping.web.jobs"
    label = "jobs"
    verbose_name = gettext_lazy("background jobs")
