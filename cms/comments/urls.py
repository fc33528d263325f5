"""Public URLs of families' comments on the local offer (Regulation 56). Under /local-offer/,
before Wagtail's pages (so no service may be called "have-your-say" or "you-said-we-did")."""

from django.urls import path

from . import views

urlpatterns = [
    path("local-offer/have-your-say/", views.comment, name="local-offer-comment"),
    path(
        "local-offer/have-your-say/services/<int:service_id>/",
        views.comment,
        name="local-offer-service-comment",
    ),
    path("local-offer/have-your-say/sent/", views.comment_sent, name="local-offer-comment-sent"),
    path("local-offer/you-said-we-did/", views.you_said_we_did, name="you-said-we-did"),
    path(
        "local-offer/you-said-we-did/<int:year>/",
        views.you_said_we_did_year,
        name="you-said-we-did-year",
    ),
]
