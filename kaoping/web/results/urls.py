from django.urls import path

from kaoping.web.results import views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.start_run, name="start_run"),
    path("run/<int:version>/", views.progress, name="progress"),
    path("ranking/", views.ranking, name="ranking"),
    path("unit/<int:unit_id>/", views.unit_result, name="unit"),
]
