from django.urls import path

from kaoping.web.disputes import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("file/", views.file, name="file"),
    path("<int:dispute_id>/", views.detail, name="detail"),
    path("<int:dispute_id>/accept/", views.accept, name="accept"),
    path("<int:dispute_id>/reject/", views.reject, name="reject"),
    path("<int:dispute_id>/panel/", views.form_panel, name="panel"),
    path("<int:dispute_id>/opinion/", views.opinion, name="opinion"),
    path("<int:dispute_id>/decide/", views.decide, name="decide"),
    path("<int:dispute_id>/publish/", views.republish, name="republish"),
    path("<int:dispute_id>/attachment/", views.attachment, name="attachment"),
]
