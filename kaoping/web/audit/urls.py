from django.urls import path

from kaoping.web.audit import views

app_name = "audit"
urlpatterns = [path("", views.log, name="log")]
