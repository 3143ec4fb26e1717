from django.urls import path

from kaoping.web.experts import views

app_name = "experts"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("round/<int:round_id>/", views.groups, name="groups"),
    path("group/<int:group_id>/", views.group_detail, name="group"),
]
