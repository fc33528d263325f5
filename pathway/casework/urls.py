"""URLs for triage and casework."""

from django.urls import path

from pathway.casework import views as views

urlpatterns = [
    path("triage/", views.triage_queue, name="triage-queue"),
    path("triage/settings/", views.setting_search, name="triage-setting-search"),
    path("my-work/", views.my_work, name="my-work"),
    path("caseloads/", views.caseloads, name="caseloads"),
    path("funding/", views.funding, name="funding"),
    path("referrals/<int:referral_id>/claim/", views.claim_referral, name="claim-referral"),
    path(
        "referrals/<int:referral_id>/allocate/", views.allocate_referral, name="allocate-referral"
    ),
    path(
        "referrals/<int:referral_id>/undo-allocation/",
        views.undo_allocation,
        name="undo-allocation",
    ),
    path("referrals/<int:referral_id>/decide/", views.decide_referral, name="decide-referral"),
    path("referrals/<int:referral_id>/notes/", views.add_case_note, name="add-case-note"),
    path("referrals/<int:referral_id>/sharing/", views.referral_sharing, name="referral-sharing"),
    path("questions/", views.information_requests, name="information-requests"),
    path(
        "questions/<int:request_id>/",
        views.answer_information_request,
        name="answer-information-request",
    ),
]
