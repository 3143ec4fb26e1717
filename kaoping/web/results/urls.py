from django.urls import path

from kaoping.web.results import report_views, views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.start_run, name="start_run"),
    path("run/<int:version>/", views.progress, name="progress"),
    path("ranking/", views.ranking, name="ranking"),
    path("unit/<int:unit_id>/", views.unit_result, name="unit"),
    path("unit/<int:unit_id>/report/<str:ext>/", report_views.unit_report, name="unit_report"),
    path("unit/<int:unit_id>/narratives/", report_views.narratives, name="unit_narratives"),
    path("report/<str:ext>/", report_views.round_report, name="round_report"),
    path("narratives/", report_views.narratives, name="round_narratives"),
    path("reports/", report_views.start_report_job, name="start_report_job"),
    path("signing/", report_views.signing, name="signing"),
    path("reports/<int:job_id>/", report_views.report_job, name="report_job"),
    path(
        "reports/<int:job_id>/download/",
        report_views.report_job_download,
        name="report_job_download",
    ),
]
