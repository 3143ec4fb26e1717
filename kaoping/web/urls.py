from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kaoping.web import health
from kaoping.web.submissions import views as submission_views
from kaoping.web.workflow import views as workflow_views

urlpatterns = [
    path("", workflow_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("kaoping.web.accounts.urls")),
    path("overdue/", submission_views.overdue, name="overdue"),
    path("units/", include("kaoping.web.units.urls")),
    path("log/", include("kaoping.web.audit.urls")),
    path("rounds/", include("kaoping.web.rounds.urls")),
    path("workflow/", include("kaoping.web.workflow.urls")),
    path("schemes/", include("kaoping.web.schemes.urls")),
    path("rounds/<int:round_id>/letters/", include("kaoping.web.letters.urls")),
    path("rounds/<int:round_id>/adjustments/", include("kaoping.web.adjustments.urls")),
    path("awards/", include("kaoping.web.awards.urls")),
    path("rounds/<int:round_id>/data/", include("kaoping.web.submissions.urls")),
    path("rounds/<int:round_id>/plan/", include("kaoping.web.planning.urls")),
    path("rounds/<int:round_id>/changes/", include("kaoping.web.workflow.change_urls")),
    path("rounds/<int:round_id>/results/", include("kaoping.web.results.urls")),
    path("rounds/<int:round_id>/disputes/", include("kaoping.web.disputes.urls")),
    path("experts/", include("kaoping.web.experts.urls")),
    path("api/", include("kaoping.web.api.urls")),
]
# Uploaded files (attachments, archives, report zips) are never served from MEDIA_URL, not
# even with DEBUG on: every download goes through a view that checks permission.
