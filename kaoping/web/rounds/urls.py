from django.urls import path

from kaoping.web.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:round_id>/", views.round_detail, name="detail"),
    path("<int:round_id>/scheme/", views.round_scheme, name="scheme"),
]
