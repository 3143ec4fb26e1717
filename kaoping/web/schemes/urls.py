from django.urls import path

from kaoping.web.schemes import views

app_name = "schemes"
urlpatterns = [
    path("new/", views.new_round, name="new_round"),
    path("<int:round_id>/", views.edit, name="edit"),
    path("<int:round_id>/prices/", views.prices, name="prices"),
]
