from django.urls import path

from kaoping.web.accounts import import_views, views

app_name = "accounts"
urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("", import_views.accounts, name="list"),
    path("me/token/", views.issue_token, name="issue_token"),
    path("me/token/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("me/password/", views.password_change, name="password_change"),
]
