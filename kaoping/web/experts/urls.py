from django.urls import path

from kaoping.web.experts import views

app_name = "experts"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("round/<int:round_id>/", views.groups, name="groups"),
    path("round/<int:round_id>/recuse/", views.recuse, name="recuse"),
    path("group/<int:group_id>/", views.group_detail, name="group"),
    path("group/<int:group_id>/members/", views.add_members, name="add_members"),
    path("group/<int:group_id>/assign/", views.assign, name="assign"),
    path("group/<int:group_id>/close/", views.close, name="close"),
    path("group/<int:group_id>/sheet/", views.sheet, name="sheet"),
    path("group/<int:group_id>/sheet.xlsx", views.sheet_download, name="sheet_download"),
    path("group/<int:group_id>/sheet/upload/", views.sheet_upload, name="sheet_upload"),
]
