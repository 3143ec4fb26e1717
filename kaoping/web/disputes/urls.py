from django.urls import path

from kaoping.web.disputes import views

app_name = "disputes"
urlpatterns = [path("", views.dispute_list, name="list")]
