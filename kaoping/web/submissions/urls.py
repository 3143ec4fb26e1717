from django.urls import path

from kaoping.web.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("import/", views.import_all, name="import_all"),
    path("bulk/", views.bulk, name="bulk"),
    path("unit/<int:unit_id>/", views.unit_page, name="unit"),
    path("unit/<int:unit_id>/template.xlsx", views.template_download, name="template"),
    path("unit/<int:unit_id>/upload/", views.upload, name="upload"),
    path("unit/<int:unit_id>/save/", views.save_values, name="save"),
    path("unit/<int:unit_id>/submit/", views.submit, name="submit"),
    path("unit/<int:unit_id>/return/", views.return_for_rectification, name="return"),
    path("unit/<int:unit_id>/check/", views.record_check, name="check"),
    path("unit/<int:unit_id>/verify/", views.verify, name="verify"),
    path("unit/<int:unit_id>/attach/", views.attach, name="attach"),
    path(
        "unit/<int:unit_id>/checks/<int:check_id>/attachment/",
        views.check_attachment,
        name="check_attachment",
    ),
    path(
        "unit/<int:unit_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
