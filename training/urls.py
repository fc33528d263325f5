"""URLs of the training app's own (non-Wagtail) pages.

They sit under /training/ beside the Wagtail pages (the index is the Wagtail page at
/training/); their first segments are reserved, so no module can take them as a slug."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "training/certificates/<int:completion_id>/",
        views.certificate,
        name="training-certificate",
    ),
    path(
        "training/certificates/<int:completion_id>/pdf/",
        views.certificate_pdf,
        name="training-certificate-pdf",
    ),
    path("training/coverage/", views.coverage, name="training-coverage"),
    path(
        "training/coverage/settings/<int:setting_id>/",
        views.setting_coverage,
        name="training-setting-coverage",
    ),
    path("training/coverage/export/", views.export_completions, name="training-export"),
    path("training/coverage/import/", views.import_attendance, name="training-import"),
    path(
        "training/coverage/import/template.csv",
        views.import_template,
        name="training-import-template",
    ),
    path(
        "training/coverage/import/<int:batch_id>/",
        views.import_preview,
        name="training-import-preview",
    ),
    path(
        "training/coverage/import/<int:batch_id>/confirm/",
        views.import_confirm,
        name="training-import-confirm",
    ),
]
