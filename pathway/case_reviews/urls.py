from django.urls import path

from . import views

urlpatterns = [
    path("case-reviews/", views.case_reviews, name="case-reviews"),
    path("case-reviews/new/", views.case_review_new, name="case-review-new"),
    path("case-reviews/findings/", views.all_findings, name="case-reviews-findings"),
    path("case-reviews/<int:review_id>/", views.case_review, name="case-review"),
    path(
        "case-reviews/<int:review_id>/panel/",
        views.case_review_add_member,
        name="case-review-add-member",
    ),
    path(
        "case-reviews/<int:review_id>/panel/<int:member_id>/remove/",
        views.case_review_remove_member,
        name="case-review-remove-member",
    ),
    path(
        "case-reviews/<int:review_id>/cases/<int:case_id>/",
        views.review_case,
        name="review-case",
    ),
    path(
        "case-reviews/<int:review_id>/cases/<int:case_id>/pdf/",
        views.review_case_pdf,
        name="review-case-pdf",
    ),
    path(
        "case-reviews/<int:review_id>/findings/",
        views.case_review_findings,
        name="case-review-findings",
    ),
    path(
        "case-reviews/<int:review_id>/findings/propose/",
        views.case_review_propose,
        name="case-review-propose",
    ),
]
