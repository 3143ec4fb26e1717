from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "kaoping.web.letters"
    label = "letters"
    verbose_name = _("responsibility letters")
    default_auto_field = "django.db.models.BigAutoField"
