from django.urls import path

from kaoping.web.adjustments import views

app_name = "adjustments"
urlpatterns = [
    path("", views.adjustment_list, name="list"),
    path("<int:adjustment_id>/withdraw/", views.withdraw, name="withdraw"),
]
