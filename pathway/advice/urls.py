"""URLs for advice requests."""

from django.urls import path

from pathway.advice import views as views

urlpatterns = [
    path(
        "referrals/<int:referral_id>/advice/new/",
        views.new_advice_request,
        name="advice-new",
    ),
    path("advice/", views.advice_list, name="advice-list"),
    path("advice/<int:request_id>/", views.advice_detail, name="advice-detail"),
    path(
        "advice/<int:request_id>/withdraw/",
        views.withdraw_advice_request,
        name="advice-withdraw",
    ),
]
