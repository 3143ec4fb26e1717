from django.urls import path

from kaoping.web.planning import views

app_name = "planning"
urlpatterns = [path("", views.plan, name="plan")]
