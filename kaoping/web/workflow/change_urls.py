from django.urls import path

from kaoping.web.workflow import change_views as views

app_name = "approvals"
urlpatterns = [
    path("", views.changes, name="changes"),
    path("reopen/", views.request_reopen, name="request_reopen"),
    path("dispute/<int:dispute_id>/republish/", views.request_republish, name="request_republish"),
    path("<int:change_id>/decide/", views.decide, name="decide"),
]
