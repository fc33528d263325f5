"""URLs for data protection: the audit trail, subject access and legal holds."""

from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.audit_search, name="audit-search"),
    path("audit/events.csv", views.audit_csv, name="audit-csv"),
    path(
        "children/<int:child_id>/subject-access/",
        views.subject_access,
        name="subject-access",
    ),
    path(
        "children/<int:child_id>/subject-access.json",
        views.subject_access_json,
        name="subject-access-json",
    ),
    path("children/<int:child_id>/legal-hold/", views.legal_hold, name="legal-hold"),
]
