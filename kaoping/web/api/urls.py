from django.urls import path

from kaoping.web.api import views

app_name = "api"
urlpatterns = [
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/units/", views.round_units, name="units"),
    path("rounds/<int:round_id>/submissions/", views.round_submissions, name="submissions"),
    path("rounds/<int:round_id>/results/", views.round_results, name="results"),
]
