"""URLs for the early help hand-off: the coordinator's list, the referral pack and its exports,
acceptance and outcome. Hand-offs are addressed by their referral's id."""

from django.urls import path

from pathway.early_help import views as views

urlpatterns = [
    path("early-help/", views.handoff_list, name="early-help-list"),
    path("early-help/pack-schema.json", views.pack_schema, name="early-help-pack-schema"),
    path("early-help/<int:referral_id>/", views.pack, name="early-help-pack"),
    path("early-help/<int:referral_id>/pack.json", views.pack_json, name="early-help-pack-json"),
    path("early-help/<int:referral_id>/pack.pdf", views.pack_pdf, name="early-help-pack-pdf"),
    path("early-help/<int:referral_id>/respond/", views.respond, name="early-help-respond"),
    path("early-help/<int:referral_id>/outcome/", views.outcome, name="early-help-outcome"),
]
