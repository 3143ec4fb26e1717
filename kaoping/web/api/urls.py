from django.urls import path

from kaoping.web.api import views

app_name = "api"
urlpatterns = [
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/units/", views.round_units, name="units"),
    path("rounds/<int:round_id>/submissions/", views.round_submissions, name="submissions"),
    path("rounds/<int:round_id>/results/", views.round_results, name="results"),
    path("rounds/<int:round_id>/targets/", views.round_targets, name="round_targets"),
    path(
        "rounds/<int:round_id>/targets/<int:target_id>/progress/",
        views.target_progress,
        name="target_progress",
    ),
    path("rounds/<int:round_id>/adjustments/", views.round_adjustments, name="round_adjustments"),
    path("rounds/<int:round_id>/awards/", views.round_awards, name="round_awards"),
    path("honours/<int:year>/", views.honours, name="honours_register"),
]
