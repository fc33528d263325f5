"""URLs of the training app's own (non-Wagtail) pages.

They sit under /training/ beside the Wagtail pages (the index is the Wagtail page at
/training/); their first segments are reserved, so no module can take them as a slug. What
learners post from the module and lesson pages goes to /training/modules/<id>/… and
/training/lessons/<id>/…: three segments below the index, deeper than any page (modules, then
lessons, which have no children), so these need no reserved slug."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "training/modules/<int:module_id>/start/",
        views.module_start,
        name="training-module-start",
    ),
    path(
        "training/lessons/<int:lesson_id>/submit/",
        views.lesson_submit,
        name="training-lesson-submit",
    ),
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
