from django.urls import path

from kaoping.web.letters import views

app_name = "letters"
urlpatterns = [
    path("", views.targets, name="targets"),
    path("units/<int:unit_id>/", views.unit_letter, name="unit"),
    path("targets/<int:target_id>/plan/", views.file_plan, name="plan"),
    path("targets/<int:target_id>/progress/", views.report_progress, name="progress"),
    path("targets/<int:target_id>/attachment/", views.attachment, name="attachment"),
]
