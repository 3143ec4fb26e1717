from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "kaoping.web.workflow"
    label = "workflow"
    default_auto_field = "django.db.models.BigAutoField"
