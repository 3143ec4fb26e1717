from django.urls import path

from kaoping.web.workflow import views

app_name = "workflow"
urlpatterns = [
    path("rounds/<int:round_id>/do/<slug:action>/", views.round_transition, name="transition"),
    path("rounds/<int:round_id>/archive/retry/", views.archive_retry, name="archive_retry"),
    path("archives/", views.archive_list, name="archives"),
    path("archives/import/", views.archive_import, name="archive_import"),
    path("archives/<int:archive_id>/download/", views.archive_download, name="archive_download"),
]
