from django.urls import path

from kaoping.web.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("archives/", views.archive_list, name="archives"),
    path("archives/import/", views.archive_import, name="archive_import"),
    path("archives/<int:archive_id>/download/", views.archive_download, name="archive_download"),
    path("<int:round_id>/", views.round_detail, name="detail"),
    path("<int:round_id>/scheme/", views.round_scheme, name="scheme"),
    path("<int:round_id>/do/<slug:action>/", views.round_transition, name="transition"),
]
