"""URLs of the EHC timeline."""

from django.urls import path

from pathway.ehc import views

urlpatterns = [
    path("ehc/", views.ehc_cases, name="ehc-cases"),
    path("children/<int:child_id>/ehc/", views.ehc_child, name="ehc-child"),
    path("children/<int:child_id>/ehc/request/", views.ehc_request_new, name="ehc-request-new"),
    path("ehc/<int:ehc_id>/letters/<int:letter_id>/", views.ehc_letter_pdf, name="ehc-letter-pdf"),
    path("ehc/<int:ehc_id>/<slug:step>/", views.ehc_step, name="ehc-step"),
]
