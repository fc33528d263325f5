from django.urls import path

from . import views

urlpatterns = [
    path("caseload-import/", views.caseload_import, name="caseload-import"),
    path("caseload-import/jobs/<int:job_id>/", views.caseload_job, name="caseload-import-job"),
    path("caseload-import/<slug:kind>/", views.caseload_upload, name="caseload-import-upload"),
    path(
        "caseload-import/<slug:kind>/template.csv",
        views.caseload_template,
        name="caseload-import-template",
    ),
]
