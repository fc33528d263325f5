from django.urls import path

from . import views

urlpatterns = [
    path("access-reviews/", views.reviews, name="access-reviews"),
    path("access-reviews/<int:review_id>/", views.review, name="access-review"),
    path(
        "access-reviews/<int:review_id>/finish/",
        views.complete,
        name="access-review-finish",
    ),
]
