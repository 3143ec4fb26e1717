from django.urls import path

from kaoping.web.awards import views

app_name = "awards"
urlpatterns = [
    path("rounds/<int:round_id>/", views.decision, name="decision"),
    path("rounds/<int:round_id>/propose/", views.propose, name="propose"),
    path("rounds/<int:round_id>/nominate/", views.nominate, name="nominate"),
    path("rounds/<int:round_id>/fund/", views.fund, name="fund"),
    path("rounds/<int:round_id>/do/<slug:action>/", views.transition, name="transition"),
    path("rounds/<int:round_id>/allocation.xlsx", views.allocation_xlsx, name="allocation_xlsx"),
    path("rounds/<int:round_id>/certificates/", views.certificates, name="certificates"),
    path(
        "rounds/<int:round_id>/certificates/<int:job_id>.zip",
        views.certificates_zip,
        name="certificates_zip",
    ),
    path(
        "rounds/<int:round_id>/certificates/<int:job_id>/<int:number>/",
        views.certificate_file,
        name="certificate_file",
    ),
    path("honours/<int:year>/", views.honours, name="honours"),
]
